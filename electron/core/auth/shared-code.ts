/**
 * Shared-code keys, as the Azure AI Proxy has them: when an event enables a
 * shared code, `<event>@<shared code>/<email or name>` is a key by itself, so
 * a room can start from one code on the projector with no registration step.
 * `<event>` is the event's code (or id). The first call with such a key adds
 * the attendee (named by the part after the slash, keyed by the hash of the
 * whole key, so revocation and usage work per person); later calls find it
 * through the usual hash index. Only the hash is stored, never the shared
 * code as part of an attendee.
 */
import { timingSafeEqual } from 'node:crypto';
import { KitError } from '../errors.js';
import type { StoredAttendee } from '../store/schema.js';
import type { KitStore } from '../store/store.js';
import { newId } from './keys.js';

const pattern = /^([A-Za-z0-9_-]{1,100})@([A-Za-z0-9_.~-]{1,64})\/([^\s/]{1,120})$/;

/** Without a capacity, at most this many shared-code attendees per event: the store stays bounded. */
export const SHARED_CODE_MAX_ATTENDEES = 5000;

export function parseSharedCodeKey(key: string): { event: string; code: string; identity: string } | undefined {
  const m = pattern.exec(key);
  return m ? { event: m[1] as string, code: m[2] as string, identity: m[3] as string } : undefined;
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The attendee a shared-code key stands for, added on first use; undefined when it is not a valid one. */
export function sharedCodeAttendee(
  store: KitStore,
  key: string,
  hash: string,
  now: number,
): StoredAttendee | undefined {
  const parsed = parseSharedCodeKey(key);
  if (!parsed) return undefined;
  const event = store.eventByCode(parsed.event) ?? store.event(parsed.event);
  if (!event?.sharedCode || !sameSecret(parsed.code, event.sharedCode)) return undefined;
  const seats = store.attendeesOf(event.id).length;
  const limit = event.capacity ?? SHARED_CODE_MAX_ATTENDEES;
  if (seats >= limit) throw new KitError('event_full', `This event is full (${limit} attendees). Ask the organizer.`);
  const attendee: StoredAttendee = {
    id: newId('att'),
    eventId: event.id,
    name: parsed.identity,
    keyHash: hash,
    keyHint: `${event.code}@…/${parsed.identity.slice(0, 40)}`,
    revoked: false,
    issued: false,
    createdAt: new Date(now).toISOString(),
  };
  // `mutate` applies the change (and reindexes) at once, so this request and the next find the attendee;
  // the write to disk completes in the background, one write per new person, not per request.
  store
    .mutate((d) => {
      if (!d.attendees.some((a) => a.keyHash === hash)) d.attendees.push(attendee);
    })
    .catch((e: unknown) => console.error('[auth] could not save a shared-code attendee:', (e as Error).message));
  return store.attendeeByKeyHash(hash) ?? attendee;
}
