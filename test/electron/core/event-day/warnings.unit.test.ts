/** Warnings: one announcement per episode, updates without re-announcing, flapping is one episode. */
import { describe, expect, it } from 'vitest';
import { type Condition, WarningBoard } from '../../../../electron/core/event-day/warnings.js';

const disk: Condition = { key: 'disk-low', level: 'red', title: 'Disk', message: '80 MB free' };
const up: Condition = { key: 'upstream:r1', level: 'amber', title: 'Upstream', message: '502' };

describe('WarningBoard', () => {
  it('announces a condition once, keeps it while it holds, and ends it after it has been gone a while', () => {
    const b = new WarningBoard({ clearAfterMs: 60_000 });
    const first = b.update([disk], 0);
    expect(first).toHaveLength(1);
    const id = first[0]?.id;
    expect(b.update([{ ...disk, message: '60 MB free' }], 15_000)).toEqual([]);
    expect(b.active()).toMatchObject([{ id, message: '60 MB free' }]);
    // Gone for 30 s, back: the same episode, not a new announcement.
    expect(b.update([], 30_000)).toEqual([]);
    expect(b.active()).toEqual([]);
    expect(b.update([disk], 45_000)).toEqual([]);
    expect(b.active()[0]?.id).toBe(id);
    // Gone for a minute: over. Back later: a new episode, announced again.
    b.update([], 60_000);
    b.update([], 120_000);
    const again = b.update([disk], 130_000);
    expect(again).toHaveLength(1);
    expect(again[0]?.id).not.toBe(id);
  });

  it('a flapping condition stays one episode however often it flaps', () => {
    const b = new WarningBoard({ clearAfterMs: 60_000 });
    let announced = 0;
    for (let t = 0; t < 3600_000; t += 15_000) announced += b.update(t % 30_000 ? [] : [up], t).length;
    expect(announced).toBe(1);
  });

  it('lists red before amber', () => {
    const b = new WarningBoard();
    b.update([up, disk], 0);
    expect(b.active().map((w) => w.key)).toEqual(['disk-low', 'upstream:r1']);
    expect(b.isActive('disk-low')).toBe(true);
  });
});

describe('store conditions', () => {
  it('a failing store is one red warning that cannot be dismissed; what start-up recovered is one amber notice', async () => {
    const { storeConditions } = await import('../../../../electron/core/event-day/store-conditions.js');
    expect(storeConditions({ state: 'ok', message: '', since: '' })).toEqual([]);
    expect(
      storeConditions({
        state: 'failing',
        message: 'The kit cannot save: the disk is full.',
        since: '',
        cause: 'disk-full',
        action: 'Free some space on the disk.',
      }),
    ).toMatchObject([
      {
        key: 'store-unavailable',
        level: 'red',
        title: 'The kit cannot save: the disk is full.',
        message: /keep working\. Free some space on the disk\.$/,
        sticky: true,
      },
    ]);
    expect(
      storeConditions({
        state: 'ok',
        message: '',
        since: '',
        recoveredFrom: { snapshot: 'snapshots/store-0940.json', problem: 'not JSON', at: '2026-06-01T09:41:00.000Z' },
        notices: ['Started from the snapshot of 09:40.', 'Enter the Azure key again.'],
      }),
    ).toEqual([
      {
        key: 'store-notices',
        level: 'amber',
        title: 'The kit recovered its store at start.',
        message: '',
        details: ['Started from the snapshot of 09:40.', 'Enter the Azure key again.'],
      },
    ]);
  });
});
