/**
 * The addresses attendees can reach the kit on: non-internal IPv4 addresses,
 * Wi-Fi and Ethernet first, container and VPN bridges last (a QR code that
 * points at a docker bridge strands a whole room).
 */
import { networkInterfaces } from 'node:os';

const virtualName = /^(docker|br-|veth|virbr|vmnet|vboxnet|utun|tun|tap|zt|tailscale|wg|lxc|lxd|cni|flannel|podman)/i;

export interface LanAddress {
  address: string;
  interface: string;
  virtual: boolean;
}

export function lanAddresses(ifaces = networkInterfaces()): LanAddress[] {
  const out: LanAddress[] = [];
  for (const [name, list] of Object.entries(ifaces)) {
    for (const a of list ?? []) {
      if (a.family !== 'IPv4' || a.internal || a.address.startsWith('169.254.')) continue;
      out.push({ address: a.address, interface: name, virtual: virtualName.test(name) });
    }
  }
  return out.sort((a, b) => Number(a.virtual) - Number(b.virtual));
}

/** Base URLs (no trailing slash) an attendee can use, best first; loopback when there is no network. */
export function lanBaseUrls(host: string, port: number, scheme = 'http'): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [`${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`];
  const urls = lanAddresses().map((a) => `${scheme}://${a.address}:${port}`);
  return urls.length ? urls : [`${scheme}://127.0.0.1:${port}`];
}
