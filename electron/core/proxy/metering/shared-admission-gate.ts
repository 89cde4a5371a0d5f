/**
 * Per-minute limits for kit instances sharing a database. Each instance keeps
 * its own token buckets (`minute-gate.ts`: the `x-ratelimit-*` headers the
 * SDKs read, and a refusal without asking anyone); then the event's buckets,
 * kept in the database with the same rules (full at first, refilled
 * continuously, the token estimate taken at the door and replaced by real
 * usage), are taken from in one atomic statement per call, and calls in
 * flight are counted over all live instances (`shared-in-flight.ts`). Per
 * call that is one database round trip, and exact: a refilling allowance
 * cannot be leased ahead in blocks without letting a burst past the limit.
 */
import { KitError } from '../../errors.js';
import { unavailable } from './allowance-leases.js';
import type { MinuteLimits } from './attendee-limits.js';
import type { AdmissionGate, LocalAdmissionGate, MinuteTicket } from './minute-gate.js';
import { retryHeaders } from './rate-limit-headers.js';
import type { SharedInFlight } from './shared-in-flight.js';

/** The event's token buckets, shared by every instance (PostgreSQL in conference mode). */
export interface BucketVault {
  /**
   * Refills the bucket of `perMinute` up to `now` and, when it holds at least `need`, takes `take` from it
   * (a new bucket starts full). Returns what is left, or the wait in ms when it refused.
   */
  take(key: string, perMinute: number, need: number, take: number, now: number): Promise<{ waitMs?: number }>;
  /** Adds units to a bucket (negative: usage beyond the estimate; positive: an estimate given back), never above the limit. */
  add(key: string, perMinute: number, units: number): Promise<void>;
}

const MINUTE = 60_000;

export class SharedAdmissionGate implements AdmissionGate {
  readonly #local: LocalAdmissionGate;
  readonly #buckets: BucketVault;
  readonly #inFlight: SharedInFlight;
  readonly #now: () => number;

  constructor(local: LocalAdmissionGate, buckets: BucketVault, inFlight: SharedInFlight, now: () => number) {
    this.#local = local;
    this.#buckets = buckets;
    this.#inFlight = inFlight;
    this.#now = now;
  }

  enter(attendeeId: string, limits: MinuteLimits, estimatedTokens: number): Promise<MinuteTicket> {
    // This instance's buckets first: a call they refuse never costs the database a question.
    const ticket = this.#local.enter(attendeeId, limits, estimatedTokens);
    return this.#shared(attendeeId, limits, estimatedTokens, ticket);
  }

  async #shared(
    attendeeId: string,
    limits: MinuteLimits,
    estimated: number,
    local: MinuteTicket,
  ): Promise<MinuteTicket> {
    const { requestsPerMinute: rpm, tokensPerMinute: tpm, concurrentRequests: most } = limits;
    const estimate = tpm > 0 ? Math.max(0, Math.ceil(estimated)) : 0;
    const now = this.#now();
    let requestTaken = false;
    let tokensTaken = false;
    let inFlight = false;
    try {
      if (rpm > 0) {
        const r = await this.#buckets.take(`rpm|${attendeeId}`, rpm, 1, 1, now);
        if (r.waitMs !== undefined)
          throw refusal(`You are over this event's limit of ${rpm} requests per minute.`, r.waitMs);
        requestTaken = true;
      }
      if (tpm > 0) {
        const need = Math.min(Math.max(1, estimate), tpm);
        const r = await this.#buckets.take(`tpm|${attendeeId}`, tpm, need, estimate, now);
        if (r.waitMs !== undefined)
          throw refusal(`You are over this event's limit of ${tpm} tokens per minute.`, r.waitMs);
        tokensTaken = true;
      }
      if (most > 0) {
        const got = await this.#inFlight.enter(attendeeId, most);
        if (got === 'unavailable') throw unavailable();
        if (!got)
          throw refusal(
            `You have ${most} calls in flight, this event's limit per attendee. Wait for one to finish.`,
            1000,
          );
        inFlight = true;
      }
    } catch (e) {
      // Whatever this call took goes back; a database that did not answer is said as such.
      if (requestTaken) this.give(`rpm|${attendeeId}`, rpm, 1);
      if (tokensTaken) this.give(`tpm|${attendeeId}`, tpm, estimate);
      local.cancel();
      throw e instanceof KitError ? e : unavailable();
    }
    return new SharedTicket(this, local, attendeeId, limits, estimate, inFlight);
  }

  charge(attendeeId: string, limits: MinuteLimits, tokens: number): void {
    this.#local.charge(attendeeId, limits, tokens);
    if (limits.tokensPerMinute > 0 && tokens > 0) this.give(`tpm|${attendeeId}`, limits.tokensPerMinute, -tokens);
  }

  /** Adds to a shared bucket without waiting (one that fails leaves a bucket off for at most a minute's refill). */
  give(key: string, perMinute: number, units: number): void {
    if (units !== 0) this.#buckets.add(key, perMinute, units).catch(() => undefined);
  }

  leave(attendeeId: string): void {
    this.#inFlight.leave(attendeeId);
  }
}

class SharedTicket implements MinuteTicket {
  #estimate: number;
  #over = false;

  constructor(
    readonly gate: SharedAdmissionGate,
    readonly local: MinuteTicket,
    readonly attendeeId: string,
    readonly limits: MinuteLimits,
    estimate: number,
    readonly counted: boolean,
  ) {
    this.#estimate = estimate;
  }

  get headers(): Readonly<Record<string, string>> {
    return this.local.headers;
  }

  used(tokens: number): void {
    this.local.used(tokens);
    const tpm = this.limits.tokensPerMinute;
    if (!(tokens > 0) || !(tpm > 0) || this.#over) return;
    const covered = Math.min(this.#estimate, tokens);
    this.#estimate -= covered;
    this.gate.give(`tpm|${this.attendeeId}`, tpm, -(tokens - covered));
  }

  release(): void {
    this.local.release();
    if (this.#over) return;
    this.#over = true;
    const tpm = this.limits.tokensPerMinute;
    if (this.#estimate > 0 && tpm > 0) this.gate.give(`tpm|${this.attendeeId}`, tpm, this.#estimate);
    this.#estimate = 0;
    if (this.counted) this.gate.leave(this.attendeeId);
  }

  cancel(): void {
    const rpm = this.limits.requestsPerMinute;
    if (!this.#over && rpm > 0) this.gate.give(`rpm|${this.attendeeId}`, rpm, 1);
    this.local.cancel();
    this.release();
  }
}

function refusal(what: string, waitMs: number): KitError {
  const headers = retryHeaders(Math.max(waitMs, 1));
  headers['x-should-retry'] = 'true';
  const seconds = Number(headers['retry-after']);
  return new KitError('rate_limited', `${what} Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, headers);
}

/** How long a bucket of `perMinute` short of `missing` units takes to hold them again. */
export const waitFor = (missing: number, perMinute: number): number => (missing * MINUTE) / perMinute;
