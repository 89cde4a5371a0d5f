/**
 * Streams an upstream response to the client as it arrives (no compression,
 * no re-chunking, SSE flushed per chunk), reading usage on the side and, when
 * the kit asked for usage the client did not, dropping that one chunk. A
 * family's response hook may look at each chunk, or hold a small JSON answer
 * whole and rewrite it (ownership filtering).
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { Resource } from '../../../../shared/types.js';
import { errorBody, KitError, toKitError } from '../../errors.js';
import { UsageChunkFilter } from '../metering/sse-usage-filter.js';
import { UsageTap } from '../metering/usage.js';
import type { ProxyCall } from './call.js';
import type { AnswerHeaders, UpstreamAnswer } from './exchange.js';

/** How one upstream answer is looked at on its way back. */
export interface ResponseHook {
  /** Hold the whole (bounded) body and send what this returns instead; for small JSON answers. */
  rewrite?(body: Buffer): Promise<Buffer>;
  /**
   * Called with each streamed chunk before it is written; the chunk waits
   * until it resolves, and a Buffer it returns is written instead (an MCP
   * `endpoint` event pointed back at the kit).
   */
  chunk?(chunk: Buffer): Promise<Buffer | undefined> | Buffer | undefined;
}

/** The most a rewritten (held) answer may be; a larger one is cut rather than leak unfiltered. */
export const MAX_HELD_RESPONSE_BYTES = 8 * 1024 * 1024;

const timeoutCodes = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** undici's error codes → the kit's codes. Anything before a response is "unavailable" unless it timed out. */
export function upstreamFailure(e: unknown, resource: Pick<Resource, 'deployment'>): KitError {
  const code = (e as { code?: string }).code ?? '';
  if (timeoutCodes.has(code)) {
    return new KitError('upstream_timeout', `The upstream behind "${resource.deployment}" did not answer in time.`);
  }
  if (e instanceof KitError) return e;
  return new KitError(
    'upstream_unavailable',
    `The upstream behind "${resource.deployment}" could not be reached${code ? ` (${code})` : ''}.`,
  );
}

const dropResponseHeaders = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'set-cookie',
  // The kit answers browsers for itself (see cors.ts): an upstream's CORS policy is about its own callers.
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-headers',
  'access-control-allow-methods',
  'access-control-expose-headers',
  'access-control-max-age',
]);

function responseHeaders(up: AnswerHeaders, dropLength: boolean, ownRateHeaders: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const k in up) {
    const v = up[k];
    if (v === undefined || dropResponseHeaders.has(k)) continue;
    if (dropLength && k === 'content-length') continue;
    // The attendee's own limits were set on the answer; the shared resource's would contradict them.
    if (ownRateHeaders && k.startsWith('x-ratelimit-')) continue;
    out[k] = v;
  }
  return out;
}

export interface RelayOutcome {
  /** What the tap read: upstream's usage, or the generated text to count. */
  read: ReturnType<UsageTap['end']>;
  /** The stream broke after the headers were sent (idle timeout, upstream reset); the code says which. */
  brokenCode?: 'upstream_timeout' | 'upstream_unavailable';
  /** The client went away first. */
  clientGone: boolean;
}

