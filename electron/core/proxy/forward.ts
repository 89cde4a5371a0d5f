/**
 * Sends a proxied request to one of its candidate resources and streams the
 * answer back as it arrives: no compression, no re-chunking, SSE flushed per
 * chunk. The attendee's key never leaves; the resource's credential is added.
 * A client that goes away aborts the upstream request.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Resource } from '../../../shared/types.js';
import { KitError } from '../errors.js';
import type { ProxyCall } from './call.js';
import { UsageTap } from './usage.js';

export interface UpstreamRequest {
  /** Absolute URL of the upstream operation, query included. */
  url: string;
  method?: string;
  /** Added to (and overriding) the forwarded client headers. */
  headers?: Record<string, string>;
  /** Defaults to the client's body as read (or streamed) by the handler. */
  body?: Buffer | string | Readable | null;
}

export interface ForwardPlan {
  /** The name the attendee asked for, for the traffic record. */
  deployment: string;
  /** Resources that can serve it, in the order to try. */
  candidates: Resource[];
  build(resource: Resource): UpstreamRequest;
  /**
   * Sees the upstream answer before the client does (ownership: record the
   * created object durably, filter a list, note ids arriving in a stream).
   */
  respond?(resource: Resource, status: number, headers: Dispatcher.ResponseData['headers']): ResponseHook | undefined;
}

/** How one upstream answer is looked at on its way back. */
export interface ResponseHook {
  /** Hold the whole (bounded) body and send what this returns instead; for small JSON answers. */
  rewrite?(body: Buffer): Promise<Buffer>;
  /** Called with each streamed chunk before it is written; the chunk waits until it resolves. */
  chunk?(chunk: Buffer): Promise<void> | void;
}

/** The most a rewritten (held) answer may be; a larger one is passed through untouched. */
export const MAX_HELD_RESPONSE_BYTES = 8 * 1024 * 1024;

/** Client headers that must not travel upstream: hop-by-hop, the attendee's key, encodings we would have to undo. */
const dropRequestHeaders = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'api-key',
  'authorization',
  'accept-encoding',
  'content-length',
  'cookie',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'forwarded',
]);

const dropResponseHeaders = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'set-cookie',
]);

export function upstreamHeaders(client: IncomingHttpHeaders, extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(client)) {
    if (v === undefined || dropRequestHeaders.has(k)) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return Object.assign(out, extra);
}

function responseHeaders(up: Dispatcher.ResponseData['headers']): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(up)) {
    if (v !== undefined && !dropResponseHeaders.has(k)) out[k] = v;
  }
  return out;
}

/** undici's error codes → the kit's codes. Anything before a response is "unavailable" unless it timed out. */
export function upstreamFailure(e: unknown, resource: Resource): KitError {
  const code = (e as { code?: string }).code ?? '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new KitError('upstream_timeout', `The upstream behind "${resource.deployment}" did not answer in time.`);
  }
  if (e instanceof KitError) return e;
  return new KitError(
    'upstream_unavailable',
    `The upstream behind "${resource.deployment}" could not be reached${code ? ` (${code})` : ''}.`,
  );
}

export async function forward(call: ProxyCall, plan: ForwardPlan): Promise<void> {
  const resource = plan.candidates[0];
  call.record.deployment = plan.deployment;
  if (!resource) throw new KitError('deployment_not_found', `No enabled resource serves "${plan.deployment}".`);
  call.record.resourceId = resource.id;
  const { upstream } = call.deps;
  const req = plan.build(resource);
  const url = new URL(req.url);
  const headers = upstreamHeaders(call.req.headers, {
    ...(await upstream.credentialHeaders(resource)),
    ...req.headers,
  });
  const body = req.body === undefined ? await call.body() : req.body;

  let response: Dispatcher.ResponseData;
  try {
    response = await upstream.dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: (req.method ?? call.req.method ?? 'GET') as Dispatcher.HttpMethod,
      headers,
      body,
      signal: call.signal,
    });
  } catch (e) {
    if (call.signal.aborted) return;
    throw upstreamFailure(e, resource);
  }
  call.record.ttfbMs = call.deps.now() - call.started;
  await relay(call, response, plan.respond?.(resource, response.statusCode, response.headers));
}

/** Streams an upstream response to the client, reading usage on the side. */
export async function relay(call: ProxyCall, response: Dispatcher.ResponseData, hook?: ResponseHook): Promise<void> {
  const { res } = call;
  const contentType = response.headers['content-type'] as string | undefined;
  if (hook?.rewrite) {
    const held = await holdBody(call, response);
    if (held) return sendHeld(call, response, await hook.rewrite(held));
    return; // too large to hold: the connection was cut rather than leak an unfiltered answer
  }
  const isStream = contentType?.includes('text/event-stream') ?? false;
  const headers = responseHeaders(response.headers);
  if (isStream) {
    headers['cache-control'] = 'no-cache';
    headers['x-accel-buffering'] = 'no';
    call.record.stream = true;
  }
  res.writeHead(response.statusCode, headers);
  if (isStream) res.flushHeaders();

  const tap = new UsageTap(contentType);
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      tap.push(chunk);
      if (hook?.chunk) await hook.chunk(chunk);
      if (!res.write(chunk)) await drained(call);
    }
  } catch (e) {
    if (!call.signal.aborted) {
      // Headers are gone; cutting the connection is the only way left to say "incomplete".
      call.record.errorCode = upstreamFailure(e, { deployment: call.record.deployment ?? '' } as Resource).code;
      res.destroy();
    }
    return;
  }
  res.end();
  const usage = tap.end();
  if (usage) Object.assign(call.record, usage);
}

/** Reads a whole upstream answer up to MAX_HELD_RESPONSE_BYTES; undefined (and the client cut) when larger. */
async function holdBody(call: ProxyCall, response: Dispatcher.ResponseData): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_HELD_RESPONSE_BYTES) {
        response.body.destroy();
        call.record.errorCode = 'body_too_large';
        call.res.destroy();
        return undefined;
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (!call.signal.aborted) throw upstreamFailure(e, { deployment: call.record.deployment ?? '' } as Resource);
    return undefined;
  }
  return Buffer.concat(chunks, size);
}

function sendHeld(call: ProxyCall, response: Dispatcher.ResponseData, body: Buffer): void {
  const headers = responseHeaders(response.headers);
  headers['content-length'] = body.length;
  call.res.writeHead(response.statusCode, headers);
  call.res.end(body);
  const usage = new UsageTap(response.headers['content-type'] as string | undefined);
  usage.push(body);
  const u = usage.end();
  if (u) Object.assign(call.record, u);
}

function drained(call: ProxyCall): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.res.off('drain', done);
      call.signal.removeEventListener('abort', done);
      resolve();
    };
    call.res.once('drain', done);
    call.signal.addEventListener('abort', done, { once: true });
  });
}
