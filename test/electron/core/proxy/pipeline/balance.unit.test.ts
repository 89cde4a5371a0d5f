/** The order a call tries resources in, and the deadlines upstream hints give. */
import { describe, expect, it } from 'vitest';
import { rankCandidates } from '../../../../../electron/core/proxy/pipeline/balance.js';
import { retryDeadline } from '../../../../../electron/core/proxy/upstream/health.js';
import type { Resource } from '../../../../../shared/types.js';

const res = (id: string, over: Partial<Resource> = {}): Resource => ({
  id,
  name: id,
  kind: 'azure-openai',
  endpoint: `https://${id}.example`,
  deployment: 'gpt',
  auth: { type: 'none' },
  enabled: true,
  createdAt: '2026-01-01T00:00:00Z',
  ...over,
});

/** A small seeded generator so the distribution test is repeatable. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('rankCandidates', () => {
  it('leads with each resource in proportion to its weight', () => {
    const rs = [res('a', { weight: 1 }), res('b', { weight: 2 }), res('c', { weight: 7 })];
    const random = seeded(42);
    const firsts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 10_000; i++) {
      const first = rankCandidates(rs, () => 0, 0, random)[0]?.id as keyof typeof firsts;
      firsts[first] += 1;
    }
    expect(firsts.a / 10_000).toBeCloseTo(0.1, 1);
    expect(firsts.b / 10_000).toBeCloseTo(0.2, 1);
    expect(firsts.c / 10_000).toBeCloseTo(0.7, 1);
  });

  it('puts resting resources last, soonest deadline first, and OpenAI-compatible after Azure', () => {
    const rs = [
      res('compat', { kind: 'openai-compatible', weight: 1000 }),
      res('late', {}),
      res('soon', {}),
      res('ok', {}),
    ];
    const until: Record<string, number> = { late: 5000, soon: 2000 };
    const order = rankCandidates(
      rs,
      (id) => until[id] ?? 0,
      1000,
      () => 0.5,
    ).map((r) => r.id);
    expect(order).toEqual(['ok', 'compat', 'soon', 'late']);
  });
});

describe('retryDeadline', () => {
  const now = Date.parse('2026-05-01T12:00:00Z');
  it('reads milliseconds, seconds and HTTP dates, and the latest wins', () => {
    expect(retryDeadline({ 'retry-after-ms': '1500' }, now)).toBe(now + 1500);
    expect(retryDeadline({ 'x-ms-retry-after-ms': '250' }, now)).toBe(now + 250);
    expect(retryDeadline({ 'retry-after': '2' }, now)).toBe(now + 2000);
    expect(retryDeadline({ 'retry-after': 'Fri, 01 May 2026 12:00:09 GMT' }, now)).toBe(now + 9000);
    expect(retryDeadline({ 'retry-after-ms': '9000', 'retry-after': '3' }, now)).toBe(now + 9000);
    expect(retryDeadline({ 'retry-after-ms': '100', 'x-ms-retry-after-ms': '4000', 'retry-after': '1' }, now)).toBe(
      now + 4000,
    );
  });
  it('ignores nonsense and clamps absurd hints', () => {
    expect(retryDeadline({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryDeadline({ 'retry-after-ms': '-5' }, now)).toBeUndefined();
    expect(retryDeadline({}, now)).toBeUndefined();
    expect(retryDeadline({ 'retry-after': '86400' }, now)).toBe(now + 10 * 60_000);
  });
});
