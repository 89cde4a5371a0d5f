/**
 * What the kit has learned about each upstream resource from real traffic:
 * healthy, cooling down after a 429 (until the deadline the upstream asked
 * for), or failing (connect errors, 5xx, sign-in failures). Routing reads it
 * to skip a resource until its deadline; the admin API shows it to the
 * organizer. In memory only: a restart starts everyone afresh.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ResourceHealth } from '../../../../shared/contract.js';

/** A 429 without any retry hint still rests the resource this long. */
export const DEFAULT_THROTTLE_MS = 10_000;
/** A resource that failed to connect or answered 5xx is tried last for this long. */
export const FAILURE_COOL_DOWN_MS = 5_000;
/** Upstream hints beyond this are clamped: one odd header must not bench a resource for a day. */
const MAX_COOL_DOWN_MS = 10 * 60_000;

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * The deadline the upstream asked for, from `retry-after-ms`,
 * `x-ms-retry-after-ms` (milliseconds) and `retry-after` (seconds or an HTTP
 * date). When several are present, the latest deadline wins.
 */
export function retryDeadline(headers: IncomingHttpHeaders, now: number): number | undefined {
  const deadlines: number[] = [];
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(first(headers[name]));
    if (first(headers[name]) && Number.isFinite(ms) && ms >= 0) deadlines.push(now + ms);
  }
  const ra = first(headers['retry-after'])?.trim();
  if (ra) {
    if (/^\d+(\.\d+)?$/.test(ra)) deadlines.push(now + Number(ra) * 1000);
    else {
      const at = Date.parse(ra);
      if (Number.isFinite(at)) deadlines.push(at);
    }
  }
  if (deadlines.length === 0) return undefined;
  return Math.min(Math.max(...deadlines), now + MAX_COOL_DOWN_MS);
}

interface Entry {
  state: ResourceHealth['state'];
  lastTest?: ResourceHealth['lastTest'];
  lastError?: string;
  lastErrorAt?: number;
  coolDownUntil: number;
}

export class HealthBoard {
  readonly #entries = new Map<string, Entry>();

  /** Milliseconds-since-epoch until which the resource should be skipped (0 when it need not be). */
  coolDownUntil(resourceId: string): number {
    return this.#entries.get(resourceId)?.coolDownUntil ?? 0;
  }

  succeeded(resourceId: string): void {
    const e = this.#entries.get(resourceId);
    if (!e) {
      this.#entries.set(resourceId, { state: 'healthy', coolDownUntil: 0 });
      return;
    }
    e.state = 'healthy';
    e.coolDownUntil = 0;
  }

  throttled(resourceId: string, until: number, message: string, now: number): void {
    const e = this.#entry(resourceId);
    e.state = 'cooling-down';
    e.coolDownUntil = Math.max(e.coolDownUntil, until);
    e.lastError = message;
    e.lastErrorAt = now;
  }

  failed(resourceId: string, message: string, now: number, coolDownMs = FAILURE_COOL_DOWN_MS): void {
    const e = this.#entry(resourceId);
    e.state = 'failing';
    e.coolDownUntil = Math.max(e.coolDownUntil, now + coolDownMs);
    e.lastError = message;
    e.lastErrorAt = now;
  }

  /** Records the organizer's test call; the routing state follows from it like from real traffic. */
  tested(resourceId: string, result: { ok: boolean; message: string; latencyMs: number }, now: number): void {
    if (result.ok) this.succeeded(resourceId);
    else this.failed(resourceId, result.message, now, 0);
    const { ok, message, latencyMs } = result;
    this.#entry(resourceId).lastTest = { ok, message, latencyMs, at: new Date(now).toISOString() };
  }

  view(resourceId: string, now: number): ResourceHealth {
    const e = this.#entries.get(resourceId);
    if (!e) return { resourceId, state: 'unknown' };
    const cooling = e.coolDownUntil > now;
    const state = e.state === 'cooling-down' && !cooling ? 'healthy' : e.state;
    return {
      resourceId,
      state,
      ...(e.lastError ? { lastError: e.lastError } : {}),
      ...(e.lastErrorAt ? { lastErrorAt: new Date(e.lastErrorAt).toISOString() } : {}),
      ...(cooling ? { coolDownUntil: new Date(e.coolDownUntil).toISOString() } : {}),
      ...(e.lastTest ? { lastTest: e.lastTest } : {}),
    };
  }

  #entry(resourceId: string): Entry {
    let e = this.#entries.get(resourceId);
    if (!e) {
      e = { state: 'unknown', coolDownUntil: 0 };
      this.#entries.set(resourceId, e);
    }
    return e;
  }
}
