/**
 * An incremental scanner for one plain field of a `multipart/form-data`
 * upload (RFC 7578), fed chunk by chunk as the upload arrives. It keeps only
 * what it still has to look at (a part's headers, the wanted value, the tail
 * of a delimiter split across chunks) and passes over file contents without
 * copying them, so it costs the same whether the field is first or last.
 */
import { KitError } from '../errors.js';

/** A part's headers, and a plain field's value, are small; larger ones are not a form any SDK sends. */
const MAX_HEADERS = 16 * 1024;
const MAX_VALUE = 4 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

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
