/**
 * The fair queue's order and bounds: attendees served in rotation (one
 * attendee's 50 waiting calls delay another's single call by one turn at
 * most), a full queue shared by turning away the longest line's newest call,
 * waits bounded in time, a call whose client left taking no place, and a
 * raised limit granting at once.
 */
import { describe, expect, it } from 'vitest';
import { FairQueue, type Leave, type QueueRefusal } from '../../../../../electron/core/proxy/upstream/fair-queue.js';

function queue(limit: number, maxQueued = 1000, maxWaitMs = 60_000) {
  return new FairQueue({ limit, maxQueued, maxWaitMs });
}

/** Queues a call and records the order in which calls are granted. */
function waiter(q: FairQueue, attendee: string, granted: string[], label = attendee, signal?: AbortSignal) {
  const entered = q.enter(attendee, signal);
  if (!(entered instanceof Promise)) throw new Error('expected to wait');
  const held: { leave?: Leave; refused?: QueueRefusal | 'aborted' } = {};
  const done = entered.then(
    (leave) => {
      granted.push(label);
      held.leave = leave;
    },
    (why) => {
      held.refused = why;
    },
  );
  return { held, done };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('fair queue', () => {
  it('grants at once while there is room, and a leave frees the place once', () => {
    const q = queue(2);
    const a = q.enter('a') as Leave;
    const b = q.enter('a') as Leave;
    expect(typeof a).toBe('function');
    expect(q.inFlight).toBe(2);
    expect(q.hasRoom).toBe(false);
    a();
    a();
    expect(q.inFlight).toBe(1);
    b();
    expect(q.inFlight).toBe(0);
  });

  it("serves attendees in turn: a heavy attendee's 50 calls delay a single call by one turn at most", async () => {
    const q = queue(1);
    const first = q.enter('heavy') as Leave;
    const granted: string[] = [];
    const heavy = Array.from({ length: 50 }, (_, i) => waiter(q, 'heavy', granted, `h${i}`));
    const light = waiter(q, 'light', granted, 'light');
    first();
    await tick();
    expect(granted).toEqual(['h0']);
    heavy[0]?.held.leave?.();
    await tick();
    expect(granted).toEqual(['h0', 'light']);
    light.held.leave?.();
    await tick();
    expect(granted.at(-1)).toBe('h1');
  });

  it('rotates over every attendee with calls waiting, one call per turn, in the order they arrived', async () => {
    const q = queue(1);
    const hold = q.enter('x') as Leave;
    const granted: string[] = [];
    const labels = ['a1', 'a2', 'a3', 'b1', 'c1', 'c2'];
    const calls = labels.map((label) => waiter(q, label[0] as string, granted, label));
    hold();
    // Each granted call finishes before the next place is given.
    for (let step = 0; step < labels.length; step++) {
      await tick();
      calls[labels.indexOf(granted[step] as string)]?.held.leave?.();
    }
    await Promise.all(calls.map((c) => c.done));
    expect(granted).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
    expect(q.queued).toBe(0);
  });

  it('a full queue turns away the longest line’s newest call for a newcomer, or the newcomer if theirs is longest', async () => {
    const q = queue(1, 4);
    const hold = q.enter('x') as Leave;
    const granted: string[] = [];
    const heavy = Array.from({ length: 4 }, (_, i) => waiter(q, 'heavy', granted, `h${i}`));
    const light = waiter(q, 'light', granted, 'light');
    await tick();
    expect(heavy[3]?.held.refused).toMatchObject({ reason: 'full' });
    expect(q.queued).toBe(4);
    // The heavy attendee's fifth call finds the queue full with theirs the longest line: refused at once.
    await expect(q.enter('heavy')).rejects.toMatchObject({ reason: 'full' });
    hold();
    await tick();
    expect(granted).toEqual(['h0']);
    heavy[0]?.held.leave?.();
    await tick();
    expect(granted).toEqual(['h0', 'light']);
    light.held.leave?.();
  });

  it('bounds the wait, and suggests how long to wait before trying again', async () => {
    const q = queue(1, 10, 50);
    const hold = q.enter('x') as Leave;
    const granted: string[] = [];
    const late = waiter(q, 'a', granted);
    await late.done;
    expect(late.held.refused).toMatchObject({ reason: 'timeout' });
    expect((late.held.refused as QueueRefusal).retryMs).toBeGreaterThanOrEqual(1000);
    expect(q.queued).toBe(0);
    hold();
    expect(q.inFlight).toBe(0);
  });

  it('a call whose client goes away leaves the queue and takes no place', async () => {
    const q = queue(1);
    const hold = q.enter('x') as Leave;
    const granted: string[] = [];
    const ac = new AbortController();
    const gone = waiter(q, 'a', granted, 'gone', ac.signal);
    const next = waiter(q, 'b', granted, 'next');
    ac.abort();
    await gone.done;
    expect(gone.held.refused).toBe('aborted');
    expect(q.queued).toBe(1);
    hold();
    await next.done;
    expect(granted).toEqual(['next']);
    await expect(q.enter('c', AbortSignal.abort())).rejects.toBe('aborted');
  });

  it('a raised limit lets waiting calls through at once', async () => {
    const q = queue(1);
    q.enter('x');
    const granted: string[] = [];
    const calls = [waiter(q, 'a', granted), waiter(q, 'b', granted)];
    q.setLimit(3);
    await Promise.all(calls.map((c) => c.done));
    expect(granted).toEqual(['a', 'b']);
    expect(q.inFlight).toBe(3);
  });
});
