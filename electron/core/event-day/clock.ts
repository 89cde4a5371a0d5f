/**
 * The machine's clock and time zone against the events'. Keys are
 * time-bound, so a laptop still on its home zone, or with a clock that is
 * plainly wrong, opens or closes the doors at the wrong hour. Offline there
 * is no time server to ask; what can be seen is a clock before this kit was
 * even built, and a zone whose offset differs from an event's at its time.
 */
import type { ClockFacts, KitEvent } from '../../../shared/types.js';
import { zoneOffsetMs } from '../../../shared/zoned-time.js';

/** A clock earlier than this is wrong: the kit did not exist yet. */
export const EARLIEST_PLAUSIBLE = Date.UTC(2025, 0, 1);

export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function clockFacts(
  events: readonly Pick<KitEvent, 'id' | 'name' | 'timeZone' | 'startsAt' | 'endsAt' | 'enabled'>[],
  now: number,
  timeZone = machineTimeZone(),
): ClockFacts {
  const minutes = (t: number, tz: string) => Math.round(zoneOffsetMs(t, tz) / 60_000);
  return {
    now: new Date(now).toISOString(),
    timeZone,
    offsetMinutes: minutes(now, timeZone),
    events: events
      .filter((e) => e.enabled && Date.parse(e.endsAt) > now)
      .map((e) => {
        // Compared when it matters: now for a live event, at its start for one still to come.
        const at = Math.max(now, Date.parse(e.startsAt));
        const offset = minutes(at, e.timeZone);
        return {
          eventId: e.id,
          name: e.name,
          timeZone: e.timeZone,
          offsetMinutes: offset,
          sameOffset: offset === minutes(at, timeZone),
        };
      }),
  };
}

export function utcOffsetLabel(minutes: number): string {
  const sign = minutes < 0 ? '−' : '+';
  const m = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
