/**
 * One proxied request in flight: the route it matched, the authenticated
 * caller, the body (read at most once, parsed only when a rule needs it), the
 * abort signal that fires when the client goes away, and the traffic record
 * that is filled in as the request goes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import type { TrafficRecord } from '../../../shared/types.js';
import type { Caller } from '../auth/attendee-auth.js';
import { KitError } from '../errors.js';
import type { ProxyDeps } from './deps.js';

export type Json = Record<string, unknown>;

export class ProxyCall {
  readonly record: Omit<TrafficRecord, 'id' | 'at' | 'status' | 'durationMs'>;
  readonly abort = new AbortController();
  #body: Buffer | undefined;
  #json: Json | undefined;
  /** The JSON body was edited (a cap applied, usage asked for): `body()` serializes it again, once. */
  #edited = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly deps: ProxyDeps,
    readonly caller: Caller,
    /** The path below `/api/v1`, without the query string. */
    readonly path: string,
    readonly params: Record<string, string | undefined>,
    readonly query: URLSearchParams,
    readonly started: number,
    routePattern: string,
  ) {
    this.record = {
      method: req.method ?? 'GET',
      route: routePattern,
      path,
      eventId: caller.event.id,
      attendeeId: caller.attendee.id,
      attendeeName: caller.attendee.name,
    };
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** The raw query string (with its leading `?`, or empty), passed upstream as the client sent it. */
  get search(): string {
    const s = this.query.toString();
    return s ? `?${s}` : '';
  }

  /**
   * The body as a stream for upstream (multipart uploads, audio), never held
   * whole; it fails with `body_too_large` once past the limit. Use instead of
   * `body()`, not after it.
   */
  bodyStream(): Transform {
    const limit = this.deps.maxBodyBytes;
    if (Number(this.req.headers['content-length']) > limit) throw tooLarge(limit);
    let size = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        done(size > limit ? tooLarge(limit) : null, chunk);
      },
    });
    this.req.on('error', (e) => counted.destroy(e));
    return this.req.pipe(counted);
  }

  /** The body to send upstream: the client's bytes as read, or the edited JSON. */
  async body(): Promise<Buffer> {
    this.#body ??= await readBody(this.req, this.deps.maxBodyBytes);
    if (this.#edited && this.#json) {
      this.#body = Buffer.from(JSON.stringify(this.#json));
      this.#edited = false;
    }
    return this.#body;
  }

  /** The JSON body if a handler already parsed it (limits read it without forcing a parse). */
  get parsedJson(): Json | undefined {
    return this.#json;
  }

  /**
   * Changes the parsed JSON body in place; the upstream then gets it
   * re-serialized. Handlers that build their own body from `json()` see the
   * change too, since it is the same object.
   */
  editJson(change: (json: Json) => void): void {
    if (!this.#json) throw new Error('editJson before json()');
    change(this.#json);
    this.#edited = true;
  }

  /** The JSON object body. Anything else (not JSON, an array, a number) is `invalid_json`. */
  async json(): Promise<Json> {
    if (this.#json) return this.#json;
    const buf = await this.body();
    let parsed: unknown;
    try {
      parsed = JSON.parse(buf.toString('utf8'));
    } catch (e) {
      throw new KitError('invalid_json', `The request body is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new KitError('invalid_json', 'The request body must be a JSON object.');
    }
    this.#json = parsed as Json;
    return this.#json;
  }
}

/** Reads a whole body up to `limit` bytes; a larger one is refused without reading the rest. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        cleanup();
        req.resume(); // drain without keeping it
        reject(tooLarge(limit));
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

// The connection closes after the answer, so a client cannot keep streaming bytes the kit only throws away.
const tooLarge = (limit: number) =>
  new KitError(
    'body_too_large',
    `The request body is larger than the kit accepts (${limit >= 1048576 ? `${Math.round(limit / 1048576)} MiB` : `${Math.round(limit / 1024)} KiB`}).`,
    { connection: 'close' },
  );
