/**
 * One request to upstream and its answer, through undici's `dispatch` with a
 * handler of the kit's own instead of `request()`. `request()` wraps every
 * answer in a `Readable` (with its async resource, buffering, `nextTick`s for
 * readable, end and destroy) that the relay then reads back out chunk by
 * chunk; on the hot path that stream machinery cost more than the kit's own
 * rules. Here the parser's chunks go straight to whoever reads the answer,
 * with the parser paused while the reader is busy (backpressure) or not yet
 * there.
 */
import { type Dispatcher, util } from 'undici';
import type { CallSignal } from './call.js';

export type AnswerHeaders = Record<string, string | string[] | undefined>;

/** What the reader of an answer's body does with a chunk: a promise it returns pauses the body until it settles. */
export type ChunkReader = (chunk: Buffer) => unknown;

/** An answer whose status and headers have arrived; its body is read once, with `read`, or thrown away. */
export interface UpstreamAnswer {
  readonly statusCode: number;
  readonly headers: AnswerHeaders;
  /**
   * Hands each chunk of the body to `each` as it arrives. Resolves after the
   * last chunk was handled; rejects with upstream's error (a reset, the idle
   * timeout) or when `each` rejects (the rest of the body is then dropped).
   */
  read(each: ChunkReader): Promise<void>;
  /** The body as one Buffer, at most `limit` bytes (more rejects with `tooLarge()`). */
  whole(limit: number, tooLarge: () => Error): Promise<Buffer>;
  /** Drops the body: read to its end when small (the connection stays alive), cut otherwise. */
  dump(): Promise<void>;
  /** Stops the exchange; the connection to upstream is closed. */
  destroy(): void;
}

/**
 * Chunks that arrive before the reader (the relay starts within a microtask
 * or two of the headers) are kept without pausing the parser, up to this
 * much; a pause costs undici an unshift, a re-read and a second parse of the
 * socket's data, on every answer.
 */
const EARLY_LIMIT = 256 * 1024;

/** A failover answer's body up to this size is read to its end so its connection can be used again. */
const DUMP_LIMIT = 128 * 1024;

const aborted = () =>
  Object.assign(new Error('The client went away.'), { code: 'UND_ERR_ABORTED', name: 'AbortError' });

/**
 * Sends `opts` through `dispatcher`; resolves with the answer once its status
 * and headers are in, rejects with undici's error (connect, first-byte
 * timeout) before that. `signal` firing aborts the exchange at any point.
 */
export function exchange(
  dispatcher: Dispatcher,
  opts: Dispatcher.DispatchOptions,
  signal: CallSignal,
): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(aborted());
      return;
    }
    const handler = new ExchangeHandler(resolve, reject, signal);
    dispatcher.dispatch(opts, handler);
  });
}

/** undici's handler (its callback form, which undici calls without a wrapper) and the answer it delivers. */
class ExchangeHandler implements UpstreamAnswer {
  statusCode = 0;
  headers: AnswerHeaders = {};
  #resolve: ((a: UpstreamAnswer) => void) | undefined;
  #reject: ((e: Error) => void) | undefined;
  readonly #signal: CallSignal;
  #abort: ((reason: Error) => void) | undefined;
  #resume: (() => void) | undefined;
  /** Chunks that arrived before a reader did (the parser is paused once they pass `EARLY_LIMIT`). */
  #early: Buffer[] | undefined;
  #earlyBytes = 0;
  #each: ChunkReader | undefined;
  #done: { resolve: () => void; reject: (e: Error) => void } | undefined;
  #ended = false;
  #error: Error | undefined;
  /** A reader's promise is pending: the parser is paused until it settles. */
  #busy = false;
  #onAbort = () => this.destroy(aborted());

  constructor(resolve: (a: UpstreamAnswer) => void, reject: (e: Error) => void, signal: CallSignal) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#signal = signal;
    signal.addEventListener('abort', this.#onAbort);
  }

  // ---- undici's side

