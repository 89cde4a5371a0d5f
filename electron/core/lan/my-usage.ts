/**
 * "My usage today" for the join page: `GET /join/<code>/usage` with the
 * attendee's own key (api-key or Bearer) answers the requests made and left
 * and the tokens used today, the day counted in the event's time zone as the
 * daily cap counts it. It reads the in-memory counters only; it works before
 * the event starts too (an early registrant sees "0 of N"), so it checks the
 * key and revocation but not the event window.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { presentedKey } from '../auth/attendee-auth.js';
import { hashKey, sameHash } from '../auth/keys.js';
import { sharedCodeAttendee } from '../auth/shared-code.js';
import { dayIn, nextMidnight } from '../auth/time-window.js';
import { KitError } from '../errors.js';
import type { KitStore } from '../store/store.js';

export interface MyUsage {
  day: string;
  timeZone: string;
  requests: number;
  /** Null when the event sets no daily cap. */
  requestsLeft: number | null;
  dailyRequestCap: number;
  maxTokenCap: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  errors: number;
  resetsAt: string;
  revoked: boolean;
}

export function myUsage(store: KitStore, code: string, headers: IncomingHttpHeaders, now: number): MyUsage {
  const key = presentedKey(headers);
  if (!key) throw new KitError('missing_api_key', 'Send your key in the "api-key" header to read your usage.');
  const hash = hashKey(key);
  const attendee = store.attendeeByKeyHash(hash) ?? sharedCodeAttendee(store, key, hash, now);
  const event = store.eventByCode(code);
  if (!attendee || !sameHash(hash, attendee.keyHash) || !event || attendee.eventId !== event.id) {
    throw new KitError('invalid_api_key', 'This key is not a key of this event.');
  }
  const day = dayIn(now, event.timeZone);
  const totals = { requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, errors: 0 };
  for (const u of store.data.usage) {
    if (u.attendeeId !== attendee.id || u.day !== day) continue;
    totals.requests += u.requests;
    totals.promptTokens += u.promptTokens;
    totals.completionTokens += u.completionTokens;
    totals.totalTokens += u.totalTokens;
    totals.errors += u.errors;
  }
  return {
    day,
    timeZone: event.timeZone,
    ...totals,
    requestsLeft: event.dailyRequestCap ? Math.max(0, event.dailyRequestCap - totals.requests) : null,
    dailyRequestCap: event.dailyRequestCap,
    maxTokenCap: event.maxTokenCap,
    resetsAt: new Date(nextMidnight(now, event.timeZone)).toISOString(),
    revoked: attendee.revoked,
  };
}
