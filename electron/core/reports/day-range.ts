/**
 * Calendar days as the reports walk them: `YYYY-MM-DD` strings in the
 * event's zone, stepped as calendar dates (a day is a date, whatever its
 * length in hours around a DST change), and the range an event covers.
 */
import type { KitEvent } from '../../../shared/types.js';
import { dayIn } from '../../../shared/zoned-time.js';
import { KitError } from '../errors.js';

/** The longest range one report walks (a term-long course fits; a typo of a year does not run away). */
export const MAX_REPORT_DAYS = 1000;

const asUtc = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = asUtc(from), end = asUtc(to); t <= end; t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** The event's own days: from its start's day to the day of its last instant, in its zone. */
export function eventDays(event: Pick<KitEvent, 'startsAt' | 'endsAt' | 'timeZone'>): { from: string; to: string } {
  const start = Date.parse(event.startsAt);
  const end = Math.max(start, Date.parse(event.endsAt) - 1);
  return { from: dayIn(start, event.timeZone), to: dayIn(end, event.timeZone) };
}

/** The range a report covers: what was asked, else the event's days widened to any day with usage. */
export function reportRange(
  event: Pick<KitEvent, 'startsAt' | 'endsAt' | 'timeZone'>,
  usedDays: Iterable<string>,
  asked: { from?: string; to?: string },
): { from: string; to: string; eventFrom: string; eventTo: string } {
  let { from: eventFrom, to: eventTo } = eventDays(event);
  for (const d of usedDays) {
    if (d < eventFrom) eventFrom = d;
    if (d > eventTo) eventTo = d;
  }
  const from = asked.from ?? eventFrom;
  const to = asked.to ?? eventTo;
  if (from > to) throw new KitError('invalid_input', `from: ${from} is after to (${to}).`);
  if ((asUtc(to) - asUtc(from)) / 86_400_000 + 1 > MAX_REPORT_DAYS) {
    throw new KitError('invalid_input', `from: a report covers at most ${MAX_REPORT_DAYS} days; pick a shorter range.`);
  }
  return { from, to, eventFrom, eventTo };
}
