/**
 * Keep-awake's decision and its clock: the lock is held exactly while an
 * event is live (taken by the clock at the start, released at the end, on
 * disable or deletion, and when the kit stops), refusals are reported with
 * what to set and not retried on every look.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { awakePlan } from '../../../../electron/core/event-day/awake-plan.js';
import { type AcquireResult, KeepAwake, type WakeLock } from '../../../../electron/core/event-day/keep-awake.js';
import type { KitEvent } from '../../../../shared/types.js';

const T0 = Date.parse('2026-03-14T08:00:00Z');
const min = 60_000;
const at = (ms: number) => new Date(T0 + ms).toISOString();
const ev = (id: string, start: number, end: number, over: Partial<KitEvent> = {}) =>
  ({ id, name: id, startsAt: at(start), endsAt: at(end), enabled: true, ...over }) as KitEvent;

class FakeLock implements WakeLock {
  mechanism = 'fake';
  held = false;
  log: string[] = [];
  answer: AcquireResult = { ok: true };
  async acquire(why: string) {
    this.log.push(`acquire ${why}`);
    if (this.answer.ok) this.held = true;
    return this.answer;
  }
  release() {
    this.log.push('release');
    this.held = false;
  }
}

describe('awakePlan', () => {
  it('is live exactly inside [start, end), and says when it next changes', () => {
    const events = [ev('a', 60 * min, 120 * min)];
    expect(awakePlan(events, T0).live).toEqual([]);
    expect(awakePlan(events, T0).nextChangeAt).toBe(T0 + 60 * min);
    expect(awakePlan(events, T0 + 60 * min - 1).live).toHaveLength(0);
    expect(awakePlan(events, T0 + 60 * min).live).toHaveLength(1);
    expect(awakePlan(events, T0 + 60 * min).until).toBe(T0 + 120 * min);
    expect(awakePlan(events, T0 + 60 * min).nextChangeAt).toBe(T0 + 120 * min);
    expect(awakePlan(events, T0 + 120 * min).live).toHaveLength(0);
    expect(awakePlan(events, T0 + 120 * min).nextChangeAt).toBeNull();
  });

  it('chains overlapping and back-to-back events into one stretch, but not across a gap', () => {
    const events = [
      ev('a', 0, 60 * min),
      ev('b', 30 * min, 90 * min),
      ev('c', 90 * min, 120 * min),
      ev('d', 180 * min, 200 * min),
    ];
    expect(awakePlan(events, T0 + 10 * min).until).toBe(T0 + 120 * min);
    expect(awakePlan(events, T0 + 10 * min).nextStart).toBe(T0 + 30 * min);
  });

  it('ignores disabled events and impossible windows', () => {
    const events = [ev('a', 0, 60 * min, { enabled: false }), ev('b', 60 * min, 0)];
    expect(awakePlan(events, T0 + min)).toMatchObject({ live: [], until: null, nextChangeAt: null });
  });
});

describe('KeepAwake', () => {
  // Fake timers move Date.now with them: the kit's clock and its timers agree, as in real life.
  const now = () => Date.now();
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => vi.useRealTimers());
  const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

  it('takes the lock when the clock reaches the start, and releases it at the end', async () => {
    const lock = new FakeLock();
    const events = [ev('Workshop', 90 * min, 8 * 60 * min)];
    const changes: string[] = [];
    const k = new KeepAwake({ lock, events: () => events, now, onChange: (f) => changes.push(f.state) });
    await k.start();
    expect(lock.held).toBe(false);
    expect(k.facts()).toMatchObject({ state: 'idle', nextStart: at(90 * min), until: null });

    await advance(90 * min - 1);
    expect(lock.held).toBe(false);
    await advance(1);
    expect(lock.held).toBe(true);
    expect(lock.log[0]).toMatch(/^acquire Workshop live until /);
    expect(k.facts()).toMatchObject({ state: 'holding', until: at(8 * 60 * min), mechanism: 'fake' });

    await advance(8 * 60 * min - 90 * min - 1);
    expect(lock.held).toBe(true);
    await advance(1);
    expect(lock.held).toBe(false);
    expect(lock.log).toEqual([lock.log[0], 'release']);
    expect(changes).toEqual(['idle', 'holding', 'idle']);
    k.stop();
  });

  it('releases when the live event is disabled or deleted, and when the kit stops', async () => {
    const lock = new FakeLock();
    let events = [ev('a', -min, 60 * min)];
    const k = new KeepAwake({ lock, events: () => events, now });
    await k.start();
    expect(lock.held).toBe(true);
    events = [ev('a', -min, 60 * min, { enabled: false })];
    await k.refresh();
    expect(lock.held).toBe(false);
    events = [ev('a', -min, 60 * min)];
    await k.refresh();
    expect(lock.held).toBe(true);
    events = [];
    await k.refresh();
    expect(lock.held).toBe(false);
    events = [ev('b', -min, 60 * min)];
    await k.refresh();
    expect(lock.held).toBe(true);
    k.stop();
    expect(lock.held).toBe(false);
    // Stopped for good: the clock no longer takes it.
    await advance(10 * min);
    await k.refresh();
    expect(lock.held).toBe(false);
  });

  it('holds once across overlapping events and says until the end of the stretch', async () => {
    const lock = new FakeLock();
    const events = [ev('a', 0, 60 * min), ev('b', 30 * min, 120 * min)];
    const k = new KeepAwake({ lock, events: () => events, now });
    await k.start();
    await advance(60 * min);
    expect(lock.log.filter((l) => l.startsWith('acquire'))).toHaveLength(1);
    expect(k.facts().until).toBe(at(120 * min));
    await advance(60 * min);
    expect(lock.held).toBe(false);
    k.stop();
  });

  it('reports a refusal with the hint, retries after a while, and takes the lock when the OS allows', async () => {
    const lock = new FakeLock();
    lock.answer = { ok: false, reason: 'systemd-inhibit said: Failed to connect to bus', hint: 'Turn off suspend' };
    const events = [ev('a', -min, 120 * min)];
    const k = new KeepAwake({ lock, events: () => events, now, retryMs: 5 * min });
    await k.start();
    expect(k.facts()).toMatchObject({ state: 'failed', reason: /Failed to connect/, hint: 'Turn off suspend' });
    await advance(4 * min);
    expect(lock.log).toHaveLength(1);
    lock.answer = { ok: true };
    await advance(2 * min);
    expect(lock.log).toHaveLength(2);
    expect(k.facts().state).toBe('holding');
    k.stop();
  });

  it('checks at start whether it could keep the machine awake, before any event is live', async () => {
    const lock = Object.assign(new FakeLock(), {
      check: async (): Promise<AcquireResult> => ({ ok: false, reason: 'no logind', hint: 'set it by hand' }),
    });
    const k = new KeepAwake({ lock, events: () => [ev('a', 60 * min, 120 * min)], now });
    await k.start();
    expect(k.facts()).toMatchObject({ state: 'unavailable', reason: 'no logind', nextStart: at(60 * min) });
    k.stop();
  });

  it('without a lock, says it cannot', async () => {
    const k = new KeepAwake({ lock: null, events: () => [ev('a', -min, min)], now });
    await k.start();
    expect(k.facts()).toMatchObject({ state: 'unavailable', mechanism: null });
    expect(k.facts().hint).toBeTruthy();
    k.stop();
  });

  it('notices a lock lost under it and takes it again', async () => {
    let lose: (reason: string) => void = () => undefined;
    const lock = Object.assign(new FakeLock(), {
      onLost: (fn: (reason: string) => void) => {
        lose = fn;
      },
    });
    const k = new KeepAwake({ lock, events: () => [ev('a', -min, 60 * min)], now });
    await k.start();
    lock.held = false;
    lose('helper exited');
    await k.refresh();
    expect(lock.held).toBe(true);
    expect(lock.log.filter((l) => l.startsWith('acquire'))).toHaveLength(2);
    k.stop();
  });
});
