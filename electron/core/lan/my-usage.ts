/**
 * "My usage today" for the join page: `GET /join/<code>/usage` with the
 * attendee's own key (api-key or Bearer) answers the requests made and left
 * and the tokens used today, the day counted in the event's time zone as the
 * daily cap counts it. It reads the ledger's in-memory counters only (a
 * shared-code key seen for the first time is registered, as on its first
 * call, which is how the join page's shared-code form signs up); it works before
 * the event starts too (an early registrant sees "0 of N"), so it checks the
 * key and revocation but not the event window.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { dayIn, nextMidnight } from '../../../shared/zoned-time.js';
import { presentedKey } from '../auth/attendee-auth.js';
import { KitError } from '../errors.js';
import { hashKey, sameHash } from '../registration/keys.js';
import { signUpWithSharedCode } from '../registration/shared-code.js';
import type { StoreDriver } from '../store/store-driver.js';
import type { UsageLedger } from '../usage/ledger.js';

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

export async function myUsage(
  store: StoreDriver,
  ledger: UsageLedger,
  code: string,
  headers: IncomingHttpHeaders,
  now: number,
): Promise<MyUsage> {
  const key = presentedKey(headers);
  if (!key) throw new KitError('missing_api_key', 'Send your key in the "api-key" header to read your usage.');
  const hash = hashKey(key);
  const attendee = store.attendeeByKeyHash(hash) ?? (await signUpWithSharedCode(store, key, hash, now));
  const event = store.eventByCode(code);
  if (!attendee || !sameHash(hash, attendee.keyHash) || !event || attendee.eventId !== event.id) {
    throw new KitError('invalid_api_key', 'This key is not a key of this event.');
  }
  if (event.archivedAt) throw new KitError('registration_closed', 'This event is over: the organizer has archived it.');
  const day = dayIn(now, event.timeZone);
  const totals = ledger.attendeeDay(attendee.id, day);
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
