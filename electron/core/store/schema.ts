/**
 * What the store file holds, its schema version, the migrations that bring
 * an older file up to date, and the check a file read at start must pass to
 * be trusted. A migration is a function from version N to N + 1; `migrate`
 * runs the missing ones in order. The check asks only for what the kit
 * relies on (ids, hashes, numbers where it counts) and lets other fields
 * through, so a field added later does not make an older kit call a good
 * file damaged.
 */
import { z } from 'zod';
import type { AttendeeLimits, KitEvent, Resource } from '../../../shared/types.js';

export interface StoredAttendee {
  id: string;
  eventId: string;
  name?: string;
  keyHash: string;
  keyHint: string;
  revoked: boolean;
  issued: boolean;
  /** Hash of the device token of the browser that registered, for idempotent re-registration. */
  deviceHash?: string;
  /** The organizer's overrides of the event's limits for this attendee. */
  limits?: AttendeeLimits;
  createdAt: string;
}

/** An upstream object an attendee created (agent, thread, file…), and where it lives. */
export interface OwnedObject {
  id: string;
  type: string;
  attendeeId: string;
  eventId: string;
  resourceId: string;
  createdAt: string;
  /** For sub-objects (a message of a thread): the parent's id. */
  parentId?: string;
  /** A run's or response's tokens were counted (once, however often it is read again). */
  usageBooked?: boolean;
}

/**
 * Usage per attendee per deployment per event-local day. The first and last call (ISO instants) are
 * kept as a minimum and a maximum, so increments from several writers merge in any order.
 */
export interface UsageCounter {
  eventId: string;
  attendeeId: string;
  deployment: string;
  day: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  errors: number;
  /** The earliest call counted here; absent for counters saved before the kit recorded it. */
  firstCallAt?: string;
  /** The latest call counted here. */
  lastCallAt?: string;
}

/** The store file's document. The store holds it frozen: lists are replaced, never changed in place. */
export interface StoreData {
  schemaVersion: number;
  resources: readonly Resource[];
  events: readonly KitEvent[];
  attendees: readonly StoredAttendee[];
  objects: readonly OwnedObject[];
  usage: readonly UsageCounter[];
}

export const SCHEMA_VERSION = 2;

export const emptyData = (): StoreData => ({
  schemaVersion: SCHEMA_VERSION,
  resources: [],
  events: [],
  attendees: [],
  objects: [],
  usage: [],
});

type Migration = (data: Record<string, unknown>) => void;

/** migrations[n] upgrades a file from version n to n + 1. Version 0 is a file with no version. */
const migrations: Migration[] = [
  (d) => {
    for (const k of ['resources', 'events', 'attendees', 'objects', 'usage']) d[k] ??= [];
  },
  // 1 → 2: usage counters gain `firstCallAt`/`lastCallAt`; resources `pricing`, events `costBudget` and
  // `archivedAt`, all optional. Counters saved before keep no times (their calls were not timed), so
  // nothing is made up here. The version goes up so that an older kit, which would rewrite counters
  // without their times, refuses the file instead.
  () => undefined,
];

export function migrate(raw: Record<string, unknown>): StoreData {
  let version = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 0;
  if (version > SCHEMA_VERSION) {
    throw new Error(`the store was written by a newer kit (schema ${version}; this kit reads up to ${SCHEMA_VERSION})`);
  }
  while (version < SCHEMA_VERSION) {
    migrations[version]?.(raw);
    version += 1;
  }
  raw.schemaVersion = SCHEMA_VERSION;
  return raw as unknown as StoreData;
}

const text = z.string();
const count = z.number().finite();
const record = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);

/** The shape a migrated store must have; anything else is a damaged file. */
const storeFileSchema = z.looseObject({
  schemaVersion: z.number().int(),
  resources: z.array(
    record({
      id: text,
      name: text,
      kind: text,
      endpoint: text,
      deployment: text,
      enabled: z.boolean(),
      auth: record({ type: z.enum(['api-key', 'entra', 'bearer', 'none']) }),
    }),
  ),
  events: z.array(
    record({
      id: text,
      code: text,
      name: text,
      startsAt: text,
      endsAt: text,
      timeZone: text,
      resourceIds: z.array(text),
      dailyRequestCap: count,
      maxTokenCap: count,
      enabled: z.boolean(),
    }),
  ),
  attendees: z.array(record({ id: text, eventId: text, keyHash: text, keyHint: text, revoked: z.boolean() })),
  objects: z.array(record({ id: text, type: text, attendeeId: text, eventId: text, resourceId: text })),
  usage: z.array(
    record({
      eventId: text,
      attendeeId: text,
      deployment: text,
      day: text,
      requests: count,
      promptTokens: count,
      completionTokens: count,
      totalTokens: count,
      errors: count,
      firstCallAt: text.optional(),
      lastCallAt: text.optional(),
    }),
  ),
});

/** Why a migrated store cannot be trusted, in one line, or undefined when it can. */
export function storeProblem(data: unknown): string | undefined {
  const r = storeFileSchema.safeParse(data);
  if (r.success) return undefined;
  const first = r.error.issues[0];
  return first ? `${first.path.join('.') || 'the file'}: ${first.message}` : 'it does not have the store’s shape';
}
