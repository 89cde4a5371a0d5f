/**
 * The usage ledger's bookkeeping: per attendee, deployment and day, totals
 * for the caps, increments written to the store, what a restart reads back,
 * and counts that survive a store that cannot save.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KitError } from '../../../../electron/core/errors.js';
import { openStore } from '../../../../electron/core/store/open-store.js';
import { fileSecretBox } from '../../../../electron/core/store/secret-box.js';
import { UsageLedger } from '../../../../electron/core/usage/ledger.js';

async function openWithEvents(...ids: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'kit-ledger-'));
  const box = await fileSecretBox(dir);
  const store = await openStore(dir, box, { log: () => undefined });
  for (const id of ids) {
    await store.saveEvent({
      id,
      name: id,
      code: id,
      startsAt: '2026-06-01T00:00:00Z',
      endsAt: '2026-06-03T00:00:00Z',
      timeZone: 'UTC',
      dailyRequestCap: 0,
      maxTokenCap: 0,
      resourceIds: [],
      enabled: true,
      createdAt: '',
    });
  }
  return { dir, box, store };
}

const tokens = (prompt: number, completion: number) => ({
  promptTokens: prompt,
  completionTokens: completion,
  totalTokens: prompt + completion,
});

describe('UsageLedger', () => {
  it('does not write back a run or response deleted before the flush that carries its mark', async () => {
    const { store } = await openWithEvents('evt');
    const ledger = new UsageLedger(store, 60_000);
    const record = (id: string, parentId?: string) => ({
      id,
      type: 'run' as const,
      attendeeId: 'att_a',
      eventId: 'evt',
      resourceId: 'res',
      createdAt: '2026-06-01T10:00:00Z',
      usageBooked: true,
      ...(parentId ? { parentId } : {}),
    });
    ledger.countTokens(ledger.slot('evt', 'att_a', 'gpt', '2026-06-01'), tokens(3, 4));
    ledger.mark(record('run_kept'));
    ledger.mark(record('run_gone'));
    ledger.mark(record('run_under', 'thread_gone'));
    ledger.unmark('run', 'run_gone');
    ledger.unmark('thread', 'thread_gone');
    await ledger.flush();
    expect(store.objects.map((o) => o.id)).toEqual(['run_kept']);
    await ledger.close();
  });

  it('counts per deployment, totals per attendee and day, and keeps attendees and days apart', async () => {
    const { store } = await openWithEvents('evt');
    const ledger = new UsageLedger(store, 60_000);
    const a = ledger.slot('evt', 'att_a', 'gpt', '2026-06-01');
    ledger.countRequest(a);
    ledger.countRequest(a);
    ledger.countTokens(a, tokens(10, 5));
    ledger.countRequest(ledger.slot('evt', 'att_a', 'embed', '2026-06-01'));
    ledger.countTokens(ledger.slot('evt', 'att_a', 'embed', '2026-06-01'), tokens(7, 0));
    ledger.countError(ledger.slot('evt', 'att_a', 'embed', '2026-06-01'));
    ledger.countRequest(ledger.slot('evt', 'att_b', 'gpt', '2026-06-01'));
    ledger.countRequest(ledger.slot('evt', 'att_a', 'gpt', '2026-06-02'));
    ledger.uncountRequest(ledger.slot('evt', 'att_a', 'gpt', '2026-06-02'));

    expect(ledger.totals('evt', 'att_a', '2026-06-01')).toEqual({ requests: 3, totalTokens: 22 });
    expect(ledger.totals('evt', 'att_b', '2026-06-01')).toEqual({ requests: 1, totalTokens: 0 });
    expect(ledger.totals('evt', 'att_a', '2026-06-02')).toEqual({ requests: 0, totalTokens: 0 });
    expect(ledger.totals('evt', 'att_c', '2026-06-01')).toEqual({ requests: 0, totalTokens: 0 });
    expect(ledger.attendeeDay('att_a', '2026-06-01')).toEqual({
      requests: 3,
      promptTokens: 17,
      completionTokens: 5,
      totalTokens: 22,
      errors: 1,
    });
    const report = ledger.eventDay('evt', '2026-06-01');
    expect(report.byAttendee.get('att_b')).toMatchObject({ requests: 1 });
    expect(report.byDeployment.get('gpt')).toMatchObject({ requests: 3, totalTokens: 15 });
    expect(report.byDeployment.get('embed')).toMatchObject({ requests: 1, totalTokens: 7, errors: 1 });

    await ledger.flush();
    const gpt = store.usage.find((c) => c.attendeeId === 'att_a' && c.deployment === 'gpt' && c.day === '2026-06-01');
    expect(gpt).toMatchObject({ eventId: 'evt', requests: 2, promptTokens: 10, completionTokens: 5, totalTokens: 15 });
    // One row per attendee, deployment and day, however many calls; a day that nets to zero is not written.
    expect(store.usage).toHaveLength(3);
    await ledger.close();
  });

  it('writes increments, and reads its totals back from the store after a restart', async () => {
    const { dir, box, store } = await openWithEvents('evt');
    const ledger = new UsageLedger(store, 60_000);
    ledger.countRequest(ledger.slot('evt', 'att_a', 'gpt', '2026-06-01'));
    await ledger.flush();
    ledger.countRequest(ledger.slot('evt', 'att_a', 'embed', '2026-06-01'));
    ledger.countTokens(ledger.slot('evt', 'att_a', 'gpt', '2026-06-01'), tokens(3, 4));
    const seen: unknown[] = [];
    const addUsage = store.addUsage.bind(store);
    store.addUsage = (deltas) => {
      seen.push(...deltas);
      return addUsage(deltas);
    };
    await ledger.close();
    // The second flush carries only what changed since the first.
    expect(seen).toEqual([
      expect.objectContaining({ deployment: 'gpt', requests: 0, totalTokens: 7 }),
      expect.objectContaining({ deployment: 'embed', requests: 1, totalTokens: 0 }),
    ]);
    await store.close();

    const reopened = new UsageLedger(await openStore(dir, box, { log: () => undefined }), 60_000);
    expect(reopened.totals('evt', 'att_a', '2026-06-01')).toEqual({ requests: 2, totalTokens: 7 });
    reopened.countRequest(reopened.slot('evt', 'att_a', 'gpt', '2026-06-01'));
    expect(reopened.totals('evt', 'att_a', '2026-06-01')).toEqual({ requests: 3, totalTokens: 7 });
  });

  it('keeps what it counted when a flush cannot be saved, and saves it with the next one', async () => {
    const { store } = await openWithEvents('evt');
    const ledger = new UsageLedger(store, 60_000);
    const addUsage = store.addUsage.bind(store);
    let refuse = true;
    store.addUsage = (deltas) =>
      refuse ? Promise.reject(new KitError('store_unavailable', 'disk full')) : addUsage(deltas);
    const slot = ledger.slot('evt', 'att_a', 'gpt', '2026-06-01');
    ledger.countRequest(slot);
    await ledger.flush(); // refused: never throws, keeps the count
    expect(ledger.unsaved).toBe(true);
    ledger.countRequest(slot);
    expect(ledger.totals('evt', 'att_a', '2026-06-01').requests).toBe(2);
    refuse = false;
    await ledger.flush();
    expect(ledger.unsaved).toBe(false);
    expect(store.usage).toEqual([expect.objectContaining({ requests: 2 })]);
    await ledger.close();
  });

  it('drops the increments of an event removed meanwhile, and keeps the others', async () => {
    const { store } = await openWithEvents('gone', 'kept');
    const ledger = new UsageLedger(store, 60_000);
    ledger.countRequest(ledger.slot('gone', 'att_x', 'gpt', '2026-06-01'));
    ledger.countRequest(ledger.slot('kept', 'att_y', 'gpt', '2026-06-01'));
    await ledger.flush();
    await store.removeEvent('gone');
    ledger.countRequest(ledger.slot('gone', 'att_x', 'gpt', '2026-06-01'));
    ledger.countRequest(ledger.slot('kept', 'att_y', 'gpt', '2026-06-01'));
    await ledger.flush();
    expect(store.usage).toEqual([expect.objectContaining({ attendeeId: 'att_y', requests: 2 })]);
    await ledger.close();
  });

  it('saves the mark of a counted run in the same write as its tokens, or neither', async () => {
    const { store } = await openWithEvents('evt');
    const ledger = new UsageLedger(store, 60_000);
    const addUsage = store.addUsage.bind(store);
    let refuse = true;
    store.addUsage = (deltas, marks) =>
      refuse ? Promise.reject(new KitError('store_unavailable', 'disk full')) : addUsage(deltas, marks);
    const run = {
      id: 'run_1',
      type: 'run',
      attendeeId: 'att_a',
      eventId: 'evt',
      resourceId: 'res',
      createdAt: '',
      parentId: 'thread_1',
      usageBooked: true,
    };
    ledger.mark(run);
    ledger.countTokens(ledger.slot('evt', 'att_a', 'gpt', '2026-06-01'), tokens(5, 5));
    await ledger.flush();
    expect(ledger.isMarked('run', 'run_1')).toBe(true);
    expect(store.ownedObject('run', 'run_1')).toBeUndefined();
    expect(store.usage).toEqual([]);
    refuse = false;
    await ledger.flush();
    expect(ledger.isMarked('run', 'run_1')).toBe(false);
    expect(store.ownedObject('run', 'run_1')).toMatchObject({ usageBooked: true, parentId: 'thread_1' });
    expect(store.usage).toEqual([expect.objectContaining({ totalTokens: 10 })]);
    await ledger.close();
  });

  it('times the first and last call of each counter, saves them as earliest and latest, and reads them back', async () => {
    const { dir, box, store } = await openWithEvents('evt');
    let now = Date.parse('2026-06-01T09:00:00Z');
    const ledger = new UsageLedger(store, 60_000, () => now);
    const gpt = ledger.slot('evt', 'att_a', 'gpt', '2026-06-01');
    ledger.countRequest(gpt);
    now += 60_000;
    ledger.countRequest(gpt);
    // A call counted and taken back leaves no time on an otherwise empty counter.
    const none = ledger.slot('evt', 'att_a', 'embed', '2026-06-01');
    ledger.countRequest(none);
    ledger.uncountRequest(none);
    expect(ledger.eventRows('evt').find((r) => r.deployment === 'embed')).toMatchObject({ firstAt: 0, lastAt: 0 });
    await ledger.flush();
    expect(store.usage).toEqual([
      expect.objectContaining({ firstCallAt: '2026-06-01T09:00:00.000Z', lastCallAt: '2026-06-01T09:01:00.000Z' }),
    ]);
    // An increment from elsewhere (another writer, a retried flush) never moves them inward.
    await store.addUsage([
      {
        eventId: 'evt',
        attendeeId: 'att_a',
        deployment: 'gpt',
        day: '2026-06-01',
        requests: 1,
        promptTokens: 0,
        completionTokens: 0,
        totalTokens: 0,
        errors: 0,
        firstCallAt: '2026-06-01T09:00:30.000Z',
        lastCallAt: '2026-06-01T09:00:30.000Z',
      },
    ]);
    expect(store.usage[0]).toMatchObject({
      requests: 3,
      firstCallAt: '2026-06-01T09:00:00.000Z',
      lastCallAt: '2026-06-01T09:01:00.000Z',
    });
    now += 60_000;
    ledger.countRequest(gpt);
    await ledger.close();
    await store.close();
    const reopened = new UsageLedger(await openStore(dir, box, { log: () => undefined }), 60_000);
    expect(reopened.eventRows('evt')).toEqual([
      expect.objectContaining({
        requests: 4,
        firstAt: Date.parse('2026-06-01T09:00:00Z'),
        lastAt: Date.parse('2026-06-01T09:02:00Z'),
      }),
    ]);
  });

  it('reloads from the store after a restore replaced its counters, dropping what it held', async () => {
    const { store } = await openWithEvents('evt');
    const ledger = new UsageLedger(store, 60_000);
    ledger.countRequest(ledger.slot('evt', 'att_a', 'gpt', '2026-06-01'));
    const contents = await store.exportAll();
    await store.replaceAll({
      ...contents,
      usage: [
        {
          eventId: 'evt',
          attendeeId: 'att_b',
          deployment: 'gpt',
          day: '2026-06-02',
          requests: 5,
          promptTokens: 1,
          completionTokens: 2,
          totalTokens: 3,
          errors: 0,
        },
      ],
    });
    ledger.reload();
    expect(ledger.unsaved).toBe(false);
    expect(ledger.totals('evt', 'att_a', '2026-06-01').requests).toBe(0);
    expect(ledger.totals('evt', 'att_b', '2026-06-02')).toEqual({ requests: 5, totalTokens: 3 });
    await ledger.close();
    expect(store.usage).toHaveLength(1);
  });
});
