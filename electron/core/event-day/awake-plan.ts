/**
 * When must this computer stay awake? Exactly while an enabled event is live
 * (now ∈ [startsAt, endsAt)). This is the decision only, as a pure function of
 * the events and a clock reading, so it is tested without timers or an OS:
 * which events are live, until when the machine must stay up (overlapping or
 * back-to-back events chain into one stretch), and when the answer next
 * changes (the next start or end), which is when the controller looks again.
 */
import type { KitEvent } from '../../../shared/types.js';

type Window = Pick<KitEvent, 'id' | 'name' | 'startsAt' | 'endsAt' | 'enabled'>;

export interface AwakePlan {
  /** The events live now. */
  live: Window[];
  /** The end of the stretch of live time that contains now (chained across overlapping events); null when none. */
  until: number | null;
  /** The next instant at which `live` changes (an enabled event starts or ends); null when nothing is ahead. */
  nextChangeAt: number | null;
  /** The start of the next event that is not live yet. */
  nextStart: number | null;
}

const span = (e: Window) => ({ start: Date.parse(e.startsAt), end: Date.parse(e.endsAt) });

export function awakePlan(events: readonly Window[], now: number): AwakePlan {
  const windows = events
    .filter((e) => e.enabled)
    .map((e) => ({ e, ...span(e) }))
    .filter((w) => Number.isFinite(w.start) && Number.isFinite(w.end) && w.end > w.start);
  const live = windows.filter((w) => w.start <= now && now < w.end);

  let until: number | null = null;
  if (live.length) {
    until = Math.max(...live.map((w) => w.end));
    // An event that starts before (or exactly when) the current stretch ends keeps the machine up with no gap.
    for (let grew = true; grew; ) {
      grew = false;
      for (const w of windows) {
        if (w.start <= (until as number) && w.end > (until as number)) {
          until = w.end;
          grew = true;
        }
      }
    }
  }

  let nextChangeAt: number | null = null;
  let nextStart: number | null = null;
  for (const w of windows) {
    for (const t of [w.start, w.end]) if (t > now && (nextChangeAt === null || t < nextChangeAt)) nextChangeAt = t;
    if (w.start > now && (nextStart === null || w.start < nextStart)) nextStart = w.start;
  }
  return { live: live.map((w) => w.e), until, nextChangeAt, nextStart };
}
