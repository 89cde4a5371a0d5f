/**
 * Writes a JSON document atomically (a temp file, then rename) in pieces:
 * each element of a top-level array is serialized on its own and written in
 * batches, so a store of 10,000 attendees never becomes one 3 MB string that
 * the heap must grow for (and keeps). Writes are coalesced: while one is on
 * its way to disk, later requests share the next write, which serializes the
 * document as it is when that write starts, once, however many asked.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Written in batches of about this many characters: few syscalls, small strings. */
const BATCH_CHARS = 64 * 1024;

type Doc = Record<string, unknown>;

/** The document as JSON text in pieces: one piece per top-level array element, one per other member. */
export function* jsonPieces(doc: Doc): Generator<string> {
  yield '{';
  let first = true;
  for (const key of Object.keys(doc)) {
    const value = doc[key];
    if (value === undefined || typeof value === 'function') continue;
    yield `${first ? '' : ','}\n${JSON.stringify(key)}:`;
    first = false;
    if (Array.isArray(value)) {
      yield '[';
      for (let i = 0; i < value.length; i++) yield `${i ? ',' : ''}\n${JSON.stringify(value[i]) ?? 'null'}`;
      yield value.length ? '\n]' : ']';
    } else {
      yield JSON.stringify(value);
    }
  }
  yield '\n}\n';
}

interface Pending {
  produce: () => Doc;
  done: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class AtomicJsonFile {
  readonly #file: string;
  readonly #temp: string;
  #writing = false;
  #next: Pending | undefined;

  constructor(file: string) {
    this.#file = file;
    this.#temp = join(dirname(file), `.${basename(file)}.tmp`);
  }

  async read(): Promise<string | null> {
    try {
      return await readFile(this.#file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  /**
   * Resolves once a write that started after this call is on disk. `produce`
   * is called when the write starts, so a queued write sees every change made
   * before it.
   */
  write(produce: () => Doc): Promise<void> {
    if (this.#next) {
      this.#next.produce = produce;
      return this.#next.done;
    }
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#next = { produce, done, resolve, reject };
    if (!this.#writing) void this.#drain();
    return done;
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#next) {
      const job = this.#next;
      this.#next = undefined;
      try {
        await this.#writeNow(job.produce());
        job.resolve();
      } catch (e) {
        job.reject(e);
      }
    }
    this.#writing = false;
  }

  async #writeNow(doc: Doc): Promise<void> {
    const fh = await open(this.#temp, 'w');
    try {
      let batch = '';
      for (const piece of jsonPieces(doc)) {
        batch += piece;
        if (batch.length >= BATCH_CHARS) {
          await fh.write(batch);
          batch = '';
        }
      }
      if (batch) await fh.write(batch);
    } catch (e) {
      await fh.close().catch(() => undefined);
      await rm(this.#temp, { force: true });
      throw e;
    }
    await fh.close();
    await rename(this.#temp, this.#file);
  }
}
