/**
 * Per-minute admission: each attendee's requests per minute, tokens per
 * minute and calls in flight, checked and taken in one synchronous step at
 * the door of a metered call (or a realtime session).
 *
 * Requests and tokens are **token buckets** that refill continuously: a
 * bucket of N per minute starts full, lets up to N through at once, then one
 * every 60/N seconds (the OpenAI API's own model, so the headers it sends and
 * the SDKs read mean the same here). A burst can therefore reach 2N within
 * one wall-clock minute (a full bucket, then a minute of refill), never more.
 *
 * Tokens are known only once upstream reports usage, after the answer. A
 * call is admitted while the attendee's token allowance covers its estimate
 * (the prompt, from the body's size), the estimate is taken at once, and the
 * real usage replaces it when it arrives (`used`); what the estimate took
 * and the call did not use comes back when it ends (`release`). A call that
 * used more than was left puts the allowance in debt, and the attendee's
 * next call waits until the refill has paid it back.
 *
 * `AdmissionGate` is the one seam: this in-memory gate judges one kit; kit
 * instances sharing a database add the event-wide limits on top of it
 * (`shared-admission-gate.ts`).
 */
import { KitError } from '../../errors.js';
import type { MinuteLimits } from './attendee-limits.js';
import { type Allowance, rateLimitHeaders, retryHeaders } from './rate-limit-headers.js';

/** One admitted call's hold on its attendee's allowance. */
export interface MinuteTicket {
  /** The `x-ratelimit-*` headers after this call was admitted (empty without per-minute request or token limits). */
  readonly headers: Readonly<Record<string, string>>;
  /** Books tokens the call used (upstream usage), first against its estimate. May be called more than once. */
  used(tokens: number): void;
  /** The call is over: its place in flight is freed and the unused estimate given back. Idempotent. */
  release(): void;
  /** The kit never sent the call: the request and the estimate are given back, and it is released. */
  cancel(): void;
}

export interface AdmissionGate {
  /**
   * Admits one call for the attendee, or throws (or rejects) `429 rate_limited` with `Retry-After` and the
   * headers. A promise only for a gate shared by kit instances, which may have to ask its database.
   */
  enter(attendeeId: string, limits: MinuteLimits, estimatedTokens: number): MinuteTicket | Promise<MinuteTicket>;
  /** Books tokens that belong to no call in flight (a finished run's usage seen on a later poll). */
  charge(attendeeId: string, limits: MinuteLimits, tokens: number): void;
}

const MINUTE = 60_000;
/** A refused concurrent call is told to come back after this long (when a call ends is not known). */
const CONCURRENCY_RETRY_MS = 1000;
/** Idle, whole buckets are forgotten: memory stays bounded by the attendees active in the last minutes. */
const SWEEP_EVERY = 1024;

interface Bucket {
  requests: number;
  tokens: number;
  /** The limits the levels were last refilled under. */
  rpm: number;
  tpm: number;
  at: number;
  inFlight: number;
}

const noHeaders: Readonly<Record<string, string>> = Object.freeze({});

export class LocalAdmissionGate implements AdmissionGate {
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;
  #entries = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  enter(attendeeId: string, limits: MinuteLimits, estimatedTokens: number): MinuteTicket {
    const now = this.#now();
    if (++this.#entries % SWEEP_EVERY === 0) this.#sweep(now);
    const b = this.#bucket(attendeeId, limits, now);
    const { requestsPerMinute: rpm, tokensPerMinute: tpm, concurrentRequests: most } = limits;
    if (most > 0 && b.inFlight >= most) {
      throw refusal(
        `You have ${b.inFlight} calls in flight, this event's limit per attendee. Wait for one to finish.`,
        CONCURRENCY_RETRY_MS,
        b,
      );
    }
    if (rpm > 0 && b.requests < 1) {
      const wait = ((1 - b.requests) * MINUTE) / rpm;
      throw refusal(`You are over this event's limit of ${rpm} requests per minute.`, wait, b);
    }
    const estimate = tpm > 0 ? Math.max(0, Math.ceil(estimatedTokens)) : 0;
    const need = Math.min(Math.max(1, estimate), tpm);
    if (tpm > 0 && b.tokens < need) {
      const wait = ((need - b.tokens) * MINUTE) / tpm;
      throw refusal(`You are over this event's limit of ${tpm} tokens per minute.`, wait, b);
    }
    b.inFlight += 1;
    if (rpm > 0) b.requests -= 1;
    b.tokens -= estimate;
    return new Ticket(this, b, estimate, rpm > 0 || tpm > 0 ? rateLimitHeaders(...allowances(b)) : noHeaders);
  }

