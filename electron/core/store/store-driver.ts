/**
 * The store contract: what the rest of the kit may ask of the event store,
 * and what every driver of it promises. One driver is one JSON file
 * (`json-store.ts`), the default; the other a PostgreSQL database that
 * several kit instances share (`postgres/pg-store.ts`).
 *
 * What a driver promises:
 * - **Acknowledged means durable.** A write's promise resolves only once the
 *   change would survive a kill -9 or a power cut (for the JSON file: every
 *   byte written, fsynced, renamed, the directory fsynced; for a database: a
 *   committed transaction).
 * - **Failure means nothing changed, memory included.** A write that cannot
 *   be made durable rejects with `KitError('store_unavailable')`, and the
 *   driver's cache no longer holds it (nor anything that depended on it), so
 *   no reader ever sees what the disk does not hold.
 * - **Reads are synchronous and free of I/O**, from an in-memory cache the
 *   driver keeps current (a database driver would refresh it from change
 *   notifications). The proxy looks a key up on every request: that must stay
 *   a map lookup. Everything read is frozen: nobody mutates a record in place
 *   or pushes into a list; every change is one of the operations below.
 * - **Operations are whole**: an operation either happens entirely or not at
 *   all (a database runs it as one transaction), including the rules it
 *   checks against the current data (an event's capacity, a device that
 *   registered before), so two concurrent registrations cannot both take the
 *   last seat, even from two kit instances.
 * - **Usage is written as increments**, never as whole counters, so several
 *   writers (or a retried flush after a failure) add up instead of
 *   overwriting each other; ownership records are added and removed one by
 *   one, never by rewriting the collection.
 */
import type { AttendeeLimitName, KitEvent, Resource, StoreStatus } from '../../../shared/types.js';
import type { OwnedObject, StoreData, StoredAttendee, UsageCounter } from './schema.js';

/**
 * What one flush adds to one counter (attendee, deployment, event-local day); counts may be negative.
 * `firstCallAt`/`lastCallAt`, when present, are merged as the earliest and the latest of the stored
 * value and this one (`LEAST`/`GREATEST` in SQL), so increments apply in any order, and again after a retry.
 */
export type UsageDelta = UsageCounter;

/** Everything a store holds, as one value: what a backup carries and a restore puts back. */
export type StoreContents = Omit<StoreData, 'schemaVersion'>;

/** A new event made from an existing one: these fields are new, every other setting is the source's. */
export interface EventCopy {
  sourceId: string;
  id: string;
  name: string;
  code: string;
  startsAt: string;
  endsAt: string;
  createdAt: string;
}

/** Changes to one attendee's limit overrides: a number sets one, `null` clears it, a limit left out is kept. */
export type AttendeeLimitsPatch = Partial<Record<AttendeeLimitName, number | null>>;

/** A registration: a new attendee record, and the rules under which it may join. */
export interface JoinRequest {
  /** The attendee to add (id, key hash and hint, device hash, name, times). */
  attendee: StoredAttendee;
  /** The seats the event holds; undefined for no limit. */
  capacity?: number;
}

/**
 * What became of a registration: `created` a new seat; `renewed` the device
 * (same `deviceHash`) already had a seat, which now has the new key (and
 * name, if one was given); `existing` an attendee with this very key already
 * exists (two first calls with one shared-code key); `full` no seat left;
 * `revoked` the device's seat was revoked.
 */
export type JoinOutcome =
  | { outcome: 'created' | 'renewed' | 'existing'; attendee: Readonly<StoredAttendee> }
  | { outcome: 'full' }
  | { outcome: 'revoked' };

