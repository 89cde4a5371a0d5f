/**
 * Finds one plain field (the `model` of a v1 audio upload or image edit) in a
 * multipart upload as it streams in, so the call can be routed without
 * holding the upload: the bytes read to find the field are sent first, then
 * the rest of the request streams straight through. A form that puts the
 * field before its files (Python's SDK, `curl -F model=… -F file=@…`) costs a
 * few kilobytes. One that puts a file first (the JS SDK with
 * `{ file, model }`) has to be read past that file: beyond a small memory
 * window those bytes go to a temporary file (mode 0600, removed when the call
 * ends), so memory stays bounded whatever the order and however many uploads
 * run at once. The field's value can be replaced on the way out (the name
 * upstream knows the deployment by).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { KitError } from '../errors.js';
import { FieldScanner, formBoundary } from './multipart-scanner.js';

/** Bytes held in memory while looking for the field; past this they go to a temporary file. */
export const DEFAULT_MEMORY_BYTES = 1024 * 1024;
/** Past the memory window, bytes go to the temporary file in batches of this size. */
const SPOOL_BATCH = 256 * 1024;

export interface FormField {
  /** The field's value; undefined when the form has no such field. */
  readonly value: string | undefined;
  /** The whole upload from its first byte, with the value replaced if `replaceWith` was called before it is read. */
  readonly body: Readable;
  replaceWith(value: string): void;
  /** Removes the temporary file, if any (idempotent; also done when `body` ends). */
  dispose(): Promise<void>;
}

export interface FormFieldOptions {
  memoryBytes?: number;
  spoolDir?: string;
}

/** A temporary file for the bytes read past before the field showed up. */
class Spool {
  #handle: FileHandle | undefined;
  #removed = false;
  readonly path: string;

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.#handle = handle;
  }

  static async open(dir: string): Promise<Spool> {
    const path = join(dir, `ai-proxy-kit-upload-${randomBytes(8).toString('hex')}.part`);
    try {
      return new Spool(path, await open(path, 'wx', 0o600));
    } catch (e) {
      throw spoolFailed(e);
    }
  }

  /** Appends a batch in one call (one trip to the thread pool, not one per network chunk). */
  async write(chunks: Buffer[]): Promise<void> {
    try {
      await this.#handle?.writev(chunks);
    } catch (e) {
      await this.remove();
      throw spoolFailed(e);
    }
  }

  async close(): Promise<void> {
    const h = this.#handle;
    this.#handle = undefined;
    await h?.close().catch(() => undefined);
  }

  async remove(): Promise<void> {
    if (this.#removed) return;
    this.#removed = true;
    await this.close();
    await rm(this.path, { force: true }).catch(() => undefined);
  }
}

const spoolFailed = (e: unknown) => {
  const code = (e as { code?: string }).code;
  return new KitError(
    'store_unavailable',
    `The kit could not hold this upload on disk while reading past a file to find its model${code === 'ENOSPC' ? ' (the disk is full)' : code ? ` (${code})` : ''}. Putting the "model" field before the file avoids this.`,
  );
};

/**
 * The upload as sent on: what was read to find the field (from the
 * temporary file, then memory), with the value replaced if asked, then the
 * rest of the request piped straight through. It starts when first read, so
 * the replacement can still be chosen after routing.
 */
class UploadBody extends PassThrough {
  #start: (() => void) | undefined;

  constructor(start: (out: UploadBody) => Promise<void>) {
    super();
    this.#start = () => {
      start(this).catch((e: Error) => this.destroy(e));
    };
  }

  override _read(size: number): void {
    const start = this.#start;
    this.#start = undefined;
    start?.();
    super._read(size);
  }

  get started(): boolean {
    return this.#start === undefined;
  }
}

/** Resolves once `out` wants more, or is gone. */
const drained = (out: Writable) =>
  new Promise<void>((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });

/**
 * Reads `source` until the field `name` is found (or the form closes) and
 * returns it with the whole upload to send on. Size limits are the source's
 * business (the call's counted body stream).
 */
