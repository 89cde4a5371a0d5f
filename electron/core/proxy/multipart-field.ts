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

/** Bytes held in memory while looking for the field; past this they go to a temporary file. */
export const DEFAULT_MEMORY_BYTES = 1024 * 1024;
/** Past the memory window, bytes go to the temporary file in batches of this size. */
const SPOOL_BATCH = 256 * 1024;
/** A part's headers, and a plain field's value, are small; larger ones are not a form any SDK sends. */
const MAX_HEADERS = 16 * 1024;
const MAX_VALUE = 4 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

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

const malformed = (why: string) => new KitError('invalid_request', `The multipart form is malformed: ${why}.`);

/** The boundary of a `multipart/form-data` content type, or a 400 saying what the endpoint expects. */
export function formBoundary(contentType: string | undefined): string {
  const ct = contentType ?? '';
  if (!/^\s*multipart\/form-data\s*(;|$)/i.test(ct)) {
    throw new KitError(
      'invalid_request',
      `This operation takes a multipart/form-data upload, not ${ct ? `"${ct.split(';')[0]?.trim()}"` : 'a body without a content type'}.`,
    );
  }
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s"]{1,70}))/i.exec(ct);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw malformed('the content type names no boundary');
  return boundary;
}

type State = 'delimiter' | 'headers' | 'body' | 'done';

/**
 * An incremental scanner for one named plain field. It keeps only what it
 * still has to look at: a part's headers, the wanted value, and the tail of
 * a delimiter split across chunks. Offsets are absolute in the upload.
 */
export class FieldScanner {
  readonly #delim: Buffer;
  readonly #name: string;
  /** Unparsed bytes; the parse starts from a virtual CRLF so the first delimiter looks like the others. */
  #window: Buffer = CRLF;
  #offset = -CRLF.length;
  #state: State = 'delimiter';
  #wanted = false;
  value: { text: string; start: number; end: number } | undefined;
  /** The form closed (`--boundary--`) or the field was found. */
  done = false;

  constructor(boundary: string, name: string) {
    this.#delim = Buffer.from(`\r\n--${boundary}`);
    this.#name = name;
  }

  push(chunk: Buffer): void {
    if (this.done) return;
    if (this.#skipping(chunk)) return;
    this.#window = this.#window.length ? Buffer.concat([this.#window, chunk]) : chunk;
    while (!this.done && this.#step()) {
      // each step consumes what it understood
    }
  }

  /** The upload ended: a form that did not close is truncated. */
  end(): void {
    if (!this.done) throw malformed('it ended before its closing boundary');
  }

  #consume(n: number): void {
    this.#window = this.#window.subarray(n);
    this.#offset += n;
  }

  /** One parse step; false when more bytes are needed. */
  #step(): boolean {
    const w = this.#window;
    switch (this.#state) {
      case 'delimiter': {
        // Preamble or the end of a part body already skipped: find the delimiter, then its line end.
        const at = w.indexOf(this.#delim);
        if (at === -1) {
          this.#keepTail();
          return false;
        }
        const after = at + this.#delim.length;
        if (w.length < after + 2) return false;
        if (w[after] === 0x2d && w[after + 1] === 0x2d) {
          this.done = true; // the closing delimiter: the form has no such field
          return false;
        }
        const eol = w.indexOf(CRLF, after);
        if (eol === -1) {
          if (w.length - after > 256) throw malformed('a boundary line does not end');
          return false;
        }
        this.#consume(eol + 2);
        this.#state = 'headers';
        return true;
      }
      case 'headers': {
        const end = w.indexOf(HEADERS_END);
        // A part with no headers at all starts with the blank line.
        const blank = w[0] === 0x0d && w[1] === 0x0a;
        if (end === -1 && !blank) {
          if (w.length > MAX_HEADERS) throw malformed('a part’s headers are too long');
          return false;
        }
        const text = blank ? '' : w.subarray(0, end).toString('latin1');
        this.#wanted = isField(text, this.#name);
        this.#consume(blank ? 2 : end + 4);
        this.#state = 'body';
        return true;
      }
      case 'body': {
        const at = w.indexOf(this.#delim);
        if (this.#wanted) {
          if (at === -1) {
            if (w.length > MAX_VALUE + this.#delim.length) throw malformed(`the "${this.#name}" field is too long`);
            return false;
          }
          this.value = { text: w.subarray(0, at).toString('utf8'), start: this.#offset, end: this.#offset + at };
          this.done = true;
          return false;
        }
        if (at === -1) {
          this.#keepTail();
          return false;
        }
        this.#consume(at);
        this.#state = 'delimiter';
        return true;
      }
      default:
        return false;
    }
  }

  /**
   * Passing over a file's bytes: when neither the seam with the kept tail nor
   * the chunk holds a delimiter, keep only the chunk's tail, without copying
   * the chunk into the window.
   */
  #skipping(chunk: Buffer): boolean {
    const d = this.#delim;
    const passing = this.#state === 'delimiter' || (this.#state === 'body' && !this.#wanted);
    if (!passing || this.#window.length > d.length + 1 || chunk.length < 4 * d.length) return false;
    const seam = Buffer.concat([this.#window, chunk.subarray(0, d.length)]);
    if (seam.includes(d) || chunk.includes(d)) return false;
    const keep = d.length + 1;
    this.#offset += this.#window.length + chunk.length - keep;
    this.#window = chunk.subarray(chunk.length - keep);
    return true;
  }

  /** Drops what cannot hold the start of a delimiter. */
  #keepTail(): void {
    const keep = this.#delim.length + 1;
    if (this.#window.length > keep) this.#consume(this.#window.length - keep);
  }
}

/** True when a part's headers make it the plain (non-file) field `name`. */
function isField(headers: string, name: string): boolean {
  const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1];
  if (!disposition || /;\s*filename\*?\s*=/i.test(disposition)) return false;
  const m = /;\s*name\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(disposition);
  return (m?.[1] ?? m?.[2]) === name;
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
    const write = async (c: Buffer) => {
      for (const piece of rewrite(c)) if (!out.write(piece) && !out.destroyed) await drained(out);
    };
    try {
      if (file)
        for await (const c of createReadStream(file.path, { highWaterMark: SPOOL_BATCH })) await write(c as Buffer);
      for (const c of held) await write(c);
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
