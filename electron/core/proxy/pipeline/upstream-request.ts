/**
 * What a family asks `forward` to send (URL, method, extra headers, body) and
 * how the client's request is turned into it: which client headers travel
 * upstream (never the attendee's key, hop-by-hop headers or encodings the kit
 * would have to undo) and where the URL splits into the pool's origin and path.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

export interface UpstreamRequest {
  /** Absolute URL of the upstream operation, query included. */
  url: string;
  method?: string;
  /** Added to (and overriding) the forwarded client headers. */
  headers?: Record<string, string>;
  /** Defaults to the client's body as read (or edited) by the handler. A stream cannot be sent twice: no failover. */
  body?: Buffer | string | Readable | null;
  /**
   * The longest silence allowed between two response chunks, instead of the
   * kit's idle timeout; 0 for none (an MCP server's event stream may rightly
   * stay quiet for minutes).
   */
  idleTimeoutMs?: number;
}

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

export function upstreamHeaders(client: IncomingHttpHeaders, extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in client) {
    const v = client[k];
    if (v === undefined || dropRequestHeaders.has(k)) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  for (const k in extra) out[k] = extra[k] as string;
  return out;
}

/**
 * An absolute URL's origin and path-with-query, without a WHATWG URL parse per
 * request: the base comes from a resource endpoint that was checked as a URL
 * when it was saved, and the path from a request line Node already accepted.
 */
export function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  const query = url.indexOf('?');
  const end = slash === -1 || (query !== -1 && query < slash) ? (query === -1 ? url.length : query) : slash;
  const rest = url.slice(end);
  return { origin: url.slice(0, end), path: rest.startsWith('/') ? rest : `/${rest}` };
}
