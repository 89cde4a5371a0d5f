/**
 * An HTTP answer written on a socket whose WebSocket handshake the kit
 * refuses (before any upgrade): the kit's own errors in the SDKs' error
 * shape, or an upstream's refusal passed along. The socket is closed after.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody, type KitError } from '../../errors.js';

/** Upstream headers worth passing along with a refused handshake (retry hints, request ids). */
const passedHeaders = ['content-type', 'retry-after', 'retry-after-ms', 'x-ms-retry-after-ms', 'apim-request-id'];

export function refuseWith(
  socket: Duplex,
  status: number,
  body: Buffer | string,
  headers: Record<string, string | string[] | undefined>,
): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`, 'Connection: close'];
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) lines.push(`${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
  }
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  socket.once('finish', () => socket.destroy());
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), Buffer.from(body)]));
}

/** The kit's refusal, with its status, headers (Retry-After…) and `{"error":{"code","message"}}` body. */
export function refuseKitError(socket: Duplex, e: KitError, extra: Record<string, string> = {}): void {
  refuseWith(socket, e.status, errorBody(e), {
    'content-type': 'application/json; charset=utf-8',
    ...extra,
    ...e.headers,
  });
}

/** An upstream's answer to the handshake, passed to the client as it came (its body and useful headers). */
export function refuseAsUpstream(
  socket: Duplex,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  extra: Record<string, string> = {},
): void {
  const out: Record<string, string | string[] | undefined> = { ...extra };
  for (const k of passedHeaders) if (headers[k] !== undefined) out[k] = headers[k];
  refuseWith(socket, status, body, out);
}