  onConnect(abort: (reason: Error) => void): void {
    this.#abort = abort;
    if (this.#error) abort(this.#error); // given up while it waited for a connection
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true; // 1xx: informational, the answer is still to come
    this.statusCode = statusCode;
    this.headers = util.parseHeaders(rawHeaders) as AnswerHeaders;
    this.#resume = resume;
    const resolve = this.#resolve;
    this.#resolve = undefined;
    this.#reject = undefined;
    resolve?.(this);
    return true;
  }

  onData(chunk: Buffer): boolean {
    const each = this.#each;
    if (!each || this.#early || this.#busy) {
      // Nobody reads yet (held, the parser paused past the limit), or the reader is still on earlier chunks.
      if (this.#early) this.#early.push(chunk);
      else this.#early = [chunk];
      this.#earlyBytes += chunk.length;
      return !each && this.#earlyBytes < EARLY_LIMIT;
    }
    return this.#deliver(each, chunk);
  }

  onComplete(): void {
    this.#ended = true;
    this.#signal.removeEventListener('abort', this.#onAbort);
    if (this.#each && !this.#busy && !this.#early) this.#finish();
  }

  onError(err: Error): void {
    this.#error ??= err;
    this.#fail(this.#error);
  }

  // ---- the reader's side

  read(each: ChunkReader): Promise<void> {
    if (this.#each || this.#done) return Promise.reject(new Error('An answer is read once.'));
    return new Promise((resolve, reject) => {
      this.#done = { resolve, reject };
      this.#each = each;
      if (this.#error) {
        this.#fail(this.#error);
        return;
      }
      this.#drainEarly();
    });
  }

  whole(limit: number, tooLarge: () => Error): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    return this.read((chunk) => {
      size += chunk.length;
      if (size > limit) {
        this.destroy(tooLarge());
        return;
      }
      chunks.push(chunk);
    }).then(() => (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
  }

  dump(): Promise<void> {
    let size = 0;
    return this.read((chunk) => {
      size += chunk.length;
      if (size > DUMP_LIMIT) this.destroy();
    }).catch(() => undefined);
  }

  destroy(reason: Error = aborted()): void {
    if (this.#error) return;
    this.#error = reason;
    // undici answers an abort with onError; a request not connected yet or already complete has nothing to cut.
    if (this.#abort && !this.#ended) this.#abort(reason);
    this.#fail(reason);
  }

  /** Hands the held chunks over, then lets the parser go on (or finishes, if the answer is complete). */
  #drainEarly(): void {
    const each = this.#each as ChunkReader;
    while (this.#early && !this.#busy && !this.#error) {
      const chunk = this.#early.shift() as Buffer;
      if (this.#early.length === 0) this.#early = undefined;
      this.#deliver(each, chunk);
    }
    if (this.#busy || this.#error) return;
    if (this.#ended) this.#finish();
    else this.#resume?.();
  }

  /** Gives one chunk to the reader; false (pause the parser) while the reader's promise is pending. */
  #deliver(each: ChunkReader, chunk: Buffer): boolean {
    let wait: unknown;
    try {
      wait = each(chunk);
    } catch (e) {
      this.destroy(e as Error);
      return false;
    }
    if (!(wait instanceof Promise)) return !this.#error;
    this.#busy = true;
    wait.then(
      () => {
        this.#busy = false;
        if (this.#error) return;
        if (this.#early) this.#drainEarly();
        else if (this.#ended) this.#finish();
        else this.#resume?.();
      },
      (e: Error) => {
        this.#busy = false;
        this.destroy(e);
      },
    );
    return false;
  }

  /** The exchange failed: whoever waits (for the headers, or for the end of the body) hears why, once. */
  #fail(e: Error): void {
    this.#signal.removeEventListener('abort', this.#onAbort);
    const reject = this.#reject;
    if (reject) {
      this.#resolve = undefined;
      this.#reject = undefined;
      reject(e);
      return;
    }
    const done = this.#done;
    this.#done = undefined;
    done?.reject(e);
  }

  #finish(): void {
    const done = this.#done;
    this.#done = undefined;
    done?.resolve();
  }
}
