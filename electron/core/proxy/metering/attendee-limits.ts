/**
 * The limits that hold for one attendee: the organizer's override for that
 * attendee where one is set (the speaker's key, a team that needs more), else
 * the event's; 0 or absent means no limit. Read on every metered call, so it
 * is a couple of property reads, never an object built per call.
 */
import type { AttendeeLimitName, KitEvent } from '../../../../shared/types.js';
import type { StoredAttendee } from '../../store/schema.js';

type Limited = Pick<KitEvent, AttendeeLimitName>;

/** One limit for this attendee: their override, else the event's, else 0 (none). */
export function limitOf(event: Limited, attendee: Pick<StoredAttendee, 'limits'>, name: AttendeeLimitName): number {
  const own = attendee.limits?.[name];
  return own ?? event[name] ?? 0;
}

/** The per-minute limits of one attendee (0 = none), what the admission gate works with. */
export interface MinuteLimits {
  requestsPerMinute: number;
  tokensPerMinute: number;
  concurrentRequests: number;
}

/** The attendee's per-minute limits, or undefined when none applies (the common case: nothing to do per call). */
export function minuteLimitsOf(event: Limited, attendee: Pick<StoredAttendee, 'limits'>): MinuteLimits | undefined {
  const own = attendee.limits;
  if (
    !own &&
    !(event.requestsPerMinute || event.tokensPerMinute || event.concurrentRequests) // the hot path: no limits at all
  )
    return undefined;
  const requestsPerMinute = limitOf(event, attendee, 'requestsPerMinute');
  const tokensPerMinute = limitOf(event, attendee, 'tokensPerMinute');
  const concurrentRequests = limitOf(event, attendee, 'concurrentRequests');
  if (!requestsPerMinute && !tokensPerMinute && !concurrentRequests) return undefined;
  return { requestsPerMinute, tokensPerMinute, concurrentRequests };
}
