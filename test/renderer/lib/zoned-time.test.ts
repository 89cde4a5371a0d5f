/** Venue wall-clock time ⇄ instants, across DST changes, with Intl only. */
import { describe, expect, it } from 'vitest';
import { fromZonedInput, offsetLabel, toZonedInput } from '../../../renderer/src/lib/zoned-time.js';

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