export interface StoreDriver {
  // Reads, from the cache: synchronous, frozen.
  readonly resources: readonly Readonly<Resource>[];
  readonly events: readonly Readonly<KitEvent>[];
  readonly attendees: readonly Readonly<StoredAttendee>[];
  readonly objects: readonly Readonly<OwnedObject>[];
  /** The usage counters as saved; the ledger reads them once at start, then writes increments. */
  readonly usage: readonly Readonly<UsageCounter>[];
  event(id: string): Readonly<KitEvent> | undefined;
  eventByCode(code: string): Readonly<KitEvent> | undefined;
  resource(id: string): Readonly<Resource> | undefined;
  attendee(id: string): Readonly<StoredAttendee> | undefined;
  attendeeByKeyHash(hash: string): Readonly<StoredAttendee> | undefined;
  attendeesOf(eventId: string): readonly Readonly<StoredAttendee>[];
  /** The event's enabled resources whose secrets the kit can use, in the event's order. */
  resourcesOf(event: Pick<KitEvent, 'resourceIds'>): Readonly<Resource>[];
  ownedObject(type: string, id: string): Readonly<OwnedObject> | undefined;
  /** Whether the store can save, and what it recovered at start. */
  status(): StoreStatus;
  /**
   * For a driver whose cache may trail other writers (several kit instances on one database): a key the
   * cache does not hold, looked up once in the store itself before the kit refuses it. Absent where the
   * cache is the whole truth (the JSON file).
   */
  findAttendeeByKeyHash?(hash: string): Promise<Readonly<StoredAttendee> | undefined>;
  /** The same for an event's code (a join page opened on one instance for an event made through another). */
  findEventByCode?(code: string): Promise<Readonly<KitEvent> | undefined>;
  /** The same for an ownership record: an object created through another instance a moment ago. */
  findOwnedObject?(type: string, id: string): Promise<Readonly<OwnedObject> | undefined>;

  // Writes: resolve once durable; reject with `store_unavailable` and change nothing.
  /** Creates or replaces (by id) a resource. */
  saveResource(resource: Resource): Promise<void>;
  /** Removes a resource and takes it out of every event that used it. */
  removeResource(id: string): Promise<void>;
  /** Creates or replaces (by id) an event; `conflict` when another event has its code. */
  saveEvent(event: KitEvent): Promise<void>;
  /** Removes an event with its attendees, their ownership records and their usage. */
  removeEvent(id: string): Promise<void>;
  /** Registers (or re-registers) one attendee under the event's rules. */
  joinEvent(request: JoinRequest): Promise<JoinOutcome>;
  /** Adds pre-issued attendees (printed key cards), all or none. */
  issueAttendees(attendees: StoredAttendee[]): Promise<void>;
  /** Revokes or restores a key; undefined when there is no such attendee. */
  setRevoked(attendeeId: string, revoked: boolean): Promise<Readonly<StoredAttendee> | undefined>;
  /**
   * Applies a patch to one attendee's limit overrides (read, merged and written as one change, so two
   * organizers' edits of different limits both land); undefined when there is no such attendee.
   */
  setAttendeeLimits(attendeeId: string, patch: AttendeeLimitsPatch): Promise<Readonly<StoredAttendee> | undefined>;
  /** Records upstream objects as their creators'; an object already recorded is left as it is. */
  recordObjects(objects: OwnedObject[]): Promise<void>;
  /** Forgets an object and the objects recorded under it (a thread's messages). */
  forgetObject(type: string, id: string): Promise<void>;
  /**
   * Adds usage increments and, in the same write, the ownership records that say whose tokens were
   * counted (`usageBooked`: a run's or a response's, counted once), so that the tokens are never kept
   * without their mark. Anything for an event that no longer exists is dropped.
   */
  addUsage(deltas: UsageDelta[], marks?: OwnedObject[]): Promise<void>;
  /**
   * Archives an event (`archivedAt`, an ISO instant) or brings it back (`null`); nothing else about it
   * changes (attendees, usage and ownership records stay). Undefined when there is no such event.
   */
  setArchived(eventId: string, archivedAt: string | null): Promise<Readonly<KitEvent> | undefined>;
  /**
   * Adds a copy of the source event: every setting of the source (resources, limits, budget, options)
   * under the copy's id, name, code and dates, not archived; no attendees, usage or ownership records.
   * The source is read in the same operation (one transaction), so the copy is of one version of it.
   * Rejects with `conflict` when another event has the code; undefined when the source does not exist.
   */
  duplicateEvent(copy: EventCopy): Promise<Readonly<KitEvent> | undefined>;
  /**
   * Everything the store holds as one consistent value (writes in progress settled first; a database
   * reads it in one transaction), for a backup. Secrets are in the clear: the caller seals them.
   */
  exportAll(): Promise<StoreContents>;
  /**
   * Replaces everything the store holds with `contents` (a restored backup), as one operation: when it
   * fails, the store holds what it held before, memory included. The JSON driver first keeps the store
   * it replaces beside its snapshots (and refuses when it cannot). Instances sharing a database must be
   * told to reload their caches; the usage ledger of this kit is reloaded by the caller. Resolves to where
   * the replaced store was kept (a path relative to the data dir), when the driver keeps one.
   */
  replaceAll(contents: StoreContents): Promise<{ previous?: string }>;
  /** Waits for writes in progress; the store takes no more writes after. */
  close(): Promise<void>;
}