export async function relay(
  call: ProxyCall,
  response: UpstreamAnswer,
  opts: { stripUsage?: boolean; hook?: ResponseHook | undefined; ownedUsage?: boolean } = {},
): Promise<RelayOutcome> {
  const { res } = call;
  const contentType = response.headers['content-type'] as string | undefined;
  const hook = opts.hook;
  if (hook?.rewrite) return relayHeld(call, response, hook.rewrite, opts.ownedUsage);
  const isStream = contentType?.includes('text/event-stream') ?? false;
  const filter = isStream && opts.stripUsage && response.statusCode < 300 ? new UsageChunkFilter() : undefined;
  const headers = responseHeaders(response.headers, filter !== undefined, call.ownRateHeaders);
  if (isStream) {
    headers['cache-control'] = 'no-cache';
    headers['x-accel-buffering'] = 'no';
    call.record.stream = true;
  }
  res.writeHead(response.statusCode, headers);
  if (isStream) res.flushHeaders();

  const tap = new UsageTap(contentType, opts.ownedUsage);
  const onChunk = hook?.chunk;
  let refused: KitError | undefined;
  try {
    await response.read((chunk) => {
      tap.push(chunk);
      if (!onChunk) return send(call, filter ? filter.push(chunk) : chunk);
      return Promise.resolve(onChunk(chunk)).then(
        (seen) => {
          const out = seen ?? chunk;
          return send(call, filter ? filter.push(out) : out);
        },
        (e: unknown) => {
          // The hook refused this chunk (an object whose ownership cannot be saved): it is not sent.
          refused = toKitError(e);
          throw refused;
        },
      );
    });
  } catch (e) {
    if (refused) {
      endWithError(call, isStream, refused);
      return { read: tap.end(), clientGone: false };
    }
    if (call.signal.aborted) return { read: tap.end(), clientGone: true };
    // Headers are gone; cutting the connection is the only way left to say "incomplete".
    const code = (e as { code?: string }).code === 'UND_ERR_BODY_TIMEOUT' ? 'upstream_timeout' : 'upstream_unavailable';
    call.record.errorCode = code;
    res.destroy();
    return { read: tap.end(), brokenCode: code, clientGone: false };
  }
  const rest = filter?.end();
  if (rest?.length) res.write(rest);
  res.end();
  return { read: tap.end(), clientGone: call.signal.aborted };
}

/** Holds a whole answer (bounded), lets the hook rewrite it, and sends the result with its own length. */
async function relayHeld(
  call: ProxyCall,
  response: UpstreamAnswer,
  rewrite: (body: Buffer) => Promise<Buffer>,
  ownedUsage = false,
): Promise<RelayOutcome> {
  const contentType = response.headers['content-type'] as string | undefined;
  const tap = new UsageTap(contentType, ownedUsage);
  let whole: Buffer;
  try {
    whole = await response.whole(MAX_HELD_RESPONSE_BYTES, heldTooLarge);
  } catch (e) {
    if (e === heldTooLargeError) {
      call.record.errorCode = 'body_too_large';
      call.res.destroy();
      return { read: tap.end(), brokenCode: 'upstream_unavailable', clientGone: false };
    }
    if (call.signal.aborted) return { read: tap.end(), clientGone: true };
    throw upstreamFailure(e, { deployment: call.record.deployment ?? '' });
  }
  tap.push(whole);
  const body = await rewrite(whole);
  const headers = responseHeaders(response.headers, true, call.ownRateHeaders);
  headers['content-length'] = body.length;
  call.res.writeHead(response.statusCode, headers);
  call.res.end(body);
  return { read: tap.end(), clientGone: false };
}

/** A held answer past its limit: one error object, told apart from upstream's by identity. */
const heldTooLargeError = new Error('The answer is larger than the kit holds.');
const heldTooLarge = () => heldTooLargeError;

/**
 * Ends a response whose headers are gone with an error: an SSE `error` event in the SDKs' error shape
 * (the OpenAI SDKs raise it as an API error with its code), or, for any other body, a cut connection.
 */
function endWithError(call: ProxyCall, isStream: boolean, e: KitError): void {
  call.record.errorCode = e.code;
  if (!isStream) {
    call.res.destroy();
    return;
  }
  call.res.end(`event: error\ndata: ${errorBody(e)}\n\n`);
}

/** Writes a chunk to the client; a full socket gives a promise that settles once it drained (or the client left). */
function send(call: ProxyCall, out: Buffer): Promise<void> | undefined {
  if (out.length && !call.res.write(out)) return drained(call);
  return undefined;
}

function drained(call: ProxyCall): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.res.off('drain', done);
      call.signal.removeEventListener('abort', done);
      resolve();
    };
    call.res.once('drain', done);
    call.signal.addEventListener('abort', done);
  });
}