export async function readFormField(
  source: Readable,
  contentType: string | undefined,
  name: string,
  opts: FormFieldOptions = {},
): Promise<FormField> {
  const scanner = new FieldScanner(formBoundary(contentType), name);
  const memoryBytes = opts.memoryBytes ?? DEFAULT_MEMORY_BYTES;
  const held: Buffer[] = [];
  let heldBytes = 0;
  let spool: Spool | undefined;
  let ended = false;

  /**
   * Keeps a chunk; past the memory window, what is kept goes to the
   * temporary file in batches. Returns a promise only when the source must
   * wait for a write.
   */
  const take = (chunk: Buffer): Promise<void> | undefined => {
    scanner.push(chunk);
    held.push(chunk);
    heldBytes += chunk.length;
    if (scanner.done || heldBytes <= (spool ? SPOOL_BATCH : memoryBytes)) return undefined;
    return (async () => {
      spool ??= await Spool.open(opts.spoolDir ?? tmpdir());
      const batch = held.splice(0);
      heldBytes = 0;
      await spool.write(batch);
    })();
  };
  try {
    // Data events (not an async iterator), so the rest can be piped on once the field is found.
    await new Promise<void>((resolve, reject) => {
      const stop = () => {
        source.off('data', onData);
        source.off('end', onEnd);
        source.off('error', onError);
      };
      const onError = (e: Error) => {
        stop();
        reject(e);
      };
      const found = () => {
        source.pause(); // the rest waits for the body to be read
        stop();
        resolve();
      };
      const onData = (chunk: Buffer) => {
        let wait: Promise<void> | undefined;
        try {
          wait = take(chunk);
        } catch (e) {
          return onError(e as Error);
        }
        if (!wait) {
          if (scanner.done) found();
          return;
        }
        source.pause();
        wait.then(() => (scanner.done ? found() : source.resume()), onError);
      };
      const onEnd = () => {
        ended = true;
        stop();
        try {
          scanner.end();
          resolve();
        } catch (e) {
          reject(e);
        }
      };
      source.on('data', onData);
      source.once('end', onEnd);
      source.once('error', onError);
    });
    await spool?.close();
  } catch (e) {
    await spool?.remove();
    source.resume(); // drain what is left, so the connection can answer the refusal
    throw e;
  }

  const found = scanner.value;
  let replacement: Buffer | undefined;
  let replaced = false;
  let pos = 0;
  /** The bytes read so far hold the whole value: only they are ever rewritten. */
  const rewrite = (c: Buffer): Buffer[] => {
    const start = pos;
    pos += c.length;
    if (!replacement || !found || pos <= found.start || start >= found.end) return [c];
    const out: Buffer[] = [];
    if (start < found.start) out.push(c.subarray(0, found.start - start));
    if (!replaced) {
      replaced = true;
      out.push(replacement);
    }
    if (pos > found.end) out.push(c.subarray(found.end - start));
    return out;
  };
  const file = spool;
  const body = new UploadBody(async (out) => {
    /** False once upstream stopped reading (the call ended): nothing more to send. */
    const write = async (c: Buffer) => {
      for (const piece of rewrite(c)) {
        if (out.destroyed) return false;
        if (!out.write(piece)) await drained(out);
      }
      return !out.destroyed;
    };
    try {
      if (file) {
        for await (const c of createReadStream(file.path, { highWaterMark: SPOOL_BATCH })) {
          if (!(await write(c as Buffer))) return;
        }
      }
      for (const c of held.splice(0)) if (!(await write(c))) return;
    } finally {
      await file?.remove();
    }
    if (ended) {
      out.end();
      return;
    }
    source.once('error', (e) => out.destroy(e));
    source.pipe(out);
  });
  return {
    value: found?.text,
    body,
    replaceWith(value: string) {
      if (found && value !== found.text) replacement = Buffer.from(value, 'utf8');
    },
    dispose: async () => {
      await file?.remove();
      // Never sent, or upstream answered before taking it all: drain the rest so the connection stays usable.
      if (!ended && (!body.started || !body.writableFinished)) {
        source.unpipe(body);
        source.resume();
      }
    },
  };
}
