/**
 * Store records → what the admin API shows. Secrets are replaced by a mask
 * here, the single exit for resource records.
 */
import type { AttendeeView, EventView, ResourceView } from '../../../shared/contract.js';
import { SECRET_MASK } from '../../../shared/schemas.js';
import type { KitEvent, Resource, ResourceAuth, UsageRow } from '../../../shared/types.js';
import type { StoredAttendee } from '../store/schema.js';
import { secretUnreadable } from '../store/sealed-adapter.js';

export function maskAuth(auth: ResourceAuth): ResourceAuth {
  switch (auth.type) {
    case 'api-key':
      return { type: 'api-key', key: SECRET_MASK };
    case 'bearer':
      return { type: 'bearer', token: SECRET_MASK };
    case 'entra':
      return auth.clientSecret ? { ...auth, clientSecret: SECRET_MASK } : { ...auth };
    default:
      return auth;
  }
}

/** A masked secret sent back unchanged means "keep the stored one". */
export function mergeAuth(stored: ResourceAuth, incoming: ResourceAuth): ResourceAuth {
  if (incoming.type !== stored.type) return incoming;
  if (incoming.type === 'api-key' && stored.type === 'api-key' && incoming.key === SECRET_MASK) return stored;
  if (incoming.type === 'bearer' && stored.type === 'bearer' && incoming.token === SECRET_MASK) return stored;
  if (incoming.type === 'entra' && stored.type === 'entra' && incoming.clientSecret === SECRET_MASK) {
    return { ...incoming, clientSecret: stored.clientSecret };
  }
  return incoming;
}

/** A secret that could not be opened at start is masked like any other, and flagged: it must be entered again. */
export const resourceView = (r: Resource): ResourceView => ({
  ...r,
  auth: maskAuth(r.auth),
  ...(secretUnreadable(r) ? { secretUnreadable: true } : {}),
});

export function eventView(e: KitEvent, joinBase: string, attendeeCount: number, now: number): EventView {
  const { joinPassword, ...rest } = e;
  return {
    ...rest,
    ...(joinPassword ? { joinPassword } : {}),
    joinUrl: `${joinBase}/join/${e.code}`,
    attendeeCount,
    live: !e.archivedAt && e.enabled && now >= Date.parse(e.startsAt) && now < Date.parse(e.endsAt),
  };
}

/** An attendee with their usage today (from the ledger), without the key and device hashes. */
export function attendeeView(a: StoredAttendee, today: UsageRow): AttendeeView {
  const { keyHash: _hash, deviceHash: _device, ...rest } = a;
  return { ...rest, requestsToday: today.requests, tokensToday: today.totalTokens };
}
