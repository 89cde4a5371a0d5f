/**
 * Live traffic: a bounded ring of the latest request records plus listeners.
 * Listeners get records in batches (one per tick at most) so a console
 * watching 200 requests/s receives a handful of messages a second, not 200.
 * When several kit instances share a database, each names itself here: its
 * records carry the name, and other instances' records are pushed in with
 * theirs (`shared-traffic.ts`).
 */
import type { TrafficRecord } from '../../../shared/types.js';

export type TrafficListener = (batch: TrafficRecord[]) => void;

export class TrafficFeed {
  readonly #ring: (TrafficRecord | undefined)[];
  #next = 0;
  #seq = 0;
  #pending: TrafficRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #listeners = new Set<TrafficListener>();
  readonly #flushMs: number;
  /** This instance's name, put on its own records (undefined on a kit of its own). */
  instance: string | undefined;

  constructor(capacity = 2000, flushMs = 100) {
    this.#ring = new Array(capacity);
    this.#flushMs = flushMs;
  }

  /** Takes the record over (it gets its id in place): the caller must not change it afterwards. */
  push(record: Omit<TrafficRecord, 'id'>): TrafficRecord {
    const r = record as TrafficRecord;
    r.id = ++this.#seq;
    if (this.instance !== undefined && r.instance === undefined) r.instance = this.instance;
    this.#ring[this.#next] = r;
    this.#next = (this.#next + 1) % this.#ring.length;
    if (this.#listeners.size > 0) {
      // Bounded even when a listener stalls: keep at most one ring's worth pending.
      if (this.#pending.length >= this.#ring.length) this.#pending.shift();
      this.#pending.push(r);
      this.#timer ??= setTimeout(() => this.#flush(), this.#flushMs);
    }
    return r;
  }

  #flush(): void {
    this.#timer = undefined;
    const batch = this.#pending;
    this.#pending = [];
    for (const l of this.#listeners) {
      try {
        l(batch);
      } catch {
        // A broken listener must not stop the others.
      }
    }
  }

  /** The newest `limit` records, oldest first. */
  recent(limit = 200): TrafficRecord[] {
    const out: TrafficRecord[] = [];
    const n = this.#ring.length;
    for (let i = 1; i <= n && out.length < limit; i++) {
      const r = this.#ring[(this.#next - i + n) % n];
      if (!r) break;
      out.push(r);
    }
    return out.reverse();
  }

  subscribe(listener: TrafficListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#listeners.clear();
  }
}
