/** The console's live-traffic model: bounded, deduplicated, and its chart series are right. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { percentile, TrafficModel } from '../../../renderer/src/lib/traffic-model.js';
import type { TrafficRecord } from '../../../shared/types.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
let seq = 0;
const rec = (atMs: number, over: Partial<TrafficRecord> = {}): TrafficRecord => ({
  id: ++seq,
  at: new Date(atMs).toISOString(),
  method: 'POST',
  route: '/openai/deployments/:deployment/chat/completions',
  path: '/openai/deployments/gpt/chat/completions',
  status: 200,
  durationMs: 10,
  ...over,
});

afterEach(() => vi.useRealTimers());

describe('percentile', () => {
  it('uses the nearest-rank method', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('TrafficModel', () => {
  it('buckets per second: requests, status classes, latency percentiles, tokens over a rolling minute', () => {
    const m = new TrafficModel(1000, 120);
    const batch: TrafficRecord[] = [];
    for (let i = 1; i <= 20; i++) batch.push(rec(T0 + 100, { durationMs: i * 10, totalTokens: 5 }));
    batch.push(rec(T0 + 200, { status: 429, durationMs: 1 }), rec(T0 + 300, { status: 502, durationMs: 1 }));
    batch.push(rec(T0 + 30_000, { totalTokens: 100 }));
    m.add(batch);
    const s = m.series(T0 + 90_000);
    const at = (sec: number) => s.x.indexOf(Math.floor((T0 + sec * 1000) / 1000));
    expect(s.x).toHaveLength(120);
    expect(s.rps[at(0)]).toBe(22);
    expect([s.s2xx[at(0)], s.s4xx[at(0)], s.s5xx[at(0)]]).toEqual([20, 1, 1]);
    // 22 samples: 1, 1, 10 … 200.
    expect(s.p50[at(0)]).toBe(90);
    expect(s.p95[at(0)]).toBe(190);
    expect(s.p50[at(1)]).toBeNull();
    // 100 tokens at t=0, 100 more at t=30: the rolling minute holds both until t=59, then only the later.
    expect(s.tokensPerMin[at(29)]).toBe(100);
    expect(s.tokensPerMin[at(30)]).toBe(200);
    expect(s.tokensPerMin[at(59)]).toBe(200);
    expect(s.tokensPerMin[at(60)]).toBe(100);
    expect(s.tokensPerMin[at(90)]).toBe(0);
  });

  it('keeps the tail bounded and newest first, and filters it', () => {
    const m = new TrafficModel(100);
    for (let i = 0; i < 50; i++)
      m.add(Array.from({ length: 20 }, (_, j) => rec(T0 + i * 100 + j, { attendeeName: j % 2 ? 'Ada' : 'Grace' })));
    expect(m.total).toBe(1000);
    const tail = m.tail(1000);
    expect(tail.length).toBeLessThanOrEqual(125);
    expect(tail[0]?.id).toBeGreaterThan(tail[1]?.id ?? Number.POSITIVE_INFINITY);
    expect(m.tail(10, (r) => r.attendeeName === 'Ada').every((r) => r.attendeeName === 'Ada')).toBe(true);
    expect(m.distinct('attendeeName')).toEqual(['Ada', 'Grace']);
  });

  it('drops the overlap between the history and the live stream, but not records after a kit restart', () => {
    const m = new TrafficModel();
    const a = rec(T0);
    const b = rec(T0 + 10);
    m.add([a, b]);
    m.add([b]);
    expect(m.total).toBe(2);
    // A restarted kit counts ids from 1 again, with later times.
    m.add([{ ...a, id: 1, at: new Date(T0 + 60_000).toISOString() }]);
    expect(m.total).toBe(3);
  });

  it('notifies listeners at most once per interval however many batches arrive', () => {
    vi.useFakeTimers();
    const m = new TrafficModel(1000, 300, 400);
    const listener = vi.fn();
    m.subscribe(listener);
    for (let i = 0; i < 40; i++) m.add([rec(T0 + i * 10)]);
    expect(listener).not.toHaveBeenCalled();
    vi.advanceTimersByTime(400);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('summarizes a window for the headline tiles', () => {
    const m = new TrafficModel();
    m.add([rec(T0, { durationMs: 5, totalTokens: 3 }), rec(T0 + 500, { status: 401, durationMs: 15 })]);
    const s = m.summary(10, T0 + 1000);
    expect(s).toMatchObject({ requests: 2, errors: 1, tokens: 3, p50: 5, p95: 15 });
    expect(s.requestsPerSecond).toBeCloseTo(0.2);
  });
});

describe('realtime sessions', () => {
  const session = (id: string, phase: 'open' | 'response' | 'closed', tokens: number, responses: number) => ({
    id,
    phase,
    openedAt: new Date(T0).toISOString(),
    totalTokens: tokens,
    responses,
    ...(phase === 'closed' ? { closeCode: 1000, closeReason: 'done' } : {}),
  });
  const rt = (atMs: number, s: ReturnType<typeof session>, over: Partial<TrafficRecord> = {}) =>
    rec(atMs, {
      method: 'GET',
      path: '/openai/v1/realtime',
      deployment: 'gpt-realtime',
      attendeeName: 'Ada',
      session: s,
      ...over,
    });

  it('counts a session once as a request, its tokens as they come, and never its length as a latency', () => {
    const m = new TrafficModel(1000, 120);
    m.add([
      rt(T0, session('s1', 'open', 0, 0), { status: 101, durationMs: 20 }),
      rt(T0 + 5000, session('s1', 'response', 200, 1), { status: 101, durationMs: 5000, totalTokens: 200 }),
      rt(T0 + 9000, session('s1', 'closed', 200, 1), { status: 101, durationMs: 9000 }),
    ]);
    const s = m.series(T0 + 10_000);
    const at = (sec: number) => s.x.indexOf(Math.floor((T0 + sec * 1000) / 1000));
    expect(s.rps[at(0)]).toBe(1);
    expect(s.rps[at(5)]).toBe(0);
    expect(s.rps[at(9)]).toBe(0);
    expect(s.p50[at(5)]).toBeNull();
    expect(s.tokensPerMin[at(9)]).toBe(200);
    expect(m.total).toBe(1);
    expect(m.tail(10)).toHaveLength(3);
  });

  it('keeps one row per session: open ones first, with tokens, responses and how it closed', () => {
    const m = new TrafficModel();
    m.add([
      rt(T0, session('a', 'open', 0, 0)),
      rt(T0 + 1000, session('b', 'open', 0, 0), { attendeeName: 'Grace' }),
      rt(T0 + 2000, session('a', 'response', 150, 1), { totalTokens: 150 }),
      rt(T0 + 3000, session('a', 'closed', 150, 1)),
      rt(T0 + 4000, session('b', 'response', 90, 1), { attendeeName: 'Grace', totalTokens: 90 }),
    ]);
    const rows = m.sessions();
    expect(rows.map((r) => r.id)).toEqual(['b', 'a']);
    expect(rows[0]).toMatchObject({ attendeeName: 'Grace', totalTokens: 90, responses: 1 });
    expect(rows[0]?.closedAt).toBeUndefined();
    expect(rows[1]).toMatchObject({
      attendeeName: 'Ada',
      deployment: 'gpt-realtime',
      totalTokens: 150,
      closedAt: T0 + 3000,
      closeCode: 1000,
      closeReason: 'done',
    });
  });

  it('forgets the oldest closed sessions beyond its bound, never an open one', () => {
    const m = new TrafficModel(100);
    m.add([rt(T0, session('live', 'open', 0, 0))]);
    for (let i = 0; i < 600; i++)
      m.add([
        rt(T0 + 10 + i * 2, session(`s${i}`, 'open', 0, 0)),
        rt(T0 + 11 + i * 2, session(`s${i}`, 'closed', 0, 0)),
      ]);
    const rows = m.sessions(1000);
    expect(rows).toHaveLength(500);
    expect(rows[0]?.id).toBe('live');
    expect(rows[1]?.id).toBe('s599');
  });
});
