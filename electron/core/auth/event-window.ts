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
