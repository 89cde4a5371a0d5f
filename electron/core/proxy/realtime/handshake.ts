/**
 * What a realtime client's WebSocket handshake says: which of the two
 * Realtime paths it asks for (Azure's preview `/openai/realtime?deployment=`
 * or the GA `/openai/v1/realtime?model=`), which deployment, the attendee
 * key (an `api-key` or `Authorization` header, the `api-key` query
 * parameter, or the `openai-insecure-api-key.<key>` subprotocol a browser
 * sends since it cannot set headers) and which subprotocol to echo. Pure:
 * no I/O, so every rule is unit-tested.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { presentedKey } from '../../auth/attendee-auth.js';
import { KitError } from '../../errors.js';

export type RealtimeForm = 'preview' | 'ga';

/** The LAN paths the kit takes WebSocket upgrades on, and the form each speaks. */
export const realtimePaths: Readonly<Record<string, RealtimeForm>> = {
  '/api/v1/openai/realtime': 'preview',
  '/api/v1/openai/v1/realtime': 'ga',
};

/** The subprotocol prefix that carries a key (the OpenAI and Azure browser samples use it). */
export const KEY_PROTOCOL = 'openai-insecure-api-key.';
/** A browser's way to say `OpenAI-Beta: realtime=v1`. */
const BETA_PROTOCOL = 'openai-beta.';

/** RFC 7230 token characters: what a subprotocol name may hold (ws refuses anything else). */
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The offered subprotocols, in order; a malformed list is refused before anything else happens. */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const out: string[] = [];
  for (const raw of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const p = raw.trim();
    if (!token.test(p) || out.includes(p)) {
      throw new KitError(
        'invalid_request',
        'The Sec-WebSocket-Protocol header is malformed. A key with characters such as @ or / cannot travel as a subprotocol: send it in the api-key query parameter instead.',
      );
    }
    out.push(p);
  }
  return out;
}

/**
 * The attendee key, from whichever place the client put it. Two places carrying different keys are
 * refused (`conflicting_api_keys`), as on every other route.
 */
export function realtimeKey(
  headers: IncomingHttpHeaders,
  rawHeaders: string[],
  query: URLSearchParams,
  protocols: readonly string[],
): string | undefined {
  const found: string[] = [];
  const fromHeaders = presentedKey(headers, rawHeaders);
  if (fromHeaders) found.push(fromHeaders);
  for (const k of query.getAll('api-key')) found.push(k.trim());
  for (const p of protocols) if (p.startsWith(KEY_PROTOCOL)) found.push(p.slice(KEY_PROTOCOL.length));
  const key = found[0];
  if (found.some((k) => k !== key)) {
    throw new KitError(
      'conflicting_api_keys',
      'The request carries different keys (headers, the api-key query parameter, the subprotocol); send one key.',
    );
  }
  if (!key) {
    throw new KitError(
      'missing_api_key',
      'No API key: send your event key in the "api-key" header, as "Authorization: Bearer <key>", in the api-key query parameter, or as the "openai-insecure-api-key.<key>" subprotocol.',
    );
  }
  return key;
}

/**
 * The subprotocol the kit answers with: `realtime` when offered (what the OpenAI service answers), else
 * the first one that carries no key. A browser that offered subprotocols refuses a handshake that picks
 * none, and the key must never be echoed.
 */
export function protocolToEcho(protocols: readonly string[]): string | undefined {
  if (protocols.includes('realtime')) return 'realtime';
  return protocols.find((p) => !p.startsWith(KEY_PROTOCOL));
}

/** The deployment the client names: `deployment` on the preview path (or `model`), `model` on the GA one. */
export function requestedDeployment(form: RealtimeForm, query: URLSearchParams): string | undefined {
  const name = form === 'preview' ? (query.get('deployment') ?? query.get('model')) : query.get('model');
  return name?.trim() || undefined;
}

/** Client headers that travel upstream (never a key, an origin or a cookie), and `OpenAI-Beta` from a subprotocol. */
const forwardedHeaders = ['user-agent', 'openai-beta', 'x-ms-client-request-id', 'x-request-id', 'traceparent'];

export function forwardedClientHeaders(
  headers: IncomingHttpHeaders,
  protocols: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of forwardedHeaders) {
    const v = headers[k];
    if (typeof v === 'string') out[k] = v;
  }
  if (!out['openai-beta']) {
    // `openai-beta.realtime-v1` is how a browser sends `OpenAI-Beta: realtime=v1`.
    const beta = protocols.find((p) => p.startsWith(BETA_PROTOCOL))?.slice(BETA_PROTOCOL.length);
    if (beta) out['openai-beta'] = beta.replace(/-(?=[^-]+$)/, '=');
  }
  return out;
}
