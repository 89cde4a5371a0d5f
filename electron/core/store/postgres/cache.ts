/**
 * What the PostgreSQL driver reads from: every record in memory, frozen, with
 * the lookup maps the hot path needs (an attendee by key hash is one map
 * lookup, as in the JSON store). It changes only by `apply` (one record at a
 * revision: this instance's committed write, or a row re-read after another
 * instance's notification) and `load` (everything, at start and after a
 * reconnect or a restore).
 */
import type { KitEvent, Resource } from '../../../../shared/types.js';
import type { OwnedObject, StoredAttendee, UsageCounter } from '../schema.js';
import { secretUnreadable } from '../sealed-adapter.js';
import { usageKey } from '../usage-merge.js';
import { Collection } from './collection.js';
import type { Table } from './rows.js';

/** Everything read at one moment: what `load` replaces the cache with. */
export interface Snapshot {
  resources: [string, number, Readonly<Resource>][];
  events: [string, number, Readonly<KitEvent>][];
  attendees: [string, number, Readonly<StoredAttendee>][];
  objects: [string, number, Readonly<OwnedObject>][];
  usage: Readonly<UsageCounter>[];
}

export class PgCache {
  readonly attendeesByKeyHash = new Map<string, Readonly<StoredAttendee>>();
  #eventsByCode: Map<string, Readonly<KitEvent>> | undefined;
  #locked: Set<string> | undefined;
  readonly resources = new Collection<Readonly<Resource>>(() => {
    this.#locked = undefined;
  });
  readonly events = new Collection<Readonly<KitEvent>>(() => {
    this.#eventsByCode = undefined;
  });
  readonly attendees = new Collection<Readonly<StoredAttendee>>((old, next) => {
    if (old && this.attendeesByKeyHash.get(old.keyHash) === old) this.attendeesByKeyHash.delete(old.keyHash);
    if (next) this.attendeesByKeyHash.set(next.keyHash, next);
  });
  readonly objects = new Collection<Readonly<OwnedObject>>();
  readonly #usage = new Map<string, Readonly<UsageCounter>>();
  #usageList: readonly Readonly<UsageCounter>[] | undefined;

  /** The collection a notification's table names (the rows read from that table are its records). */
  collection(table: Table): Collection<unknown> {
    return this.#byTable(table) as unknown as Collection<unknown>;
  }

  #byTable(table: Table) {
    switch (table) {
      case 'kit_resources':
        return this.resources;
      case 'kit_events':
        return this.events;
      case 'kit_attendees':
        return this.attendees;
      case 'kit_objects':
        return this.objects;
    }
  }

  get eventsByCode(): Map<string, Readonly<KitEvent>> {
    this.#eventsByCode ??= new Map(this.events.list.map((e) => [e.code.toLowerCase(), e]));
    return this.#eventsByCode;
  }

  /** Resources whose secret did not open with this kit's key: never routed to. */
  get locked(): Set<string> {
    this.#locked ??= new Set(this.resources.list.filter(secretUnreadable).map((r) => r.id));
    return this.#locked;
  }

  get usage(): readonly Readonly<UsageCounter>[] {
    this.#usageList ??= Object.freeze([...this.#usage.values()]);
    return this.#usageList;
  }

  setUsage(rows: readonly Readonly<UsageCounter>[]): void {
    for (const u of rows) this.#usage.set(usageKey(u), u);
    if (rows.length) this.#usageList = undefined;
  }

  /** Drops the counters of an event that was removed. */
  dropUsageOf(eventId: string): void {
    for (const [k, u] of this.#usage) if (u.eventId === eventId) this.#usage.delete(k);
    this.#usageList = undefined;
  }

  load(s: Snapshot): void {
    this.resources.reset(s.resources);
    this.events.reset(s.events);
    this.attendees.reset(s.attendees);
    this.objects.reset(s.objects);
    this.#usage.clear();
    this.#usageList = undefined;
    this.setUsage(s.usage);
  }
}
