/**
 * Shared-code keys, as the Azure AI Proxy has them: when an event enables a
 * shared code, `<event>@<shared code>/<email or name>` is a key by itself, so
 * a room can start from one code on the projector with no registration step.
 * `<event>` is the event's code (or id). The first call with such a key
 * registers the attendee (named by the part after the slash, keyed by the
 * hash of the whole key, so revocation and usage work per person), and waits
 * until that is saved like any registration; later calls find it through the
 * usual hash index. Only the hash is stored, never the shared code as part
 * of an attendee.
 */
import { timingSafeEqual } from 'node:crypto';
import { KitError } from '../errors.js';
import { newId } from '../store/ids.js';
import type { StoredAttendee } from '../store/schema.js';
import type { StoreDriver } from '../store/store-driver.js';

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

/**
 * Registers the person a shared-code key stands for, or finds them if they are already in; undefined when
 * `key` is not a valid shared-code key of any event. Rejects with `event_full` or `store_unavailable`.
 */
export function signUpWithSharedCode(
  store: StoreDriver,
  key: string,
  hash: string,
  now: number,
): Promise<Readonly<StoredAttendee>> | undefined {
  const parsed = parseSharedCodeKey(key);
  if (!parsed) return undefined;
  const event = store.eventByCode(parsed.event) ?? store.event(parsed.event);
  // An archived event signs nobody up: its keys are dead.
  if (!event?.sharedCode || event.archivedAt || !sameSecret(parsed.code, event.sharedCode)) return undefined;
  const limit = event.capacity ?? SHARED_CODE_MAX_ATTENDEES;
  return store
    .joinEvent({
      attendee: {
        id: newId('att'),
        eventId: event.id,
        name: parsed.identity,
        keyHash: hash,
        keyHint: `${event.code}@…/${parsed.identity.slice(0, 40)}`,
        revoked: false,
        issued: false,
        createdAt: new Date(now).toISOString(),
      },
      capacity: limit,
    })
    .then((r) => {
      if (r.outcome === 'full' || r.outcome === 'revoked') {
        throw new KitError('event_full', `This event is full (${limit} attendees). Ask the organizer.`);
      }
      return r.attendee;
    });
}
