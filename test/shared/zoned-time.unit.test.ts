/** Venue wall-clock time ⇄ instants, across DST changes, with Intl only. */
import { describe, expect, it } from 'vitest';
import { dayIn, fromZonedInput, nextMidnight, offsetLabel, toZonedInput } from '../../shared/zoned-time.js';

describe('zoned time', () => {
  it('reads a wall time in the venue zone, not the laptop one', () => {
    expect(fromZonedInput('2026-07-01T09:00', 'Europe/Paris')).toBe('2026-07-01T07:00:00.000Z');
    expect(fromZonedInput('2026-01-15T09:00', 'Europe/Paris')).toBe('2026-01-15T08:00:00.000Z');
    expect(fromZonedInput('2026-01-15T09:00', 'America/Los_Angeles')).toBe('2026-01-15T17:00:00.000Z');
    expect(fromZonedInput('2026-01-15T09:00', 'Asia/Kolkata')).toBe('2026-01-15T03:30:00.000Z');
  });

  it('round-trips through the datetime-local format', () => {
    for (const tz of ['UTC', 'Europe/Paris', 'America/Santiago', 'Australia/Lord_Howe', 'Pacific/Chatham']) {
      for (const iso of ['2026-03-29T00:30:00.000Z', '2026-10-25T01:15:00.000Z', '2026-06-01T12:00:00.000Z']) {
        const local = toZonedInput(iso, tz);
        expect(toZonedInput(fromZonedInput(local, tz) as string, tz)).toBe(local);
      }
    }
  });

  it('puts a time skipped by DST just after the jump and takes the first of a repeated hour', () => {
    // Paris springs forward 02:00 → 03:00 on 2026-03-29 (01:00Z).
    expect(fromZonedInput('2026-03-29T02:30', 'Europe/Paris')).toBe('2026-03-29T01:30:00.000Z');
    // Paris falls back 03:00 → 02:00 on 2026-10-25: 02:30 happens at 00:30Z and at 01:30Z.
    expect(fromZonedInput('2026-10-25T02:30', 'Europe/Paris')).toBe('2026-10-25T00:30:00.000Z');
  });

  it('rejects what is not a datetime-local value and labels offsets', () => {
    expect(fromZonedInput('tomorrow', 'UTC')).toBeUndefined();
    expect(offsetLabel('Asia/Kolkata')).toBe('UTC+05:30');
    expect(offsetLabel('UTC')).toBe('UTC+00:00');
  });
});

describe('the day in the event time zone', () => {
  it('depends on the zone, not on the machine', () => {
    const t = Date.parse('2026-03-29T23:30:00Z');
    expect(dayIn(t, 'UTC')).toBe('2026-03-29');
    expect(dayIn(t, 'Europe/Paris')).toBe('2026-03-30');
    expect(dayIn(t, 'America/Los_Angeles')).toBe('2026-03-29');
    expect(dayIn(t, 'Asia/Tokyo')).toBe('2026-03-30');
  });

  it('next midnight on a 23-hour day (Paris, spring forward)', () => {
    // 2026-03-29 in Paris: 00:00 is +01:00, the next midnight is +02:00.
    expect(new Date(nextMidnight(Date.parse('2026-03-29T10:00:00Z'), 'Europe/Paris')).toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    );
    expect(new Date(nextMidnight(Date.parse('2026-03-28T10:00:00Z'), 'Europe/Paris')).toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
  });

  it('next midnight on a 25-hour day (New York, fall back)', () => {
    expect(new Date(nextMidnight(Date.parse('2026-11-01T12:00:00Z'), 'America/New_York')).toISOString()).toBe(
      '2026-11-02T05:00:00.000Z',
    );
  });

  it('the day flips exactly at nextMidnight, in zones whose DST shifts at midnight too', () => {
    const zones = [
      'Europe/Paris',
      'America/New_York',
      'America/Santiago',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
      'UTC',
    ];
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (const zone of zones) {
      for (let t = start; t < start + 366 * 86_400_000; t += 7 * 3_600_000 + 13 * 60_000) {
        const m = nextMidnight(t, zone);
        expect(m, `${zone} at ${new Date(t).toISOString()}`).toBeGreaterThan(t);
        expect(dayIn(m - 1000, zone)).toBe(dayIn(t, zone));
        expect(dayIn(m, zone)).not.toBe(dayIn(t, zone));
      }
    }
  });
});
