/**
 * "Are attendees reaching me?" Counts the other machines that reach the LAN
 * listener, and the distinct devices that opened a join page, so the organizer
 * sees a room arriving ("12 devices have opened the join page") or, when
 * nobody does, knows the network is in the way long before anyone complains.
 *
 * This machine is never counted: loopback and the machine's own interface
 * addresses are "own" (a test may name its own set instead of the loopback
 * range). A device is its join-page cookie (the `kit_device` token, which the
 * page sets on a first visit) and, for a browser that keeps no cookies, its
 * address: a visit with a token we know is that device wherever it comes
 * from; a visit without one is the device last seen at that address. Memory
 * is bounded: past `maxDevices` the least recently seen device is forgotten
 * (the count stays, but a forgotten device coming back counts again).
 */
import { networkInterfaces } from 'node:os';

export interface VisitorsOptions {
  /** Addresses that are this machine, instead of the loopback range (tests); interface addresses always are. */
  ownAddresses?: readonly string[];
  maxDevices?: number;
  /** The machine's interface addresses (default: os.networkInterfaces, re-read at most every 30 s). */
  interfaceAddresses?: () => string[];
}

interface Device {
  lastSeen: number;
  events: Set<string>;
  tokens: string[];
  addresses: string[];
}

const MAX_KEYS_PER_DEVICE = 4;
const MAX_EVENTS_PER_DEVICE = 16;

/** `::ffff:10.0.0.5` → `10.0.0.5`. */
export const plainAddress = (a: string): string => (a.startsWith('::ffff:') ? a.slice(7) : a);

const isLoopback = (a: string) => a === '::1' || /^127\./.test(a);

function machineAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => plainAddress(i.address)));
}

export class Visitors {
  readonly #opts: VisitorsOptions;
  readonly #max: number;
  readonly #devices = new Map<number, Device>();
  readonly #byToken = new Map<string, number>();
  readonly #byAddress = new Map<string, number>();
  readonly #perEvent = new Map<string, number>();
  readonly #peers = new Map<string, number>();
  #nextId = 1;
  #total = 0;
  #peerTotal = 0;
  #lastDeviceAt?: number;
  #lastPeerAt?: number;
  #own = new Set<string>();
  #ownReadAt = Number.NEGATIVE_INFINITY;

  constructor(opts: VisitorsOptions = {}) {
    this.#opts = opts;
    this.#max = opts.maxDevices ?? 10_000;
  }

  /** This machine: its loopback (or the configured set) and its interface addresses. */
  isOwn(address: string | undefined, now = Date.now()): boolean {
    if (!address) return true;
    const a = plainAddress(address);
    if (this.#opts.ownAddresses ? this.#opts.ownAddresses.includes(a) : isLoopback(a)) return true;
    if (now - this.#ownReadAt > 30_000) {
      const list = (this.#opts.interfaceAddresses ?? machineAddresses)().filter(
        (x) => !isLoopback(x) || !this.#opts.ownAddresses,
      );
      this.#own = new Set(list);
      this.#ownReadAt = now;
    }
    return this.#own.has(a);
  }

  /** A TCP connection reached the LAN listener (join pages, SDK calls, anything). */
  connected(address: string | undefined, now = Date.now()): void {
    if (this.isOwn(address, now)) return;
    const a = plainAddress(address as string);
    if (!this.#peers.has(a)) {
      this.#peerTotal++;
      if (this.#peers.size >= this.#max) this.#peers.delete(this.#peers.keys().next().value as string);
    } else this.#peers.delete(a);
    this.#peers.set(a, now);
    this.#lastPeerAt = now;
  }

  /**
   * A join page was served. `token` is the device cookie the browser sent; `issued` the one the page
   * sets when it sent none.
   */
  openedJoinPage(v: { address?: string; token?: string; issued?: string; eventId: string }, now = Date.now()): void {
    if (this.isOwn(v.address, now)) return;
    const address = plainAddress(v.address as string);
    let id = v.token ? this.#byToken.get(v.token) : this.#byAddress.get(address);
    let device = id === undefined ? undefined : this.#devices.get(id);
    if (!device || id === undefined) {
      id = this.#nextId++;
      device = { lastSeen: now, events: new Set(), tokens: [], addresses: [] };
      this.#total++;
    }
    this.#devices.delete(id); // re-inserted below: the Map's order is least recently seen first
    this.#devices.set(id, device);
    device.lastSeen = now;
    this.#lastDeviceAt = now;
    for (const t of [v.token, v.issued]) if (t) this.#link(device.tokens, this.#byToken, t, id);
    this.#link(device.addresses, this.#byAddress, address, id);
    if (!device.events.has(v.eventId) && device.events.size < MAX_EVENTS_PER_DEVICE) {
      device.events.add(v.eventId);
      this.#perEvent.set(v.eventId, (this.#perEvent.get(v.eventId) ?? 0) + 1);
    }
    while (this.#devices.size > this.#max) this.#forget(this.#devices.keys().next().value as number);
  }

  #link(keys: string[], index: Map<string, number>, key: string, id: number): void {
    index.set(key, id);
    if (keys.includes(key)) return;
    keys.push(key);
    if (keys.length > MAX_KEYS_PER_DEVICE) {
      const old = keys.shift() as string;
      if (index.get(old) === id) index.delete(old);
    }
  }

  #forget(id: number): void {
    const d = this.#devices.get(id);
    this.#devices.delete(id);
    for (const t of d?.tokens ?? []) if (this.#byToken.get(t) === id) this.#byToken.delete(t);
    for (const a of d?.addresses ?? []) if (this.#byAddress.get(a) === id) this.#byAddress.delete(a);
  }

  get devices(): number {
    return this.#total;
  }
  get peers(): number {
    return this.#peerTotal;
  }
  get lastDeviceAt(): number | undefined {
    return this.#lastDeviceAt;
  }
  get lastPeerAt(): number | undefined {
    return this.#lastPeerAt;
  }
  devicesFor(eventId: string): number {
    return this.#perEvent.get(eventId) ?? 0;
  }
  byEvent(): Array<{ eventId: string; devices: number }> {
    return [...this.#perEvent].map(([eventId, devices]) => ({ eventId, devices }));
  }
}
