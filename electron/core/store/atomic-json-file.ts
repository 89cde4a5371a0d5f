/**
 * Writes a JSON document so that it lands whole or not at all: a temp file
 * with every byte written (short writes continued) and fsynced, renamed over
 * the store file, the directory fsynced; only then does `write` resolve. Any
 * failure on the way leaves the previous file as it was and rejects with a
 * `StoreWriteError` that says at which step and whether the rename happened.
 *
 * The document is written in pieces: each element of a top-level array is
 * serialized on its own and written in batches, so a store of 10,000
 * attendees never becomes one 3 MB string that the heap must grow for (and
 * keeps). Callers hand in a document that does not change while it is
 * written (the store's state is immutable); batching several changes into
 * one write is the store's job.
 */
import { basename, dirname, join } from 'node:path';
import { errnoOf, type FileLayer, nodeFiles, renameRetrying, syncDir, writeWhole } from './file-layer.js';

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

export type WriteStage = 'open' | 'serialize' | 'write' | 'fsync' | 'close' | 'rename' | 'dir-fsync';

/** A write that did not complete; `renamed` is true when the new file is already in place (a failing directory fsync). */
export class StoreWriteError extends Error {
  readonly stage: WriteStage;
  readonly errno: string | undefined;
  readonly renamed: boolean;
  readonly file: string;

  constructor(file: string, stage: WriteStage, cause: unknown) {
    const errno = errnoOf(cause);
    super(`${stage} of ${basename(file)} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StoreWriteError';
    this.file = file;
    this.stage = stage;
    this.errno = errno;
    this.renamed = stage === 'dir-fsync';
  }
}

export class AtomicJsonFile {
  readonly file: string;
  readonly #temp: string;
  readonly #files: FileLayer;
  #busy = false;

  constructor(file: string, files: FileLayer = nodeFiles) {
    this.file = file;
    this.#temp = join(dirname(file), `.${basename(file)}.tmp`);
    this.#files = files;
  }

  /** The file's text, or null when there is none. */
  async read(): Promise<string | null> {
    try {
      return (await this.#files.readFile(this.file)).toString('utf8');
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return null;
      throw e;
    }
  }

  /** Writes `doc` durably. One write at a time: the temp file is shared. */
  async write(doc: Doc): Promise<void> {
    if (this.#busy) throw new Error('AtomicJsonFile.write called while a write is in progress');
    this.#busy = true;
    try {
      await this.#writeNow(doc);
    } finally {
      this.#busy = false;
    }
  }

  async #writeNow(doc: Doc): Promise<void> {
    const files = this.#files;
    let stage: WriteStage = 'open';
    const fail = (e: unknown) => (e instanceof StoreWriteError ? e : new StoreWriteError(this.file, stage, e));
    let fh: Awaited<ReturnType<FileLayer['open']>> | undefined;
    try {
      fh = await files.open(this.#temp, 'w', 0o600);
      let batch = '';
      const pieces = jsonPieces(doc);
      for (;;) {
        stage = 'serialize';
        const next = pieces.next();
        if (!next.done) batch += next.value;
        if (batch.length >= BATCH_CHARS || (next.done && batch)) {
          stage = 'write';
          await writeWhole(fh, Buffer.from(batch, 'utf8'));
          batch = '';
        }
        if (next.done) break;
      }
      stage = 'fsync';
      await fh.sync();
      stage = 'close';
      const closing = fh;
      fh = undefined;
      await closing.close();
      stage = 'rename';
      await renameRetrying(files, this.#temp, this.file);
    } catch (e) {
      await fh?.close().catch(() => undefined);
      await files.remove(this.#temp).catch(() => undefined);
      throw fail(e);
    }
    stage = 'dir-fsync';
    try {
      await syncDir(files, dirname(this.file));
    } catch (e) {
      throw fail(e);
    }
  }
}
