import { describe, expect, it } from 'vitest';
import { assertEventOpen, dayIn, nextMidnight } from '../../../../electron/core/auth/time-window.js';
import type { KitError } from '../../../../electron/core/errors.js';

const event = {
  enabled: true,
  startsAt: '2026-06-01T08:00:00Z',
  endsAt: '2026-06-01T17:00:00Z',
  timeZone: 'Europe/Paris',
};
const codeOf = (f: () => void) => {
  try {
    f();
    return 'open';
  } catch (e) {
    return (e as KitError).code;
  }
};

describe('event window', () => {
  it('is open exactly in [startsAt, endsAt)', () => {
    expect(codeOf(() => assertEventOpen(event, Date.parse('2026-06-01T07:59:59Z')))).toBe('event_not_started');
    expect(codeOf(() => assertEventOpen(event, Date.parse('2026-06-01T08:00:00Z')))).toBe('open');
    expect(codeOf(() => assertEventOpen(event, Date.parse('2026-06-01T16:59:59Z')))).toBe('open');
    expect(codeOf(() => assertEventOpen(event, Date.parse('2026-06-01T17:00:00Z')))).toBe('event_ended');
  });
  it('a disabled event is closed whatever the time', () => {
    expect(codeOf(() => assertEventOpen({ ...event, enabled: false }, Date.parse('2026-06-01T12:00:00Z')))).toBe(
      'event_disabled',
    );
  });
  it('tells the attendee the times in the event zone', () => {
    try {
      assertEventOpen(event, Date.parse('2026-06-01T06:00:00Z'));
    } catch (e) {
      expect((e as Error).message).toContain('10:00'); // 08:00Z is 10:00 in Paris in June
      expect((e as Error).message).toContain('Europe/Paris');
    }
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
