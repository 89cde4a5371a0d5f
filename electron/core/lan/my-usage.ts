/**
 * "My usage" for the join page: `GET /join/<code>/usage` with the
 * attendee's own key (api-key or Bearer) answers the requests made and left
 * and the tokens used today, the day counted in the event's time zone as the
 * daily cap counts it, and the whole event so far: a row per day and totals.
 * `GET /join/<code>/usage.csv` is the same numbers per day and deployment as
 * a CSV file (`shared/report-csv.ts`, dates ISO in the event's zone), so an
 * attendee leaves with their own record. It reads the ledger's in-memory counters only (a
 * shared-code key seen for the first time is registered, as on its first
 * call, which is how the join page's shared-code form signs up); it works before
 * the event starts too (an early registrant sees "0 of N"), so it checks the
 * key and revocation but not the event window.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type MyUsageRow, myUsageCsv } from '../../../shared/report-csv.js';
import type { KitEvent } from '../../../shared/types.js';
import { dayIn, nextMidnight } from '../../../shared/zoned-time.js';
import { presentedKey } from '../auth/attendee-auth.js';
import { KitError } from '../errors.js';
import { hashKey } from '../registration/keys.js';
import { signUpWithSharedCode } from '../registration/shared-code.js';
import type { StoredAttendee } from '../store/schema.js';
import type { StoreDriver } from '../store/store-driver.js';
import type { UsageLedger } from '../usage/ledger.js';

/** One day of the event (in its zone) with this attendee's calls, all deployments together. */
export interface MyDay {
  day: string;
  requests: number;
  totalTokens: number;
  errors: number;
}

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
  /** The whole event so far: each day with calls, oldest first, and the totals over them. */
  days: MyDay[];
  eventTotals: {
    requests: number;
    promptTokens: number;
    completionTokens: number;
    totalTokens: number;
    errors: number;
  };
}

interface Caller {
  attendee: StoredAttendee;
  event: KitEvent;
}

/** The attendee behind the key sent, in this event; refuses anyone else. */
async function callerOf(store: StoreDriver, code: string, headers: IncomingHttpHeaders, now: number): Promise<Caller> {
  const key = presentedKey(headers);
  if (!key) throw new KitError('missing_api_key', 'Send your key in the "api-key" header to read your usage.');
  const hash = hashKey(key);
  const attendee =
    store.attendeeByKeyHash(hash) ??
    (await store.findAttendeeByKeyHash?.(hash)) ??
    (await signUpWithSharedCode(store, key, hash, now));
  const event = store.eventByCode(code);
  if (!attendee || attendee.keyHash !== hash || !event || attendee.eventId !== event.id) {
    throw new KitError('invalid_api_key', 'This key is not a key of this event.');
  }
  if (event.archivedAt) throw new KitError('registration_closed', 'This event is over: the organizer has archived it.');
  return { attendee, event };
}

/** The attendee's counters over the whole event, per day and deployment, oldest first. */
function myRows(ledger: UsageLedger, caller: Caller): MyUsageRow[] {
  const iso = (ms: number) => (ms ? new Date(ms).toISOString() : null);
  return ledger
    .eventRows(caller.event.id)
    .filter((r) => r.attendeeId === caller.attendee.id && (r.requests || r.totalTokens || r.errors))
    .map((r) => ({
      day: r.day,
      deployment: r.deployment,
      requests: r.requests,
      promptTokens: r.promptTokens,
      completionTokens: r.completionTokens,
      totalTokens: r.totalTokens,
      errors: r.errors,
      firstCallAt: iso(r.firstAt),
      lastCallAt: iso(r.lastAt),
    }))
    .sort((a, b) => a.day.localeCompare(b.day) || a.deployment.localeCompare(b.deployment));
}

export async function myUsageCsvFile(
  store: StoreDriver,
  ledger: UsageLedger,
  code: string,
  headers: IncomingHttpHeaders,
  now: number,
): Promise<{ name: string; csv: string }> {
  const caller = await callerOf(store, code, headers, now);
  const safeCode = caller.event.code.replace(/[^A-Za-z0-9-]/g, '') || 'event';
  return { name: `${safeCode}-my-usage.csv`, csv: myUsageCsv(myRows(ledger, caller), caller.event.timeZone) };
}

export async function myUsage(
  store: StoreDriver,
  ledger: UsageLedger,
  code: string,
  headers: IncomingHttpHeaders,
  now: number,
): Promise<MyUsage> {
  const caller = await callerOf(store, code, headers, now);
  const { attendee, event } = caller;
  const byDay = new Map<string, MyDay>();
  const eventTotals = { requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, errors: 0 };
  for (const r of myRows(ledger, caller)) {
    const d = byDay.get(r.day) ?? { day: r.day, requests: 0, totalTokens: 0, errors: 0 };
    d.requests += r.requests;
    d.totalTokens += r.totalTokens;
    d.errors += r.errors;
    byDay.set(r.day, d);
    for (const f of ['requests', 'promptTokens', 'completionTokens', 'totalTokens', 'errors'] as const)
      eventTotals[f] += r[f];
  }
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
    days: [...byDay.values()],
    eventTotals,
  };
}
