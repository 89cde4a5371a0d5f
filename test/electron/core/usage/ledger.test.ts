/** The usage ledger's bookkeeping: per attendee, deployment and day, totals for the caps, and what a restart reads back. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileSecretBox } from '../../../../electron/core/store/secret-box.js';
import { KitStore } from '../../../../electron/core/store/store.js';
import { UsageLedger } from '../../../../electron/core/usage/ledger.js';

async function openStore() {
  const dir = await mkdtemp(join(tmpdir(), 'kit-ledger-'));
  const box = await fileSecretBox(dir);
  return { dir, box, store: await KitStore.open(dir, box) };
}

const tokens = (prompt: number, completion: number) => ({
  promptTokens: prompt,
  completionTokens: completion,
  totalTokens: prompt + completion,
});

describe('UsageLedger', () => {
  it('counts per deployment, totals per attendee and day, and keeps attendees and days apart', async () => {
    const { store } = await openStore();
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
    const gpt = store.data.usage.find(
      (c) => c.attendeeId === 'att_a' && c.deployment === 'gpt' && c.day === '2026-06-01',
    );
    expect(gpt).toMatchObject({ eventId: 'evt', requests: 2, promptTokens: 10, completionTokens: 5, totalTokens: 15 });
    const embed = store.data.usage.find((c) => c.deployment === 'embed');
    expect(embed).toMatchObject({ requests: 1, totalTokens: 7, errors: 1 });
    // One counter per attendee, deployment and day, however many calls.
    expect(store.data.usage).toHaveLength(4);
    await ledger.close();
  });

  it('reads its totals back from the store after a restart', async () => {
    const { dir, box, store } = await openStore();
    const ledger = new UsageLedger(store, 60_000);
    ledger.countRequest(ledger.slot('evt', 'att_a', 'gpt', '2026-06-01'));
    ledger.countRequest(ledger.slot('evt', 'att_a', 'embed', '2026-06-01'));
    ledger.countTokens(ledger.slot('evt', 'att_a', 'gpt', '2026-06-01'), tokens(3, 4));
    await ledger.close();

    const reopened = new UsageLedger(await KitStore.open(dir, box), 60_000);
    expect(reopened.totals('evt', 'att_a', '2026-06-01')).toEqual({ requests: 2, totalTokens: 7 });
    reopened.countRequest(reopened.slot('evt', 'att_a', 'gpt', '2026-06-01'));
    expect(reopened.totals('evt', 'att_a', '2026-06-01')).toEqual({ requests: 3, totalTokens: 7 });
  });

  it('follows the store when another writer replaces the usage collection (an event removed)', async () => {
    const { store } = await openStore();
    const ledger = new UsageLedger(store, 60_000);
    ledger.countRequest(ledger.slot('gone', 'att_x', 'gpt', '2026-06-01'));
    ledger.countRequest(ledger.slot('kept', 'att_y', 'gpt', '2026-06-01'));
    await store.mutate((d) => {
      d.usage = d.usage.filter((c) => c.eventId !== 'gone');
    });
    expect(ledger.totals('gone', 'att_x', '2026-06-01')).toEqual({ requests: 0, totalTokens: 0 });
    expect(ledger.totals('kept', 'att_y', '2026-06-01')).toEqual({ requests: 1, totalTokens: 0 });
    ledger.countRequest(ledger.slot('kept', 'att_y', 'gpt', '2026-06-01'));
    expect(store.data.usage).toEqual([expect.objectContaining({ attendeeId: 'att_y', requests: 2 })]);
    await ledger.close();
  });
});
