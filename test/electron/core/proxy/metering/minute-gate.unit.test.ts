/**
 * The per-minute admission gate on a hand-moved clock: token buckets for
 * requests and tokens (full at first, refilled continuously), calls in flight,
 * the estimate a call takes and the usage that replaces it, the headers the
 * SDKs read, and limits changed while an attendee is mid-minute.
 */
import { describe, expect, it } from 'vitest';
import { KitError } from '../../../../../electron/core/errors.js';
import type { MinuteLimits } from '../../../../../electron/core/proxy/metering/attendee-limits.js';
import { LocalAdmissionGate } from '../../../../../electron/core/proxy/metering/minute-gate.js';
import { goDuration } from '../../../../../electron/core/proxy/metering/rate-limit-headers.js';

const limits = (over: Partial<MinuteLimits>): MinuteLimits => ({
  requestsPerMinute: 0,
  tokensPerMinute: 0,
  concurrentRequests: 0,
  ...over,
});

function gateAt(start = 1_000_000) {
  let clock = start;
  const gate = new LocalAdmissionGate(() => clock);
  return { gate, advance: (ms: number) => (clock += ms) };
}

function refused(fn: () => unknown): KitError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KitError);
    expect((e as KitError).code).toBe('rate_limited');
    expect((e as KitError).status).toBe(429);
    return e as KitError;
  }
  throw new Error('expected a refusal');
}

describe('requests per minute', () => {
  it('lets a full bucket through, then one every 60/N seconds, with the headers the SDKs read', () => {
    const { gate, advance } = gateAt();
    const rpm = limits({ requestsPerMinute: 3 });
    const first = gate.enter('a', rpm, 0);
    expect(first.headers).toEqual({
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '2',
      'x-ratelimit-reset-requests': '20s',
    });
    gate.enter('a', rpm, 0).release();
    expect(gate.enter('a', rpm, 0).headers['x-ratelimit-remaining-requests']).toBe('0');
    const e = refused(() => gate.enter('a', rpm, 0));
    expect(e.headers['retry-after']).toBe('20');
    expect(e.headers['retry-after-ms']).toBe('20000');
    expect(e.headers['x-ratelimit-reset-requests']).toBe('1m0s');
    expect(e.headers['x-should-retry']).toBe('true');
    expect(e.message).toContain('3 requests per minute');

    advance(19_999);
    refused(() => gate.enter('a', rpm, 0));
    advance(1);
    expect(gate.enter('a', rpm, 0).headers['x-ratelimit-remaining-requests']).toBe('0');
    // Another attendee has a bucket of their own.
    expect(gate.enter('b', rpm, 0).headers['x-ratelimit-remaining-requests']).toBe('2');
  });

  it('gives a request back when the kit never sent the call', () => {
    const { gate } = gateAt();
    const rpm = limits({ requestsPerMinute: 1 });
    gate.enter('a', rpm, 0).cancel();
    gate.enter('a', rpm, 0);
    refused(() => gate.enter('a', rpm, 0));
  });

  it('follows a limit changed mid-minute: what was used stays used', () => {
    const { gate, advance } = gateAt();
    gate.enter('a', limits({ requestsPerMinute: 10 }), 0); // 1 used, 9 left
    // Lowered to 2: 1 left; this call takes it.
    expect(gate.enter('a', limits({ requestsPerMinute: 2 }), 0).headers['x-ratelimit-remaining-requests']).toBe('0');
    refused(() => gate.enter('a', limits({ requestsPerMinute: 2 }), 0));
    advance(30_000); // +1 at 2 a minute
    // Raised to 60: the 58 more are there at once.
    const raised = gate.enter('a', limits({ requestsPerMinute: 60 }), 0);
    expect(raised.headers['x-ratelimit-remaining-requests']).toBe('58');
    advance(1000);
    expect(gate.enter('a', limits({ requestsPerMinute: 60 }), 0).headers['x-ratelimit-remaining-requests']).toBe('58');
  });
});

describe('tokens per minute', () => {
  it('admits on the estimate, books the real usage and gives back what the estimate took too much', () => {
    const { gate } = gateAt();
    const tpm = limits({ tokensPerMinute: 1000 });
    const t = gate.enter('a', tpm, 100);
    expect(t.headers['x-ratelimit-remaining-tokens']).toBe('900');
    t.used(40);
    t.release(); // 60 of the estimate come back
    expect(gate.enter('a', tpm, 0).headers['x-ratelimit-remaining-tokens']).toBe('960');
  });

  it('a call that used more than was left puts the allowance in debt; the next waits for the refill', () => {
    const { gate, advance } = gateAt();
    const tpm = limits({ tokensPerMinute: 600 }); // 10 a second
    const t = gate.enter('a', tpm, 50);
    t.used(700);
    t.release();
    const e = refused(() => gate.enter('a', tpm, 50));
    // 100 in debt, 50 needed: 150 tokens at 10/s.
    expect(e.headers['retry-after-ms']).toBe('15000');
    expect(e.headers['x-ratelimit-remaining-tokens']).toBe('0');
    expect(e.headers['x-ratelimit-reset-tokens']).toBe('1m10s');
    advance(15_000);
    expect(gate.enter('a', tpm, 50).headers['x-ratelimit-remaining-tokens']).toBe('0');
  });

  it('never asks more than the whole allowance of a single call, and charges usage seen outside a call', () => {
    const { gate, advance } = gateAt();
    const tpm = limits({ tokensPerMinute: 100 });
    gate.enter('a', tpm, 5000).release(); // a huge prompt still gets in on a full bucket
    gate.charge('a', tpm, 100); // a finished run's tokens seen on a poll
    refused(() => gate.enter('a', tpm, 1));
    advance(601);
    gate.enter('a', tpm, 1);
  });

  it('used() may come several times in a session, the estimate first', () => {
    const { gate } = gateAt();
    const tpm = limits({ tokensPerMinute: 1000 });
    const t = gate.enter('a', tpm, 0);
    t.used(100);
    t.used(150);
    expect(gate.enter('a', tpm, 0).headers['x-ratelimit-remaining-tokens']).toBe('750');
    t.release();
  });
});

describe('calls in flight', () => {
  it('refuses beyond the limit until one is released, and release is idempotent', () => {
    const { gate } = gateAt();
    const two = limits({ concurrentRequests: 2 });
    const a = gate.enter('a', two, 0);
    const b = gate.enter('a', two, 0);
    expect(a.headers).toEqual({}); // no per-minute request or token limit: no headers
    const e = refused(() => gate.enter('a', two, 0));
    expect(e.headers['retry-after']).toBe('1');
    expect(e.message).toContain('2 calls in flight');
    a.release();
    a.release();
    const c = gate.enter('a', two, 0);
    refused(() => gate.enter('a', two, 0));
    b.release();
    c.cancel();
    gate.enter('a', two, 0);
    gate.enter('a', two, 0);
  });
});

describe('goDuration', () => {
  it('spells durations as the OpenAI API does', () => {
    expect(goDuration(0)).toBe('0s');
    expect(goDuration(17)).toBe('17ms');
    expect(goDuration(999.2)).toBe('1s');
    expect(goDuration(1500)).toBe('1.5s');
    expect(goDuration(60_000)).toBe('1m0s');
    expect(goDuration(360_000)).toBe('6m0s');
    expect(goDuration(90_500)).toBe('1m30.5s');
    expect(goDuration(3_723_000)).toBe('1h2m3s');
  });
});
