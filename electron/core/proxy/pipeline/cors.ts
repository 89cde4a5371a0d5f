/**
 * CORS on `/api/v1`, for browser labs: a page on another origin (a lab on
 * `http://localhost:5173`, a notebook in the browser) calls the kit with
 * `fetch` or the openai SDK. Attendee keys are bearer tokens sent in headers
 * and `/api/v1` sets and reads no cookies, so allowing an origin lends it no
 * one's session: it only lets that page read the answers to calls it makes
 * with a key it already holds. Credentials mode is never allowed.
 *
 * A preflight carries no key, so it is answered for the origins any enabled
 * event allows; the call itself is then held to its own event's
 * `allowedOrigins` (absent or empty: any origin) and refused with `403
 * origin_not_allowed` before it reaches upstream. Every answer to a browser,
 * errors included, carries the headers: a 401 or 429 the page cannot read is
 * a mystery to whoever wrote it. Requests without an `Origin` (SDKs, curl)
 * pay nothing but one header lookup. The admin listener and `/join` never
 * get any of this.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KitEvent } from '../../../../shared/types.js';
import { KitError } from '../../errors.js';
import type { StoreDriver } from '../../store/store-driver.js';

/** Request headers a page may send: the SDKs' own and what the kit's routes read. */
const allowedExact = new Set([
  'accept',
  'accept-language',
  'api-key',
  'authorization',
  'cache-control',
  'content-type',
  'last-event-id',
  'mcp-protocol-version',
  'mcp-session-id',
  'traceparent',
  'tracestate',
  'x-request-id',
]);
/** Azure SDKs send `x-ms-*`, the openai SDK `openai-*` and, from a browser too, `x-stainless-*`. */
const allowedPrefixes = ['x-ms-', 'openai-', 'x-stainless-'];

/**
 * Response headers a page may read (the fetch spec's `*` covers all of them
 * outside credentials mode; the names keep older browsers working): retry
 * hints, request ids, rate limits, MCP sessions.
 */
export const EXPOSED_HEADERS = [
  '*',
  'retry-after',
  'retry-after-ms',
  'x-ms-retry-after-ms',
  'x-should-retry',
  'x-request-id',
  'apim-request-id',
  'x-ms-request-id',
  'x-ms-client-request-id',
  'openai-processing-ms',
  'openai-version',
  'x-ratelimit-limit-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-requests',
  'x-ratelimit-reset-tokens',
  'mcp-session-id',
].join(', ');

const METHODS = 'GET, POST, DELETE';
/** Chromium caps a preflight's cache at two hours; the call itself is checked against its event every time. */
const MAX_AGE = '7200';

/** True when a page on `origin` may call with a key of this event. */
export function eventAllowsOrigin(event: KitEvent, origin: string): boolean {
  const list = event.allowedOrigins;
  return !list || list.length === 0 || list.includes(origin);
}

/** `*` when an enabled event takes any origin, `origin` when one lists it, else undefined (the browser refuses). */
function allowOrigin(store: StoreDriver, origin: string): string | undefined {
  let listed = false;
  for (const e of store.events) {
    if (!e.enabled) continue;
    if (!e.allowedOrigins || e.allowedOrigins.length === 0) return '*';
    if (e.allowedOrigins.includes(origin)) listed = true;
  }
  return listed ? origin : undefined;
}

/** The requested headers this kit accepts, as the preflight answer names them. */
export function allowedRequestHeaders(requested: string | undefined): string {
  if (!requested) return '';
  const out: string[] = [];
  for (const raw of requested.split(',')) {
    const h = raw.trim().toLowerCase();
    if (h && (allowedExact.has(h) || allowedPrefixes.some((p) => h.startsWith(p)))) out.push(h);
  }
  return out.join(', ');
}

function preflight(store: StoreDriver, req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  const headers: Record<string, string> = {
    allow: `${METHODS}, OPTIONS`,
    vary: 'Origin, Access-Control-Request-Headers',
    'content-length': '0',
  };
  const allow = origin === undefined ? undefined : allowOrigin(store, origin);
  if (allow) {
    headers['access-control-allow-origin'] = allow;
    headers['access-control-allow-methods'] = METHODS;
    const named = allowedRequestHeaders(req.headers['access-control-request-headers'] as string | undefined);
    if (named) headers['access-control-allow-headers'] = named;
    headers['access-control-max-age'] = MAX_AGE;
    // Chromium asks before a public page may reach a private address (the venue LAN).
    if (req.headers['access-control-request-private-network'] === 'true') {
      headers['access-control-allow-private-network'] = 'true';
    }
  }
  res.writeHead(204, headers);
  res.end();
}

/**
 * For a request from a browser (one with `Origin`) or a preflight: sets the
 * CORS headers every answer to it will carry, or answers the preflight.
 * Returns true when the request is answered.
 */
export function applyCors(store: StoreDriver, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'OPTIONS') {
    preflight(store, req, res);
    return true;
  }
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  const allow = allowOrigin(store, origin);
  if (allow) {
    res.setHeader('access-control-allow-origin', allow);
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  }
  if (allow !== '*') res.setHeader('vary', 'Origin');
  return false;
}

/** Refuses a browser call whose page the caller's event does not accept. */
export function checkOrigin(event: KitEvent, origin: string | undefined): void {
  if (origin === undefined || eventAllowsOrigin(event, origin)) return;
  throw new KitError(
    'origin_not_allowed',
    `This event does not take calls from web pages on ${origin}. Ask the organizer to add it to the event's allowed origins.`,
  );
}
