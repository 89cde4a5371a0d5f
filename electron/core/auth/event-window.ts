/**
 * Whether an instant is inside an event's window, and the error an attendee
 * sees when it is not (with the window on the venue's clock).
 */
import { describeInstant } from '../../../shared/zoned-time.js';
import { KitError } from '../errors.js';

export interface Windowed {
  enabled: boolean;
  startsAt: string;
  endsAt: string;
  timeZone: string;
}

/**
 * Each event's window as instants, parsed once per stored value: events are
 * frozen records, replaced whole when they change, so the object is the key.
 */
const instants = new WeakMap<Windowed, { start: number; end: number }>();

function windowOf(event: Windowed): { start: number; end: number } {
  let w = instants.get(event);
  if (!w) {
    w = { start: Date.parse(event.startsAt), end: Date.parse(event.endsAt) };
    if (Object.isFrozen(event)) instants.set(event, w);
  }
  return w;
}

/** Throws the error an attendee should see when the event is not open now. */
export function assertEventOpen(event: Windowed, now: number): void {
  if (!event.enabled) throw new KitError('event_disabled', 'This event has been disabled by the organizer.');
  const { start, end } = windowOf(event);
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
