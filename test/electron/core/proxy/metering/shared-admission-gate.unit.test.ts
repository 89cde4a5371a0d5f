/**
 * Per-minute limits for two instances sharing the event's buckets (in memory,
 * with the database's rules) on a hand-moved clock: each instance's own
 * buckets would let the limit through on each, the event's bucket lets it
 * through once for both and refills for both; tokens used beyond the
 * estimate are booked for both; calls in flight are counted over both, and a
 * call that ends frees its place for the other instance; a refused call
 * gives back what it took.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KitError } from '../../../../../electron/core/errors.js';
import type { MinuteLimits } from '../../../../../electron/core/proxy/metering/attendee-limits.js';
import { LocalAdmissionGate, type MinuteTicket } from '../../../../../electron/core/proxy/metering/minute-gate.js';
import {
  type BucketVault,
  SharedAdmissionGate,
  waitFor,
} from '../../../../../electron/core/proxy/metering/shared-admission-gate.js';
import { type InFlightVault, SharedInFlight } from '../../../../../electron/core/proxy/metering/shared-in-flight.js';

/** The database's bucket rules in memory. */
class FakeBuckets implements BucketVault {
  readonly buckets = new Map<string, { level: number; at: number }>();
  async take(key: string, perMinute: number, need: number, take: number, now: number) {
    const b = this.buckets.get(key) ?? { level: perMinute, at: now };
    const refilled = Math.min(perMinute, b.level + (Math.max(0, now - b.at) * perMinute) / 60_000);
    if (refilled < need) return { waitMs: waitFor(need - refilled, perMinute) };
    this.buckets.set(key, { level: refilled - take, at: Math.max(b.at, now) });
    return {};
  }
  async add(key: string, perMinute: number, units: number) {
    const b = this.buckets.get(key);
    if (b) b.level = Math.min(perMinute, b.level + units);
  }
}

class FakeInFlightVault implements InFlightVault {
  readonly calls = new Map<string, number>();
  async enter(attendeeId: string, instanceId: string, most: number): Promise<boolean> {
    if (this.total(attendeeId) >= most) return false;
    const k = `${attendeeId}|${instanceId}`;
    this.calls.set(k, (this.calls.get(k) ?? 0) + 1);
    return true;
  }
  async leave(attendeeId: string, instanceId: string): Promise<void> {
    const k = `${attendeeId}|${instanceId}`;
    this.calls.set(k, (this.calls.get(k) ?? 0) - 1);
  }
  async beat(): Promise<void> {}
  total(attendeeId: string): number {
    let sum = 0;
    for (const [k, n] of this.calls) if (k.startsWith(`${attendeeId}|`)) sum += n;
    return sum;
  }
}

const limits = (over: Partial<MinuteLimits>): MinuteLimits => ({
  requestsPerMinute: 0,
  tokensPerMinute: 0,
  concurrentRequests: 0,
  ...over,
});

const counters: SharedInFlight[] = [];
afterEach(async () => {
  for (const c of counters.splice(0)) await c.close();
});

function twoInstances() {
  const buckets = new FakeBuckets();
  const inFlightVault = new FakeInFlightVault();
  let clock = 1_000_000;
  const now = () => clock;
  const gates = ['a', 'b'].map((id) => {
    const inFlight = new SharedInFlight(inFlightVault, id);
    counters.push(inFlight);
    return new SharedAdmissionGate(new LocalAdmissionGate(now), buckets, inFlight, now);
  });
  return {
    buckets,
    inFlightVault,
    gates: gates as [SharedAdmissionGate, SharedAdmissionGate],
    advance: (ms: number) => (clock += ms),
  };
}

/** Each call's ticket or refusal (this instance's own buckets refuse at once, the event's after asking). */
const outcomes = (calls: Array<() => MinuteTicket | Promise<MinuteTicket>>) =>
  Promise.all(
    calls.map((c) =>
      Promise.resolve()
        .then(c)
        .catch((e: KitError) => e),
    ),
  );
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('per-minute limits shared by two instances', () => {
  it('lets a limit of 5 requests per minute through once for both instances, then refills for both', async () => {
    const { gates, advance } = twoInstances();
    const five = limits({ requestsPerMinute: 5 });
    const results = await outcomes(
      Array.from({ length: 12 }, (_, i) => () => gates[i % 2 ? 1 : 0].enter('ada', five, 0)),
    );
    const refused = results.filter((r): r is KitError => r instanceof Error);
    expect(results.length - refused.length).toBe(5);
    for (const r of refused) {
      expect(r.code).toBe('rate_limited');
      expect(Number(r.headers['retry-after-ms'])).toBeGreaterThan(0);
    }
    advance(12_000); // one request's refill
    const next = await outcomes([() => gates[0].enter('ada', five, 0), () => gates[1].enter('ada', five, 0)]);
    expect(next.filter((r) => !(r instanceof Error))).toHaveLength(1);
  });

  it('books tokens used beyond the estimate for both instances', async () => {
    const { gates, advance } = twoInstances();
    const tpm = limits({ tokensPerMinute: 1000 });
    const t = await gates[0].enter('ada', tpm, 10);
    t.used(1200);
    t.release();
    await settled();
    await expect(gates[1].enter('ada', tpm, 10)).rejects.toMatchObject({ code: 'rate_limited' });
    advance(13_000); // 200 tokens of debt and the next estimate, at 1000 a minute
    await expect(gates[1].enter('ada', tpm, 10)).resolves.toBeDefined();
  });

  it('counts calls in flight over both instances, and a call that ends makes room on the other', async () => {
    const { inFlightVault, gates } = twoInstances();
    const two = limits({ concurrentRequests: 2 });
    const [first, second, third] = await outcomes([
      () => gates[0].enter('ada', two, 0),
      () => gates[1].enter('ada', two, 0),
      () => gates[0].enter('ada', two, 0),
    ]);
    expect(third).toBeInstanceOf(Error);
    expect((third as KitError).message).toMatch(/2 calls in flight/);
    (first as MinuteTicket).release();
    await settled();
    const fourth = await gates[1].enter('ada', two, 0);
    expect(inFlightVault.total('ada')).toBe(2);
    (second as MinuteTicket).release();
    fourth.release();
    await settled();
    expect(inFlightVault.total('ada')).toBe(0);
  });

  it('gives back the request of a call refused for calls in flight, and of a call never sent', async () => {
    const { buckets, gates } = twoInstances();
    const both = limits({ requestsPerMinute: 10, concurrentRequests: 1 });
    const held = await gates[0].enter('ada', both, 0);
    await expect(gates[1].enter('ada', both, 0)).rejects.toMatchObject({ code: 'rate_limited' });
    await settled();
    expect(buckets.buckets.get('rpm|ada')?.level).toBe(9);
    held.cancel();
    await settled();
    expect(buckets.buckets.get('rpm|ada')?.level).toBe(10);
  });
});
