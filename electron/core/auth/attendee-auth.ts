/**
 * Who is calling: reads the attendee key from `api-key` or `Authorization:
 * Bearer`, finds the attendee through the store's in-memory hash index, and
 * checks revocation and the event window. No I/O; it runs on every request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { KitEvent } from '../../../shared/types.js';
import { KitError } from '../errors.js';
import type { StoredAttendee } from '../store/schema.js';
import type { KitStore } from '../store/store.js';
import { hashKey, sameHash } from './keys.js';
import { assertEventOpen } from './time-window.js';

export interface Caller {
  attendee: StoredAttendee;
  event: KitEvent;
}

/** The key the client presented, or undefined. Throws when two different keys are presented. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
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

export function authenticate(store: KitStore, headers: IncomingHttpHeaders, now = Date.now()): Caller {
  const key = presentedKey(headers);
  if (!key) {
    throw new KitError(
      'missing_api_key',
      'No API key: send your event key in the "api-key" header or as "Authorization: Bearer <key>".',
    );
  }
  const hash = hashKey(key);
  const attendee = store.attendeeByKeyHash(hash);
  if (!attendee || !sameHash(hash, attendee.keyHash)) {
    throw new KitError('invalid_api_key', 'This API key is not known to this kit. Check it on your registration page.');
  }
  if (attendee.revoked) throw new KitError('key_revoked', 'This API key has been revoked by the organizer.');
  const event = store.event(attendee.eventId);
  if (!event) throw new KitError('invalid_api_key', 'The event of this API key no longer exists.');
  assertEventOpen(event, now);
  return { attendee, event };
}
