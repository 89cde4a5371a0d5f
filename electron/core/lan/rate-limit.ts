/**
 * Per-address registration limit: a fixed window per client IP, so one
 * laptop on the venue Wi-Fi cannot empty an event's seats with a loop. The
 * table is bounded: past `maxTracked` addresses the oldest entries go first,
 * which at worst forgives an old address, never blocks a new one.
 * Loopback is exempt by default: it is the organizer's own machine (which
 * holds the admin API anyway), not a device on the venue network.
 */

export interface RateLimitOptions {
  /** Registrations allowed per address per window. */
  max: number;
  windowMs: number;
  maxTracked?: number;
  /** Do not count 127.0.0.0/8 and ::1 (default true). */
  exemptLoopback?: boolean;
}

export const defaultRegistrationLimit: RateLimitOptions = { max: 10, windowMs: 10 * 60_000 };

const isLoopback = (address: string) =>
  address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');

export class RateLimiter {
  readonly #opts: Required<RateLimitOptions>;
  readonly #hits = new Map<string, { start: number; count: number }>();

  constructor(opts: RateLimitOptions = defaultRegistrationLimit) {
    this.#opts = { maxTracked: 10_000, exemptLoopback: true, ...opts };
  }

  /** Counts one attempt; returns 0 when allowed, else the seconds until the address may try again. */
  take(address: string, now: number): number {
    if (this.#opts.exemptLoopback && isLoopback(address)) return 0;
    let entry = this.#hits.get(address);
    if (entry && now - entry.start >= this.#opts.windowMs) {
      this.#hits.delete(address);
      entry = undefined;
    }
    if (!entry) {
      if (this.#hits.size >= this.#opts.maxTracked) {
        const oldest = this.#hits.keys().next().value;
        if (oldest !== undefined) this.#hits.delete(oldest);
      }
      entry = { start: now, count: 0 };
      this.#hits.set(address, entry);
    }
    if (entry.count >= this.#opts.max) return Math.max(1, Math.ceil((entry.start + this.#opts.windowMs - now) / 1000));
    entry.count += 1;
    return 0;
  }

  get size(): number {
    return this.#hits.size;
  }
}
