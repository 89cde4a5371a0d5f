/**
 * Calendar rules for events: whether an instant is inside the event window,
 * and what "today" means in the event's IANA time zone (so a daily cap resets
 * at the venue's midnight, DST included).
 */
import { KitError } from '../errors.js';

export interface Windowed {
  enabled: boolean;
  startsAt: string;
  endsAt: string;
  timeZone: string;
}

export function describeInstant(iso: string, timeZone: string): string {
  const d = new Date(iso);
  const local = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(d);
  return `${local} ${timeZone} (${d.toISOString()})`;
}

/** Throws the error an attendee should see when the event is not open now. */
export function assertEventOpen(event: Windowed, now: number): void {
  if (!event.enabled) throw new KitError('event_disabled', 'This event has been disabled by the organizer.');
  const start = Date.parse(event.startsAt);
  const end = Date.parse(event.endsAt);
  if (now < start) {
    throw new KitError(
      'event_not_started',
      `The event has not started yet: keys work from ${describeInstant(event.startsAt, event.timeZone)} to ${describeInstant(event.endsAt, event.timeZone)}.`,
    );
  }
  if (now >= end) {
    throw new KitError('event_ended', `The event ended at ${describeInstant(event.endsAt, event.timeZone)}.`);
  }
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsIn(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(now: number, timeZone: string): WallClock {
  const out: Record<string, number> = {};
  for (const p of partsIn(timeZone).formatToParts(now)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out as unknown as WallClock;
}

/** `YYYY-MM-DD` of `now` on the wall clocks of `timeZone`. */
export function dayIn(now: number, timeZone: string): string {
  const w = wallClock(now, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** The UTC offset (ms) of `timeZone` at instant `t`. */
export function offsetAt(t: number, timeZone: string): number {
  const w = wallClock(t, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
}

/**
 * The instant the next local day starts after `now` in `timeZone`. Usually
 * local midnight; where DST skips midnight (Santiago, Havana) it is the
 * instant the clock jumps over it.
 */
export function nextMidnight(now: number, timeZone: string): number {
  const w = wallClock(now, timeZone);
  const today = dayIn(now, timeZone);
  const localMidnightAsUtc = Date.UTC(w.year, w.month - 1, w.day + 1);
  // Each guess uses the offset in force at the previous guess; around a DST change one of them is right.
  const g1 = localMidnightAsUtc - offsetAt(now, timeZone);
  const g2 = localMidnightAsUtc - offsetAt(g1, timeZone);
  const g3 = localMidnightAsUtc - offsetAt(g2, timeZone);
  const flipped = [g1, g2, g3].filter((g) => g > now && dayIn(g, timeZone) !== today);
  return flipped.length ? Math.min(...flipped) : now + 3_600_000;
}
