/**
 * What the pre-flight reads from the machine: battery facts from each OS's
 * own output, free disk against the store's needs (estimated from the
 * store's own record shapes), and the clock's zone against the events'.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clockFacts } from '../../../../electron/core/event-day/clock.js';
import {
  diskFacts,
  GrowthMeter,
  perAttendeeBytes,
  STORE_COPIES,
  SYSTEM_RESERVE_BYTES,
} from '../../../../electron/core/event-day/disk.js';
import { parsePmset, parseSysSupplies, parseWin32Battery } from '../../../../electron/core/event-day/power.js';
import type { KitEvent } from '../../../../shared/types.js';

describe('power readings', () => {
  it('Linux /sys/class/power_supply: mains online or not, battery level and state; mouse batteries ignored', () => {
    const ac = { type: 'Mains', online: '1' };
    const bat = { type: 'Battery', status: 'Discharging', capacity: '17' };
    expect(parseSysSupplies([{ ...ac, online: '0' }, bat])).toEqual({
      onBattery: true,
      level: 0.17,
      charging: false,
      source: '/sys/class/power_supply',
    });
    expect(parseSysSupplies([ac, { ...bat, status: 'Charging', capacity: '80' }])).toMatchObject({
      onBattery: false,
      level: 0.8,
      charging: true,
    });
    // A desktop or mini-PC: no battery at all, so mains.
    expect(parseSysSupplies([])).toMatchObject({ onBattery: false, level: null });
    expect(
      parseSysSupplies([{ type: 'Battery', scope: 'Device', capacity: '5', status: 'Discharging' }]),
    ).toMatchObject({
      onBattery: false,
      level: null,
    });
    // No mains entry: the battery's own state decides.
    expect(parseSysSupplies([bat]).onBattery).toBe(true);
  });

  it('macOS pmset -g batt', () => {
    const battery =
      "Now drawing from 'Battery Power'\n -InternalBattery-0 (id=4653155)\t18%; discharging; 0:41 remaining present: true\n";
    expect(parsePmset(battery)).toEqual({ onBattery: true, level: 0.18, charging: false, source: 'pmset' });
    const ac =
      "Now drawing from 'AC Power'\n -InternalBattery-0 (id=4653155)\t96%; charging; 0:20 remaining present: true\n";
    expect(parsePmset(ac)).toMatchObject({ onBattery: false, level: 0.96, charging: true });
    expect(parsePmset("Now drawing from 'AC Power'\n")).toMatchObject({ onBattery: false, level: null });
    expect(parsePmset('garbage')).toBeNull();
  });

  it('Windows Win32_Battery', () => {
    expect(parseWin32Battery('{"EstimatedChargeRemaining":15,"BatteryStatus":1}')).toMatchObject({
      onBattery: true,
      level: 0.15,
      charging: false,
    });
    expect(parseWin32Battery('[{"EstimatedChargeRemaining":90,"BatteryStatus":6}]')).toMatchObject({
      onBattery: false,
      level: 0.9,
      charging: true,
    });
    expect(parseWin32Battery('')).toMatchObject({ onBattery: false, level: null });
  });
});

describe('disk', () => {
  it('an attendee costs a few kilobytes in the store’s own format', () => {
    const per = perAttendeeBytes();
    expect(per).toBeGreaterThan(2_000);
    expect(per).toBeLessThan(50_000);
    expect(perAttendeeBytes(10)).toBeGreaterThan(per);
  });

  it('free space on the data dir’s file system against the store at capacity, times the copies it keeps', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kit-disk-'));
    try {
      await writeFile(join(dir, 'store.json'), 'x'.repeat(100_000));
      const d = await diskFacts({
        dataDir: dir,
        plannedAttendees: 500,
        registered: 100,
        growth: new GrowthMeter(),
        now: 0,
      });
      expect(d?.freeBytes).toBeGreaterThan(0);
      expect(d?.totalBytes).toBeGreaterThanOrEqual(d?.freeBytes ?? 0);
      expect(d?.storeBytes).toBe(100_000);
      const atCapacity = 100_000 + 400 * perAttendeeBytes();
      expect(d?.neededBytes).toBe(atCapacity * STORE_COPIES - 100_000);
      expect(d?.nextHourBytes).toBe(100_000 * (STORE_COPIES - 1) + SYSTEM_RESERVE_BYTES);
      expect(
        await diskFacts({
          dataDir: join(dir, 'nope'),
          plannedAttendees: 1,
          registered: 0,
          growth: new GrowthMeter(),
          now: 0,
        }),
      ).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the growth meter turns store sizes over time into bytes per hour', () => {
    const g = new GrowthMeter();
    g.add(0, 1000);
    expect(g.perHour()).toBe(0);
    for (let m = 1; m <= 30; m++) g.add(m * 60_000, 1000 + m * 500);
    expect(g.perHour()).toBeCloseTo(30_000, 0);
    g.add(30 * 60_000 + 10, 1); // within the minute: ignored
    expect(g.perHour()).toBeCloseTo(30_000, 0);
  });
});

describe('clock', () => {
  const ev = (timeZone: string, startsAt: string, endsAt: string) =>
    ({ id: 'e', name: 'Paris workshop', timeZone, startsAt, endsAt, enabled: true }) as KitEvent;
  it('compares the machine’s zone with each live or upcoming event’s, at the time that matters', () => {
    const now = Date.parse('2026-03-20T08:00:00Z');
    const paris = ev('Europe/Paris', '2026-03-20T08:00:00Z', '2026-03-20T16:00:00Z');
    expect(clockFacts([paris], now, 'Europe/Paris')).toMatchObject({
      timeZone: 'Europe/Paris',
      offsetMinutes: 60,
      events: [{ sameOffset: true, offsetMinutes: 60 }],
    });
    expect(clockFacts([paris], now, 'UTC').events[0]).toMatchObject({ sameOffset: false, offsetMinutes: 60 });
    // Berlin and Paris agree; London and Lisbon agree with each other, not with Paris.
    expect(clockFacts([paris], now, 'Europe/Berlin').events[0]?.sameOffset).toBe(true);
    // An event after the DST change is compared at its own start: Paris +2 then, London +1.
    const later = ev('Europe/Paris', '2026-04-02T08:00:00Z', '2026-04-02T16:00:00Z');
    expect(clockFacts([later], now, 'Europe/Paris').events[0]).toMatchObject({ offsetMinutes: 120, sameOffset: true });
    // Ended events are not compared.
    expect(clockFacts([ev('Asia/Tokyo', '2026-03-19T08:00:00Z', '2026-03-19T09:00:00Z')], now, 'UTC').events).toEqual(
      [],
    );
  });
});
