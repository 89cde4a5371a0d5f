/**
 * One proxied request in flight: the route it matched, the authenticated
 * caller, the body (read at most once, parsed only when a rule needs it), the
 * abort signal that fires when the client goes away, and the traffic record
 * that is filled in as the request goes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import type { TrafficRecord } from '../../../../shared/types.js';
import type { Caller } from '../../auth/attendee-auth.js';
import { KitError } from '../../errors.js';
import { bodyTooLarge, readBody } from '../../http/read-body.js';
import type { ProxyDeps } from '../deps.js';

export type Json = Record<string, unknown>;

type AbortListener = () => void;

/**
 * Fires when the client goes away. It has the part of `AbortSignal` that
 * undici and the relay use (`aborted`, `addEventListener`/`removeEventListener`
 * of `abort`) without an `AbortController` and its `EventTarget` per request:
 * on the hot path those cost more than the rest of the call's bookkeeping.
 */
export class CallSignal {
  aborted = false;
  #listeners: AbortListener[] | undefined;

  addEventListener(_type: 'abort', listener: AbortListener): void {
    if (this.aborted) return;
    if (this.#listeners) this.#listeners.push(listener);
    else this.#listeners = [listener];
  }

  removeEventListener(_type: 'abort', listener: AbortListener): void {
    const l = this.#listeners;
    const i = l ? l.indexOf(listener) : -1;
    if (i !== -1) l?.splice(i, 1);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const l = this.#listeners;
    this.#listeners = undefined;
    for (const fn of l ?? []) {
      try {
        fn();
      } catch {
        // one listener's failure must not keep the others from hearing it
      }
    }
  }

  /** For APIs typed with `AbortSignal` (undici's request, which reads only the members above). */
  get asAbortSignal(): AbortSignal {
    return this as unknown as AbortSignal;
  }
}

export class ProxyCall {
  readonly record: Omit<TrafficRecord, 'id' | 'at' | 'status' | 'durationMs'>;
  readonly signal = new CallSignal();
  #body: Buffer | undefined;
  #json: Json | undefined;
  /** A member the body already had was set: `body()` serializes the JSON again, once. */
  #edited = false;
  /** Top-level members added to the JSON body, written in front of the client's own bytes by `body()`. */
  #added: Map<string, unknown> | undefined;
  /** The answer carries the attendee's own `x-ratelimit-*` headers: upstream's (about the shared resource) are dropped. */
  ownRateHeaders = false;

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
    if (Number(this.req.headers['content-length']) > limit) throw bodyTooLarge(limit);
    let size = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        done(size > limit ? bodyTooLarge(limit) : null, chunk);
      },
    });
    this.req.on('error', (e) => counted.destroy(e));
    return this.req.pipe(counted);
  }

  /** The body to send upstream: the client's bytes as read, or the edited JSON. */
  async body(): Promise<Buffer> {
    this.#body ??= await readBody(this.req, this.deps.maxBodyBytes);
    return this.#fitted();
  }

  /** The body to send upstream if it was read already (no promise, no microtask on the hot path); else undefined. */
  bodyIfRead(): Buffer | undefined {
    return this.#body === undefined ? undefined : this.#fitted();
  }

  /** The body as read with the members set since written in (once: the result is kept as the body). */
  #fitted(): Buffer {
    const read = this.#body as Buffer;
    if (this.#edited && this.#json) {
      this.#body = Buffer.from(JSON.stringify(this.#json));
      this.#edited = false;
      this.#added = undefined;
    } else if (this.#added) {
      const members: string[] = [];
      for (const [k, v] of this.#added) members.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
      this.#body = withMembers(read, members);
      this.#added = undefined;
    }
    return this.#body as Buffer;
  }

  /** The size of the body as read so far (0 for a body streamed upstream or not read yet). */
  get bodyBytes(): number {
    return this.#body?.length ?? 0;
  }

  /** The JSON body if a handler already parsed it (limits read it without forcing a parse). */
  get parsedJson(): Json | undefined {
    return this.#json;
  }

  /**
   * Sets top-level members of the JSON body (the event's token cap,
   * `stream_options`); `undefined` removes one. The parsed body changes at
   * once, so handlers that build their own body from `json()` see it.
   * Members the body does not have are written into the client's own bytes,
   * after the opening brace: a copy instead of a parse-and-serialize (and a
   * member added that way can still be changed or taken back before the body
   * is sent). Changing or removing a member the client's bytes hold, even a
   * null one, re-serializes instead, since a later duplicate key would win
   * upstream.
   */
  setJsonMembers(members: Json): void {
    const json = this.#json;
    if (!json) throw new Error('setJsonMembers before json()');
    for (const k in members) {
      const v = members[k];
      if (this.#added?.has(k)) {
        if (v === undefined) this.#added.delete(k);
        else this.#added.set(k, v);
      } else if (Object.hasOwn(json, k)) {
        this.#edited = true;
      } else if (v === undefined) {
        continue;
      } else if (!this.#edited) {
        this.#added ??= new Map();
        this.#added.set(k, v);
      }
      if (v === undefined) delete json[k];
      else json[k] = v;
    }
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

/** `body` (a JSON object's bytes) with `members` (serialized `"key":value`) written right after its `{`. */
export function withMembers(body: Buffer, members: string[]): Buffer {
  let open = 0;
  while (open < body.length && body[open] !== 0x7b) open++; // JSON.parse accepted it: only whitespace before `{`
  let next = open + 1;
  while (
    next < body.length &&
    (body[next] === 0x20 || body[next] === 0x0a || body[next] === 0x0d || body[next] === 0x09)
  )
    next++;
  const empty = body[next] === 0x7d;
  const head = `{${members.join(',')}${empty ? '' : ','}`;
  // One allocation: the new members, then the client's bytes after its `{`.
  const headBytes = Buffer.byteLength(head);
  const out = Buffer.allocUnsafe(headBytes + body.length - open - 1);
  out.write(head, 0, 'utf8');
  body.copy(out, headBytes, open + 1);
  return out;
}
