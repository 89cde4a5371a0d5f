/**
 * Who is calling: reads the attendee key from `api-key` or `Authorization:
 * Bearer`, finds the attendee through the store's in-memory hash index, and
 * checks revocation and the event window. No I/O; it runs on every request.
 * The one exception is the first call with a shared-code key, which
 * registers its person and answers once that is saved (a promise).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { KitEvent } from '../../../shared/types.js';
import { KitError } from '../errors.js';
import { hashKey } from '../registration/keys.js';
import { signUpWithSharedCode } from '../registration/shared-code.js';
import type { StoredAttendee } from '../store/schema.js';
import type { StoreDriver } from '../store/store-driver.js';
import { assertEventOpen } from './event-window.js';

export interface Caller {
  attendee: Readonly<StoredAttendee>;
  event: Readonly<KitEvent>;
}

/** Node keeps only the first of repeated Authorization headers; a second one must not be ignored silently. */
function repeatedAuthorization(rawHeaders: string[] | undefined): boolean {
  if (!rawHeaders) return false;
  let seen = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length === 13 && name.toLowerCase() === 'authorization' && ++seen > 1) return true;
  }
  return false;
}

/**
 * The key the client presented, or undefined. Throws when two different keys are presented.
 * `rawHeaders` (the request's, as received) lets repeated Authorization headers fail closed too.
 */
export function presentedKey(headers: IncomingHttpHeaders, rawHeaders?: string[]): string | undefined {
  if (repeatedAuthorization(rawHeaders)) {
    throw new KitError('conflicting_api_keys', 'The request carries more than one Authorization header; send one key.');
  }
  // Node joins repeated api-key headers with ", ", which then matches no key: ambiguity fails closed.
  const raw = headers['api-key'];
  const apiKey = (Array.isArray(raw) ? raw.join(', ') : raw)?.trim() || undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  if (apiKey && bearer && apiKey !== bearer) {
    throw new KitError(
      'conflicting_api_keys',
      'The api-key header and the Authorization bearer token carry different keys; send one key.',
    );
  }
  return apiKey ?? bearer;
}

export function authenticate(
  store: StoreDriver,
  headers: IncomingHttpHeaders,
  now = Date.now(),
  rawHeaders?: string[],
): Caller | Promise<Caller> {
  const key = presentedKey(headers, rawHeaders);
  if (!key) {
    throw new KitError(
      'missing_api_key',
      'No API key: send your event key in the "api-key" header or as "Authorization: Bearer <key>".',
    );
  }
  return authenticateKey(store, key, now);
}

/** The caller behind a key the client presented (found by its hash), checked against revocation and the event window. */
export function authenticateKey(store: StoreDriver, key: string, now = Date.now()): Caller | Promise<Caller> {
  const hash = hashKey(key);
  const attendee = store.attendeeByKeyHash(hash);
  if (attendee) return admit(store, attendee, hash, now);
  const signUp = () => {
    const signingUp = signUpWithSharedCode(store, key, hash, now);
    if (signingUp) return signingUp.then((a) => admit(store, a, hash, now));
    throw unknownKey();
  };
  // Several instances on one database: a key registered elsewhere a moment ago may not be cached here yet.
  if (store.findAttendeeByKeyHash)
    return store.findAttendeeByKeyHash(hash).then((found) => (found ? admit(store, found, hash, now) : signUp()));
  return signUp();
}

const unknownKey = () =>
  new KitError('invalid_api_key', 'This API key is not known to this kit. Check it on your registration page.');

function admit(store: StoreDriver, attendee: Readonly<StoredAttendee>, hash: string, now: number): Caller {
  if (attendee.keyHash !== hash) throw unknownKey(); // the index's own promise, checked once more
  if (attendee.revoked) throw new KitError('key_revoked', 'This API key has been revoked by the organizer.');
  const event = store.event(attendee.eventId);
  if (!event) throw new KitError('invalid_api_key', 'The event of this API key no longer exists.');
  if (event.archivedAt) throw new KitError('event_ended', 'This event is over: the organizer has archived it.');
  assertEventOpen(event, now);
  return { attendee, event };
}
