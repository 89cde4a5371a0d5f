/**
 * Calls in flight per attendee counted across kit instances. Each instance
 * keeps its own count per attendee and tells the vault, which admits a call
 * while the sum over live instances is under the limit (one atomic step per
 * call entering; leaving is told without waiting). Every few seconds an
 * instance writes its whole count again (its heartbeat): a leave the
 * database missed is mended, and the counts of an instance that stopped
 * beating (killed, cut off) stop counting after `STALE_MS`, so a crash
 * never locks an attendee out.
 */

/** Where the instances' counts are kept: PostgreSQL in conference mode, a fake in unit tests. */
export interface InFlightVault {
  /** Adds one call for the attendee on this instance if the live instances' sum is under `most`. */
  enter(attendeeId: string, instanceId: string, most: number): Promise<boolean>;
  /** Takes one call away. */
  leave(attendeeId: string, instanceId: string): Promise<void>;
  /** Writes this instance's whole count (attendee → calls) and that it is alive. */
  beat(instanceId: string, counts: ReadonlyMap<string, number>): Promise<void>;
}

/** An instance whose heartbeat is older than this no longer counts. */
export const STALE_MS = 15_000;
const BEAT_MS = 5000;

export class SharedInFlight {
  readonly #vault: InFlightVault;
  readonly #instanceId: string;
  /** Calls in flight here per attendee, those waiting for the vault's answer included. */
  readonly #counts = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;

  constructor(vault: InFlightVault, instanceId: string) {
    this.#vault = vault;
    this.#instanceId = instanceId;
    this.#timer = setInterval(() => void this.beat(), BEAT_MS);
    this.#timer.unref();
  }

  /** True when the attendee may start one more call; `unavailable` when the vault cannot be asked. */
  async enter(attendeeId: string, most: number): Promise<boolean | 'unavailable'> {
    // Counted here before asking, so a heartbeat in between never writes less than the vault holds.
    this.#add(attendeeId, 1);
    try {
      if (await this.#vault.enter(attendeeId, this.#instanceId, most)) return true;
      this.#add(attendeeId, -1);
      return false;
    } catch {
      this.#add(attendeeId, -1);
      return 'unavailable';
    }
  }

  leave(attendeeId: string): void {
    this.#add(attendeeId, -1);
    // A leave the database misses is mended by the next heartbeat.
    this.#vault.leave(attendeeId, this.#instanceId).catch(() => undefined);
  }

  beat(): Promise<void> {
    return this.#vault.beat(this.#instanceId, this.#counts).catch(() => undefined);
  }

  /** Stops beating and says this instance has nothing in flight (its calls are over). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#counts.clear();
    await this.beat();
  }

  #add(attendeeId: string, n: number): void {
    const next = (this.#counts.get(attendeeId) ?? 0) + n;
    if (next > 0) this.#counts.set(attendeeId, next);
    else this.#counts.delete(attendeeId);
  }
}
