/**
 * Self-registration: a visitor of an event's join page becomes an attendee
 * with a fresh key. Attendees may register before the event starts (the key
 * works only inside the window); after the end the door is closed (410). The
 * new attendee is on disk before the answer leaves; a registration that
 * cannot be saved is refused with `store_unavailable` and leaves nothing
 * behind.
 *
 * Registration is idempotent per device: the browser carries a random device
 * token, only its hash is stored, and a second registration from the same
 * device keeps the same attendee (same seat, same usage) and hands out a
 * fresh key for it: the kit never keeps keys, so it cannot show the old one
 * again, and the old one stops working.
 */
import { timingSafeEqual } from 'node:crypto';
import type { KitEvent } from '../../../shared/types.js';
import { describeInstant } from '../../../shared/zoned-time.js';
import { KitError } from '../errors.js';
import { newId } from '../store/ids.js';
import type { StoreDriver } from '../store/store-driver.js';
import { hashKey, keyHint, newApiKey } from './keys.js';

export interface RegistrationAnswer {
  apiKey: string;
  /** False when this device had registered before and got a fresh key for the same seat. */
  created: boolean;
  name?: string;
  endpoint: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  deployments: Array<{ name: string; kind: string }>;
  dailyRequestCap: number;
  maxTokenCap: number;
}

const samePassword = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function eventDeployments(store: StoreDriver, event: KitEvent): Array<{ name: string; kind: string }> {
  const seen = new Map<string, string>();
  for (const r of store.resourcesOf(event)) if (!seen.has(r.deployment)) seen.set(r.deployment, r.kind);
  return [...seen].map(([name, kind]) => ({ name, kind }));
}

/** The event a join page shows: it exists and is enabled (an ended one still shows, saying so). */
export function visibleEvent(store: StoreDriver, code: string): KitEvent {
  const event = store.eventByCode(code);
  if (!event)
    throw new KitError('event_not_found', `There is no event with the code "${code}". Check the code on the screen.`);
  if (event.archivedAt) throw new KitError('registration_closed', 'This event is over: the organizer has archived it.');
  if (!event.enabled) throw new KitError('event_disabled', 'This event is not open for registration.');
  return event;
}

/** The event one can still register for. */
export function openEvent(store: StoreDriver, code: string, now: number): KitEvent {
  const event = visibleEvent(store, code);
  if (now >= Date.parse(event.endsAt)) {
    throw new KitError('registration_closed', `This event ended at ${describeInstant(event.endsAt, event.timeZone)}.`);
  }
  return event;
}

export async function register(
  store: StoreDriver,
  code: string,
  input: { name?: unknown; password?: unknown },
  endpoint: string,
  now: number,
  deviceToken?: string,
): Promise<RegistrationAnswer> {
  const event = openEvent(store, code, now);
  if (event.joinPassword && !samePassword(String(input.password ?? ''), event.joinPassword)) {
    throw new KitError(
      input.password ? 'wrong_password' : 'password_required',
      input.password
        ? 'The join password is not right. Ask the organizer for it.'
        : 'This event needs a join password. Ask the organizer for it.',
    );
  }
  const name = typeof input.name === 'string' ? input.name.trim().slice(0, 80) || undefined : undefined;
  const apiKey = newApiKey();
  const deviceHash = deviceToken ? hashKey(`device:${deviceToken}`) : undefined;
  // The seat rules (same device, capacity) are checked by the store with the write, so two
  // last-seat registrations cannot both get in.
  const seat = await store.joinEvent({
    attendee: {
      id: newId('att'),
      eventId: event.id,
      ...(name ? { name } : {}),
      keyHash: hashKey(apiKey),
      keyHint: keyHint(apiKey),
      revoked: false,
      issued: false,
      ...(deviceHash ? { deviceHash } : {}),
      createdAt: new Date(now).toISOString(),
    },
    capacity: event.capacity,
  });
  if (seat.outcome === 'revoked') throw new KitError('key_revoked', 'The organizer revoked the key of this device.');
  if (seat.outcome === 'full') {
    throw new KitError('event_full', `This event is full (${event.capacity} attendees). Ask the organizer.`);
  }
  return {
    apiKey,
    created: seat.outcome === 'created',
    ...(seat.attendee.name ? { name: seat.attendee.name } : {}),
    endpoint,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    timeZone: event.timeZone,
    deployments: eventDeployments(store, event),
    dailyRequestCap: event.dailyRequestCap,
    maxTokenCap: event.maxTokenCap,
  };
}
