/**
 * The JSON driver's lookup maps over its current value: events by id and by
 * code, resources by id (and those whose secret could not be opened), attendees
 * by id and by key hash (the per-request lookup), ownership records by type
 * and id. Rebuilt only for the lists a change replaced; a registration adds
 * its attendee instead of rebuilding the attendee maps.
 */
import type { KitEvent, Resource } from '../../../shared/types.js';
import type { OwnedObject, StoreData, StoredAttendee } from './schema.js';
import { secretUnreadable } from './sealed-adapter.js';

export const objectKey = (type: string, id: string) => `${type}\u0000${id}`;

export class StoreIndex {
  eventsById = new Map<string, KitEvent>();
  eventsByCode = new Map<string, KitEvent>();
  resourcesById = new Map<string, Resource>();
  /** Resources whose secret could not be opened at start: never routed to (looked up per request). */
  locked = new Set<string>();
  attendeesById = new Map<string, StoredAttendee>();
  attendeesByKeyHash = new Map<string, StoredAttendee>();
  objects = new Map<string, OwnedObject>();

  /** Everything, from `d`. */
  all(d: StoreData): void {
    this.#resources(d);
    this.#events(d);
    this.#attendees(d);
    this.#objects(d);
  }

  /** What changed from `prev` to `d`; `added` are the only attendees a registration added. */
  changed(prev: StoreData, d: StoreData, added: StoredAttendee[] | undefined): void {
    if (d.resources !== prev.resources) this.#resources(d);
    if (d.events !== prev.events) this.#events(d);
    if (d.objects !== prev.objects) this.#objects(d);
    if (d.attendees === prev.attendees) return;
    if (!added) {
      this.#attendees(d);
      return;
    }
    for (const a of added) {
      this.attendeesById.set(a.id, a);
      this.attendeesByKeyHash.set(a.keyHash, a);
    }
  }

  #resources(d: StoreData): void {
    this.resourcesById = new Map(d.resources.map((r) => [r.id, r]));
    this.locked = new Set(d.resources.filter(secretUnreadable).map((r) => r.id));
  }
  #events(d: StoreData): void {
    this.eventsById = new Map(d.events.map((e) => [e.id, e]));
    this.eventsByCode = new Map(d.events.map((e) => [e.code.toLowerCase(), e]));
  }
  #attendees(d: StoreData): void {
    this.attendeesById = new Map(d.attendees.map((a) => [a.id, a]));
    this.attendeesByKeyHash = new Map(d.attendees.map((a) => [a.keyHash, a]));
  }
  #objects(d: StoreData): void {
    this.objects = new Map(d.objects.map((o) => [objectKey(o.type, o.id), o]));
  }
}
