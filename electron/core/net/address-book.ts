/**
 * The LAN addresses the kit hands out, kept fresh: the laptop joins the venue
 * Wi-Fi after the kit started, DHCP renews, a hotspot comes and goes. The
 * interfaces are re-read every few seconds, the best first (Wi-Fi and
 * Ethernet before bridges and VPNs, see addresses.ts), and the organizer may
 * pick the one for the QR code: the projector, key cards, join links and the
 * pre-flight all use the same pick. The pick lives in memory only: next week's
 * venue has other addresses.
 */
import type { NetworkFacts } from '../../../shared/types.js';
import { KitError } from '../errors.js';
import { type LanAddress, lanAddresses } from './addresses.js';

const anyHost = (host: string) => host === '0.0.0.0' || host === '::';

export class LanAddressBook {
  readonly #host: string;
  readonly #read: () => LanAddress[];
  readonly #ttlMs: number;
  #cache?: { at: number; list: LanAddress[] };
  #preferred: string | null = null;

  constructor(host: string, read: () => LanAddress[] = lanAddresses, ttlMs = 5000) {
    this.#host = host;
    this.#read = read;
    this.#ttlMs = ttlMs;
  }

  /** The addresses, the one on the QR code first. */
  list(now = Date.now()): LanAddress[] {
    if (!anyHost(this.#host)) return [{ address: this.#host, interface: 'the --host address', virtual: false }];
    if (!this.#cache || now - this.#cache.at > this.#ttlMs) this.#cache = { at: now, list: this.#read() };
    const list = this.#cache.list;
    const pick = list.find((a) => a.address === this.#preferred);
    return pick ? [pick, ...list.filter((a) => a !== pick)] : list;
  }

  /** Puts an address on the QR code (null: back to the best guess). */
  prefer(address: string | null): void {
    if (address !== null && !this.list().some((a) => a.address === address))
      throw KitError.invalidFields({ address: `${address} is not one of this computer's network addresses.` });
    this.#preferred = address;
  }

  /** Base URLs (no trailing slash) an attendee can use, best first; loopback when there is no network. */
  urls(port: number, scheme = 'http'): string[] {
    const urls = this.list().map(
      (a) => `${scheme}://${a.address.includes(':') ? `[${a.address}]` : a.address}:${port}`,
    );
    return urls.length ? urls : [`${scheme}://127.0.0.1:${port}`];
  }

  facts(p: { port: number; configuredPort: number; portNote?: string }): NetworkFacts {
    return {
      addresses: this.list().map((a, i) => ({ ...a, onQrCode: i === 0 })),
      host: this.#host,
      port: p.port,
      configuredPort: p.configuredPort,
      ...(p.portNote ? { portNote: p.portNote } : {}),
    };
  }
}
