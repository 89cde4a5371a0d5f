/**
 * Who an attendee's request comes from when the kit sits behind a reverse
 * proxy (several kit instances behind Caddy or nginx): the proxy's own
 * address is every attendee's socket address, so the per-address
 * registration limit would count the whole room as one device. For a socket
 * from a proxy the organizer named (`--trust-proxy`), the client is the
 * nearest address in `X-Forwarded-For` that is not one of those proxies, and
 * `X-Forwarded-Proto: https` says the attendee came over TLS (the endpoint
 * handed out says https). Any other socket's headers are ignored: an
 * attendee cannot pick their own address.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface Client {
  address: string | undefined;
  secure: boolean;
}

/** `::ffff:10.0.0.5` and `10.0.0.5` are one address. */
const plain = (a: string | undefined) => (a?.startsWith('::ffff:') ? a.slice(7) : a);

export function clientOf(req: IncomingMessage, trusted: ReadonlySet<string> | undefined): Client {
  const socketAddress = plain(req.socket.remoteAddress);
  const encrypted = Boolean((req.socket as TLSSocket).encrypted);
  if (!trusted?.size || !socketAddress || !trusted.has(socketAddress))
    return { address: socketAddress, secure: encrypted };
  const hops = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((h) => plain(h.trim()))
    .filter((h): h is string => Boolean(h));
  let address = socketAddress;
  for (let i = hops.length - 1; i >= 0; i--) {
    address = hops[i] as string;
    if (!trusted.has(address)) break;
  }
  const proto = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    ?.trim()
    .toLowerCase();
  return { address, secure: encrypted || proto === 'https' };
}
