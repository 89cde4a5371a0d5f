/**
 * Pre-issued keys, for printed key cards: the organizer asks for N keys of
 * an event, the kit registers N attendees at once (all saved, or none) and
 * hands each key back exactly once, with a claim URL that carries the key in
 * its fragment (browsers never send a fragment to a server, nor to its logs).
 */
import type { IssuedKey, KitEvent } from '../../../shared/types.js';
import { newId } from '../store/ids.js';
import type { StoreDriver } from '../store/store-driver.js';
import { hashKey, keyHint, newApiKey } from './keys.js';

export async function issueKeys(
  store: StoreDriver,
  event: KitEvent,
  count: number,
  now: number,
  joinBase: string,
): Promise<IssuedKey[]> {
  const createdAt = new Date(now).toISOString();
  const keys = Array.from({ length: count }, () => ({ id: newId('att'), apiKey: newApiKey() }));
  await store.issueAttendees(
    keys.map((k) => ({
      id: k.id,
      eventId: event.id,
      keyHash: hashKey(k.apiKey),
      keyHint: keyHint(k.apiKey),
      revoked: false,
      issued: true,
      createdAt,
    })),
  );
  return keys.map((k) => ({
    attendeeId: k.id,
    apiKey: k.apiKey,
    claimUrl: `${joinBase}/join/${event.code}#key=${encodeURIComponent(k.apiKey)}`,
  }));
}
