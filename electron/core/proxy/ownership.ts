/**
 * Who owns which upstream object. Every object an attendee creates through
 * the kit (assistant, thread, file, vector store, agent name, conversation,
 * response) is recorded in the store's `objects` collection, on disk before
 * the answer that reveals its id is sent, and indexed in memory so the check
 * on every request is one map lookup. Objects the kit never saw created are
 * nobody's; objects the organizer lists in a resource's `sharedObjects` are
 * everybody's to use and nobody's to delete.
 */
import type { Resource } from '../../../shared/types.js';
import { KitError } from '../errors.js';
import type { OwnedObject } from '../store/schema.js';
import type { KitStore } from '../store/store.js';
import type { ProxyCall } from './call.js';

export const objectTypes = [
  'assistant',
  'thread',
  'file',
  'vector_store',
  'agent',
  'conversation',
  'response',
  // Recorded only to remember that their tokens were counted (see `bookUsage`); reached through their thread.
  'run',
] as const;
export type ObjectType = (typeof objectTypes)[number];

/** The `object` field upstream puts on what it created → the type the kit records. */
const typeByObjectField: Record<string, ObjectType> = {
  assistant: 'assistant',
  thread: 'thread',
  file: 'file',
  vector_store: 'vector_store',
  agent: 'agent',
  'agent.version': 'agent',
  conversation: 'conversation',
  response: 'response',
};

export const typeOfObject = (object: unknown): ObjectType | undefined =>
  typeof object === 'string' ? typeByObjectField[object] : undefined;

export interface NewObject {
  type: ObjectType;
  id: string;
  resourceId: string;
  parentId?: string;
}

/** What a caller may do with an object they named. */
export interface Access {
  resource: Resource;
  /** True for an organizer-shared object: usable, never deletable. */
  shared: boolean;
}

const key = (type: string, id: string) => `${type}\u0000${id}`;

export class Ownership {
  readonly #store: KitStore;
  readonly #index = new Map<string, OwnedObject>();
  /** Agent names being created right now, so two attendees cannot both claim one. */
  readonly #pendingNames = new Map<string, string>();

  constructor(store: KitStore) {
    this.#store = store;
    for (const o of store.data.objects) this.#index.set(key(o.type, o.id), o);
  }

  get(type: ObjectType, id: string): OwnedObject | undefined {
    return this.#index.get(key(type, id));
  }

  /** The event resource that shares this id, if the organizer shared it. */
  sharedOn(call: ProxyCall, id: string): Resource | undefined {
    return call.deps.store.resourcesOf(call.caller.event).find((r) => r.sharedObjects?.includes(id));
  }

  /** The caller's own (or a shared) object, with the resource it lives on; anything else is `not_found`. */
  access(call: ProxyCall, type: ObjectType, id: string): Access {
    const o = this.get(type, id);
    if (o && o.attendeeId === call.caller.attendee.id) {
      const resource = call.deps.store.resource(o.resourceId);
      if (resource?.enabled) return { resource, shared: false };
      throw new KitError('not_found', `The ${label(type)} "${id}" lives on a resource that is no longer available.`);
    }
    const shared = this.sharedOn(call, id);
    if (shared) return { resource: shared, shared: true };
    throw notFound(type, id);
  }

  /** True when the caller may see this object in a list. */
  visible(call: ProxyCall, type: ObjectType, id: unknown): boolean {
    if (typeof id !== 'string') return false;
    const o = this.get(type, id);
    if (o) return o.attendeeId === call.caller.attendee.id;
    return this.sharedOn(call, id) !== undefined;
  }

  /**
   * Reserves an agent name for the caller until `release`, or throws
   * `name_taken`. The first attendee to create a name owns it.
   */
  claimName(call: ProxyCall, name: string): { release(): void; alreadyOwned: boolean } {
    const me = call.caller.attendee.id;
    const owned = this.get('agent', name);
    const pending = this.#pendingNames.get(name);
    if ((owned && owned.attendeeId !== me) || (pending && pending !== me) || this.sharedOn(call, name)) {
      throw new KitError('name_taken', `The agent name "${name}" is already taken. Pick another name.`);
    }
    if (owned) return { release: () => undefined, alreadyOwned: true };
    this.#pendingNames.set(name, me);
    return { release: () => this.#pendingNames.delete(name), alreadyOwned: false };
  }

  /** Records new objects as the caller's; resolves once they are on disk. */
  async record(call: ProxyCall, objects: NewObject[]): Promise<void> {
    const fresh = objects.filter((o) => !this.#index.has(key(o.type, o.id)));
    if (fresh.length === 0) return;
    const at = new Date(call.deps.now()).toISOString();
    for (const o of fresh) {
      const rec: OwnedObject = {
        id: o.id,
        type: o.type,
        attendeeId: call.caller.attendee.id,
        eventId: call.caller.event.id,
        resourceId: o.resourceId,
        createdAt: at,
        ...(o.parentId ? { parentId: o.parentId } : {}),
      };
      this.#index.set(key(o.type, o.id), rec);
      this.#store.data.objects.push(rec);
    }
    await this.#store.persist();
  }

  /**
   * Notes that a run's or response's tokens are being counted: true the
   * first time, false when they already were (a poll reading a finished run
   * again). A run gets a record here, under its thread. The mark is made in
   * memory and reaches the file with the next store write, at the latest the
   * usage ledger's batched flush: the same whole-file write that carries the
   * tokens it guards, so a restart can lose both (as it loses any count not
   * yet flushed) but never keep the tokens without the mark and count them
   * again.
   */
  bookUsage(call: ProxyCall, owner: { type: 'run' | 'response'; id: string; parentId?: string }, resourceId: string) {
    const known = this.get(owner.type, owner.id);
    if (known) {
      if (known.usageBooked) return false;
      known.usageBooked = true;
      return true;
    }
    const rec: OwnedObject = {
      id: owner.id,
      type: owner.type,
      attendeeId: call.caller.attendee.id,
      eventId: call.caller.event.id,
      resourceId,
      createdAt: new Date(call.deps.now()).toISOString(),
      ...(owner.parentId ? { parentId: owner.parentId } : {}),
      usageBooked: true,
    };
    this.#index.set(key(owner.type, owner.id), rec);
    this.#store.data.objects.push(rec);
    return true;
  }

  /** Forgets a deleted object (and what was recorded under it); resolves once on disk. */
  async forget(type: ObjectType, id: string): Promise<void> {
    const objects = this.#store.data.objects;
    let removed = false;
    for (let i = objects.length - 1; i >= 0; i--) {
      const o = objects[i] as OwnedObject;
      if ((o.type === type && o.id === id) || o.parentId === id) {
        this.#index.delete(key(o.type, o.id));
        objects.splice(i, 1);
        removed = true;
      }
    }
    if (removed) await this.#store.persist();
  }
}

const label = (type: ObjectType) => type.replace('_', ' ');

export const notFound = (type: ObjectType, id: string) =>
  new KitError('not_found', `No ${label(type)} "${id}" of yours was found.`);

const instances = new WeakMap<KitStore, Ownership>();

/** One ownership index per store, built from the store on first use. */
export function ownershipOf(store: KitStore): Ownership {
  let o = instances.get(store);
  if (!o) {
    o = new Ownership(store);
    instances.set(store, o);
  }
  return o;
}
