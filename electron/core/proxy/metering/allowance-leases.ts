/**
 * Allowances shared by several kit instances, counted without a database
 * round trip per call: each instance leases small blocks of an allowance
 * (an attendee's requests or tokens of the day, a minute's window) from the
 * vault, serves calls from its block in memory, and leases again when the
 * block is used up.
 *
 * The vault grants atomically (one conditional update) and never hands out
 * more than the cap in all, so the event as a whole never admits more than
 * the cap. The last `tail` units of an allowance are never leased in blocks:
 * each is granted for the calls waiting right then, so the end of an
 * allowance is counted exactly, call by call. With a cap of 10 every unit is
 * in the tail. A block an instance holds and does not use comes back to the
 * vault after `idleMs`, when the instance stops, and when it was granted from
 * the tail and its call was never sent.
 *
 * A unit is taken per call at the door (a request; for a token budget, one
 * token as a deposit, the rest booked when the call's usage is known: what a
 * call used beyond its block is charged to the vault at once).
 */

import { KitError } from '../../errors.js';

/** The answer to a call when the vault cannot be asked: nothing was sent, and the kit says why. */
export const unavailable = (): KitError =>
  new KitError(
    'store_unavailable',
    "The kit cannot count this call against the event's limits right now: its database does not answer. Nothing was sent; try again in a moment.",
    { 'retry-after': '2' },
  );

/** The vault's answer to a grant: what this instance got, and the allowance's total granted after it. */
export interface Grant {
  granted: number;
  used: number;
}

/** One shared allowance's key, its cap and what the vault needs to create it. */
export interface AllowanceSpec {
  key: string;
  cap: number;
  /** What was used already when the vault holds no row for the key yet (from this instance's counters). */
  seed: number;
  /** When the key stops mattering (the end of its day or minute, epoch ms): the vault may forget it after. */
  expiresAt: number;
}

/** Where allowances are kept for all instances: PostgreSQL in conference mode, a fake in the unit tests. */
export interface AllowanceVault {
  /**
   * Grants up to `want` units while more than `tail` are left after them, else up to `need` units from
   * the tail; never more than `cap - used` in all. Creates the key at `seed` when it is new.
   */
  grant(spec: AllowanceSpec, want: number, need: number, tail: number): Promise<Grant>;
  /** Adds `units` to the key's total: negative gives unused units back, positive charges usage beyond a block. */
  adjust(key: string, units: number): Promise<void>;
}

/** A unit fits when the vault (or this instance's block) has one; `unavailable` when the vault cannot be asked. */
export type TakeResult = boolean | 'unavailable';

interface Lease {
  key: string;
  /** Units this instance holds and has not used; negative: usage beyond the block not yet charged. */
  held: number;
  /** The last block came from the tail: leftovers go straight back. */
  exact: boolean;
  /** Calls waiting for the grant in progress. */
  waiting: number;
  pending: Promise<Grant | undefined> | undefined;
  usedAt: number;
  expiresAt: number;
}

export interface LeaseOptions {
  /** The most units leased at once (default 32). */
  maxBlock?: number;
  /** Units at the end of every allowance granted call by call (at least this many, or a tenth of the cap). */
  minTail?: number;
  /** A block left unused this long goes back to the vault (default 3 s). */
  idleMs?: number;
  /** A grant that takes longer than this counts as unavailable (default 3 s). */
  timeoutMs?: number;
  now?: () => number;
  /** Called once per episode when the vault fails and once when it answers again. */
  onTrouble?: (error: unknown | undefined) => void;
}

export class AllowanceLeases {
  readonly #vault: AllowanceVault;
  readonly #leases = new Map<string, Lease>();
  readonly #maxBlock: number;
  readonly #minTail: number;
  readonly #idleMs: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #onTrouble: (error: unknown | undefined) => void;
  /** Usage charged or units given back that the vault has not taken yet: retried by `sweep`. */
  readonly #owed = new Map<string, number>();
  #troubled = false;
  #closed = false;

  constructor(vault: AllowanceVault, opts: LeaseOptions = {}) {
    this.#vault = vault;
    this.#maxBlock = opts.maxBlock ?? 32;
    this.#minTail = opts.minTail ?? 20;
    this.#idleMs = opts.idleMs ?? 3000;
    this.#timeoutMs = opts.timeoutMs ?? 3000;
    this.#now = opts.now ?? Date.now;
    this.#onTrouble = opts.onTrouble ?? (() => undefined);
  }