  charge(attendeeId: string, limits: MinuteLimits, tokens: number): void {
    if (!(limits.tokensPerMinute > 0) || !(tokens > 0)) return;
    this.#bucket(attendeeId, limits, this.#now()).tokens -= tokens;
  }

  /** Brings a bucket's levels up to now (and to the attendee's current limits). */
  refill(b: Bucket, limits: Pick<Bucket, 'rpm' | 'tpm'>, now: number): void {
    // Up to now at the rates that held until now, then the new limits.
    const elapsed = now - b.at;
    if (elapsed > 0) {
      if (b.rpm > 0) b.requests = Math.min(b.rpm, b.requests + (elapsed * b.rpm) / MINUTE);
      if (b.tpm > 0) b.tokens = Math.min(b.tpm, b.tokens + (elapsed * b.tpm) / MINUTE);
      b.at = now;
    }
    // A changed limit keeps what was used as used: raised, the difference is there at once; lowered below
    // what was used, the attendee waits for the refill. From no limit, the bucket starts full.
    if (limits.rpm !== b.rpm) {
      b.requests = b.rpm === 0 ? limits.rpm : b.requests + limits.rpm - b.rpm;
      b.rpm = limits.rpm;
    }
    if (limits.tpm !== b.tpm) {
      b.tokens = b.tpm === 0 ? limits.tpm : b.tokens + limits.tpm - b.tpm;
      b.tpm = limits.tpm;
    }
  }

  now(): number {
    return this.#now();
  }

  #bucket(attendeeId: string, limits: MinuteLimits, now: number): Bucket {
    const want = { rpm: limits.requestsPerMinute, tpm: limits.tokensPerMinute };
    let b = this.#buckets.get(attendeeId);
    if (!b) {
      b = { requests: want.rpm, tokens: want.tpm, rpm: want.rpm, tpm: want.tpm, at: now, inFlight: 0 };
      this.#buckets.set(attendeeId, b);
      return b;
    }
    this.refill(b, want, now);
    return b;
  }

  #sweep(now: number): void {
    for (const [id, b] of this.#buckets) {
      if (b.inFlight > 0) continue;
      this.refill(b, b, now);
      if (b.requests >= b.rpm && b.tokens >= b.tpm) this.#buckets.delete(id);
    }
  }
}

class Ticket implements MinuteTicket {
  #estimate: number;
  #done = false;

  constructor(
    readonly gate: LocalAdmissionGate,
    readonly bucket: Bucket,
    estimate: number,
    readonly headers: Readonly<Record<string, string>>,
  ) {
    this.#estimate = estimate;
  }

  used(tokens: number): void {
    if (!(tokens > 0) || !(this.bucket.tpm > 0)) return;
    const covered = Math.min(this.#estimate, tokens);
    this.#estimate -= covered;
    this.bucket.tokens -= tokens - covered;
  }

  release(): void {
    if (this.#done) return;
    this.#done = true;
    const b = this.bucket;
    b.inFlight = Math.max(0, b.inFlight - 1);
    if (this.#estimate > 0 && b.tpm > 0) {
      this.gate.refill(b, b, this.gate.now());
      b.tokens = Math.min(b.tpm, b.tokens + this.#estimate);
    }
    this.#estimate = 0;
  }

  cancel(): void {
    if (this.#done) return;
    const b = this.bucket;
    if (b.rpm > 0) b.requests = Math.min(b.rpm, b.requests + 1);
    this.release();
  }
}

function allowances(b: Bucket): [Allowance | undefined, Allowance | undefined] {
  return [
    b.rpm > 0 ? { limit: b.rpm, remaining: b.requests, resetMs: ((b.rpm - b.requests) * MINUTE) / b.rpm } : undefined,
    b.tpm > 0 ? { limit: b.tpm, remaining: b.tokens, resetMs: ((b.tpm - b.tokens) * MINUTE) / b.tpm } : undefined,
  ];
}

function refusal(what: string, waitMs: number, b: Bucket): KitError {
  const headers = retryHeaders(waitMs, rateLimitHeaders(...allowances(b)));
  headers['x-should-retry'] = 'true';
  const seconds = Number(headers['retry-after']);
  return new KitError('rate_limited', `${what} Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, headers);
}
