/**
 * Rows of the PostgreSQL schema ↔ the store's records. Records are kept
 * whole in `doc` (the shape the JSON store writes) and frozen on the way in;
 * resources' upstream secrets are sealed on the way to the database and
 * opened on the way back with the kit's secret key (every instance needs the
 * same key), a secret that does not open staying sealed, as in the JSON store.
 */
import type { KitEvent, Resource } from '../../../../shared/types.js';
import { deepFreeze } from '../deep-freeze.js';
import type { OwnedObject, StoredAttendee, UsageCounter } from '../schema.js';
import { openResourceSecrets, sealResourceSecrets } from '../sealed-adapter.js';
import type { SecretBox } from '../secret-box.js';

export type Table = 'kit_resources' | 'kit_events' | 'kit_attendees' | 'kit_objects';

export interface DocRow {
  id: string;
  rev: number;
  doc: unknown;
}
export interface ObjectRow extends DocRow {
  type: string;
}

export interface UsageRowDb {
  event_id: string;
  attendee_id: string;
  deployment: string;
  day: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  errors: number;
  first_call_at: Date | null;
  last_call_at: Date | null;
}

export const USAGE_COLUMNS =
  'event_id, attendee_id, deployment, day, requests, prompt_tokens, completion_tokens, total_tokens, errors, ' +
  'first_call_at, last_call_at';

export function usageOf(r: UsageRowDb): Readonly<UsageCounter> {
  return deepFreeze({
    eventId: r.event_id,
    attendeeId: r.attendee_id,
    deployment: r.deployment,
    day: r.day,
    requests: r.requests,
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    totalTokens: r.total_tokens,
    errors: r.errors,
    ...(r.first_call_at ? { firstCallAt: r.first_call_at.toISOString() } : {}),
    ...(r.last_call_at ? { lastCallAt: r.last_call_at.toISOString() } : {}),
  });
}

export const frozenDoc = <T>(doc: unknown): Readonly<T> => deepFreeze(doc as T);

export const resourceOf = (doc: unknown, box: SecretBox): Readonly<Resource> =>
  deepFreeze(openResourceSecrets(doc as Resource, box));

export const sealedDoc = (r: Resource, box: SecretBox): Resource => sealResourceSecrets(r, box);

/** The columns of an event row besides its doc. */
export const eventCodeKey = (e: Pick<KitEvent, 'code'>) => e.code.toLowerCase();

/** The JSON array an attendee batch is inserted from. */
export const attendeeParams = (list: readonly StoredAttendee[]) =>
  JSON.stringify(
    list.map((a) => ({
      id: a.id,
      event_id: a.eventId,
      key_hash: a.keyHash,
      device_hash: a.deviceHash ?? null,
      doc: a,
    })),
  );

export const objectParams = (list: readonly OwnedObject[]) =>
  JSON.stringify(
    list.map((o) => ({ type: o.type, id: o.id, event_id: o.eventId, parent_id: o.parentId ?? null, doc: o })),
  );
