import { describe, expect, it } from 'vitest';
import { assertEventOpen } from '../../../../electron/core/auth/event-window.js';
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