  /** The units at the end of an allowance of `cap` that are granted call by call. */
  tailOf(cap: number): number {
    return Math.max(this.#minTail, Math.ceil(cap / 10));
  }

  /** Takes one unit: synchronous while this instance's block has one, else after a grant. */
  take(spec: AllowanceSpec): TakeResult | Promise<TakeResult> {
    const lease = this.#lease(spec);
    lease.usedAt = this.#now();
    if (lease.held >= 1 && !lease.pending) {
      lease.held -= 1;
      return true;
    }
    return this.#wait(lease, spec);
  }

  /** Waits for a grant (this call's or one in progress) and takes a unit from it. */
  async #wait(lease: Lease, spec: AllowanceSpec): Promise<TakeResult> {
    lease.waiting += 1;
    try {
      for (;;) {
        if (lease.pending) {
          const grant = await lease.pending;
          if (!grant) return 'unavailable';
          if (lease.held >= 1) {
            lease.held -= 1;
            return true;
          }
          // Nothing left in the vault: every call that waited on this grant is refused.
          if (grant.granted === 0) return false;
          continue;
        }
        if (lease.held >= 1) {
          lease.held -= 1;
          return true;
        }
        lease.pending = this.#grant(lease, spec);
      }
    } finally {
      lease.waiting -= 1;
    }
  }

  async #grant(lease: Lease, spec: AllowanceSpec): Promise<Grant | undefined> {
    const need = Math.max(1, lease.waiting - lease.held);
    const want = Math.max(need, Math.min(this.#maxBlock, Math.floor(spec.cap / 16)));
    let timer: NodeJS.Timeout | undefined;
    const asked = this.#vault.grant(spec, want, need, this.tailOf(spec.cap));
    try {
      const grant = await Promise.race([
        asked,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            // Granted after all, once the calls were refused: the units go back rather than being lost.
            asked.then(
              (late) => {
                if (late.granted > 0) void this.#adjust(spec.key, -late.granted);
              },
              () => undefined,
            );
            reject(new Error('the database did not answer in time'));
          }, this.#timeoutMs);
        }),
      ]);
      this.#fine();
      lease.held += grant.granted;
      lease.exact = spec.cap - grant.used < this.tailOf(spec.cap);
      return grant;
    } catch (e) {
      this.#trouble(e);
      return undefined;
    } finally {
      clearTimeout(timer);
      lease.pending = undefined;
    }
  }

  /** Gives units back: to this instance's block, or to the vault when they came from the tail. */
  giveBack(key: string, units: number): void {
    if (units <= 0) return;
    const lease = this.#leases.get(key);
    // A lease swept while its call ran (or from the tail): the unit goes straight back to the vault.
    if (!lease || lease.exact || this.#closed) this.#adjust(key, -units);
    else lease.held += units;
  }

  /** Books units used beyond the one taken at the door (a call's tokens): from the block, the rest charged. */
  use(key: string, units: number): void {
    if (units === 0) return;
    const lease = this.#leases.get(key);
    if (!lease) {
      // Swept while its call ran: the vault is told directly.
      this.#adjust(key, units);
      return;
    }
    lease.held -= units;
    if (lease.held < 0) {
      this.#adjust(key, -lease.held);
      lease.held = 0;
    }
  }

  /** Gives back blocks left idle, forgets expired leases and retries what the vault did not take. */
  sweep(): Promise<void> {
    const now = this.#now();
    const work: Promise<void>[] = [];
    for (const [key, lease] of this.#leases) {
      if (lease.pending || lease.waiting > 0) continue;
      if (lease.expiresAt <= now) {
        this.#leases.delete(key);
        continue;
      }
      if (now - lease.usedAt >= this.#idleMs) {
        if (lease.held > 0) this.#adjust(key, -lease.held);
        this.#leases.delete(key);
      }
    }
    for (const [key, units] of this.#owed) {
      this.#owed.delete(key);
      work.push(this.#adjust(key, units));
    }
    return Promise.all(work).then(() => undefined);
  }

  /** Gives every unused block back (the instance stops); later takes still work, each granted exactly. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const [key, lease] of this.#leases) {
      if (lease.held > 0 && lease.expiresAt > this.#now()) this.#adjust(key, -lease.held);
      lease.held = 0;
    }
    const owed = [...this.#owed];
    this.#owed.clear();
    await Promise.all(owed.map(([key, units]) => this.#adjust(key, units)));
    await Promise.all(this.#inFlight);
  }

  /** Units this instance holds for a key (tests and the docs' sizing read it). */
  held(key: string): number {
    return this.#leases.get(key)?.held ?? 0;
  }

  readonly #inFlight = new Set<Promise<void>>();

  #adjust(key: string, units: number): Promise<void> {
    const p = this.#vault.adjust(key, units).then(
      () => this.#fine(),
      (e) => {
        // Kept and tried again by the next sweep: a charge must not be lost, nor a unit given back twice.
        this.#owed.set(key, (this.#owed.get(key) ?? 0) + units);
        this.#trouble(e);
      },
    );
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p));
    return p;
  }

  #lease(spec: AllowanceSpec): Lease {
    let lease = this.#leases.get(spec.key);
    if (!lease) {
      lease = {
        key: spec.key,
        held: 0,
        exact: true,
        waiting: 0,
        pending: undefined,
        usedAt: this.#now(),
        expiresAt: spec.expiresAt,
      };
      this.#leases.set(spec.key, lease);
    }
    return lease;
  }

  #trouble(e: unknown): void {
    if (this.#troubled) return;
    this.#troubled = true;
    this.#onTrouble(e);
  }

  #fine(): void {
    if (!this.#troubled) return;
    this.#troubled = false;
    this.#onTrouble(undefined);
  }
}
