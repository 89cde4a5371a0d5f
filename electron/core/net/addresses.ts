/**
 * The addresses attendees can reach the kit on: non-internal IPv4 addresses,
 * Wi-Fi and Ethernet first, container and VPN bridges last (a QR code that
 * points at a docker bridge strands a whole room).
 */
import { networkInterfaces } from 'node:os';

const virtualName =
  /^(docker|br-|bridge|veth|virbr|vmnet|vboxnet|utun|tun|tap|zt|tailscale|wg|lxc|lxd|cni|flannel|podman)/i;
/**
 * Interface names of physical Wi-Fi and Ethernet adapters on Linux (predictable and classic names),
 * macOS (`en0`, `en1`) and Windows ("Wi-Fi", "Ethernet", "WLAN", localized "Ethernet 2" and so on).
 */
const physicalName = /^(wl|eth|en|wi-?fi|ethernet|wireless|local area connection)/i;

export interface LanAddress {
  address: string;
  interface: string;
  virtual: boolean;
}

/** 0: Wi-Fi or Ethernet; 1: some other adapter (USB tethering, a name we do not know); 2: a bridge or VPN. */
function rank(a: LanAddress): number {
  if (a.virtual) return 2;
  return physicalName.test(a.interface) ? 0 : 1;
}

export function lanAddresses(ifaces = networkInterfaces()): LanAddress[] {
  const out: LanAddress[] = [];
  for (const [name, list] of Object.entries(ifaces)) {
    for (const a of list ?? []) {
      if (a.family !== 'IPv4' || a.internal || a.address.startsWith('169.254.')) continue;
      out.push({ address: a.address, interface: name, virtual: virtualName.test(name) });
    }
  }
  // Array.prototype.sort is stable: within a rank the system's own order stays.
  return out.sort((a, b) => rank(a) - rank(b));
}
