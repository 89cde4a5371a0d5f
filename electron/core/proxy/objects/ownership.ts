/**
 * Who owns which upstream object. Every object an attendee creates through
 * the kit (assistant, thread, file, vector store, agent name, conversation,
 * response) is recorded in the store, on disk before the answer that reveals
 * its id is sent, and read back from the store's in-memory index so the check
 * on every request is one map lookup. Objects the kit never saw created are
 * nobody's; objects the organizer lists in a resource's `sharedObjects` are
 * everybody's to use and nobody's to delete. When the record cannot be saved
 * (a full disk), `record` rejects with `store_unavailable` and the caller
 * never sees the id (see `objects/object-calls.ts`). One instance per kit, built
 * by the composition root.
 */
import type { Resource } from '../../../../shared/types.js';
import type { Caller } from '../../auth/attendee-auth.js';
import { KitError } from '../../errors.js';
import type { OwnedObject } from '../../store/schema.js';
import type { StoreDriver } from '../../store/store-driver.js';
import type { UsageLedger } from '../../usage/ledger.js';

/** What ownership needs of a call (a `ProxyCall` is one): who calls, the store and the clock. */
type OwnerCall = { caller: Caller; deps: { store: StoreDriver; now: () => number } };

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

export class Ownership {
  readonly #store: StoreDriver;
  readonly #ledger: UsageLedger;
  /** Agent names being created right now, so two attendees cannot both claim one. */
  readonly #pendingNames = new Map<string, string>();

  constructor(store: StoreDriver, ledger: UsageLedger) {
    this.#store = store;
    this.#ledger = ledger;
  }

  get(type: ObjectType, id: string): Readonly<OwnedObject> | undefined {
    return this.#store.ownedObject(type, id);
  }

  /**
   * Where several instances share one database, an object this instance has not heard of yet (created
   * through another instance a moment ago) is looked up once before a check would call it nobody's.
   * Undefined (nothing to wait for) when it is known here, or when the store has no one else to hear from.
   */
  prefetch(type: ObjectType, id: string): Promise<unknown> | undefined {
    if (!this.#store.findOwnedObject || this.get(type, id)) return undefined;
    return this.#store.findOwnedObject(type, id);
  }

  /** Whether `prefetch` can look anything up (a store shared by several instances). */
  get looksUp(): boolean {
    return this.#store.findOwnedObject !== undefined;
  }

  /** `prefetch` for every object a request body names. */
  prefetchAll(refs: readonly { type: ObjectType; id: string }[]): Promise<unknown> | undefined {
    const waits = refs.map((r) => this.prefetch(r.type, r.id)).filter((p) => p !== undefined);
    return waits.length ? Promise.all(waits) : undefined;
  }

  /** The event resource that shares this id, if the organizer shared it. */
  sharedOn(call: OwnerCall, id: string): Resource | undefined {
    return call.deps.store.resourcesOf(call.caller.event).find((r) => r.sharedObjects?.includes(id));
  }

  /** The caller's own (or a shared) object, with the resource it lives on; anything else is `not_found`. */
  access(call: OwnerCall, type: ObjectType, id: string): Access {
    const o = this.get(type, id);
    if (o && o.attendeeId === call.caller.attendee.id) {
      // Enabled, and with a secret the kit can open (never send a sealed value upstream).
      const resource = call.deps.store.resourcesOf({ resourceIds: [o.resourceId] })[0];
      if (resource) return { resource, shared: false };
      throw new KitError('not_found', `The ${label(type)} "${id}" lives on a resource that is no longer available.`);
    }
    const shared = this.sharedOn(call, id);
    if (shared) return { resource: shared, shared: true };
    throw notFound(type, id);
  }

  /** True when the caller may see this object in a list. */
  visible(call: OwnerCall, type: ObjectType, id: unknown): boolean {
    if (typeof id !== 'string') return false;
    const o = this.get(type, id);
    if (o) return o.attendeeId === call.caller.attendee.id;
    return this.sharedOn(call, id) !== undefined;
  }

  /**
   * Reserves an agent name for the caller until `release`, or throws
   * `name_taken`. The first attendee to create a name owns it.
   */
  claimName(call: OwnerCall, name: string): { release(): void; alreadyOwned: boolean } {
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

  /** Records new objects as the caller's; resolves once they are on disk, rejects with `store_unavailable`. */
  record(call: OwnerCall, objects: NewObject[]): Promise<void> {
    const at = new Date(call.deps.now()).toISOString();
    return this.#store.recordObjects(
      objects.map((o) => ({
        id: o.id,
        type: o.type,
        attendeeId: call.caller.attendee.id,
        eventId: call.caller.event.id,
        resourceId: o.resourceId,
        createdAt: at,
        ...(o.parentId ? { parentId: o.parentId } : {}),
      })),
    );
  }

  /**
   * Notes that a run's or response's tokens are being counted: true the
   * first time, false when they already were (a poll reading a finished run
   * again). The mark (a record of the run, under its thread, or the
   * response's record, with `usageBooked`) goes to the usage ledger with the
   * tokens it guards, and reaches the store in the same write as they do: a
   * restart can lose both (as it loses any count not yet flushed) but never
   * keep the tokens without the mark and count them again.
   */
  bookUsage(call: OwnerCall, owner: { type: 'run' | 'response'; id: string; parentId?: string }, resourceId: string) {
    const known = this.get(owner.type, owner.id);
    if (known?.usageBooked || this.#ledger.isMarked(owner.type, owner.id)) return false;
    this.#ledger.mark(
      known
        ? { ...known, usageBooked: true }
        : {
            id: owner.id,
            type: owner.type,
            attendeeId: call.caller.attendee.id,
            eventId: call.caller.event.id,
            resourceId,
            createdAt: new Date(call.deps.now()).toISOString(),
            ...(owner.parentId ? { parentId: owner.parentId } : {}),
            usageBooked: true,
          },
    );
    return true;
  }

  /** Forgets a deleted object (and what was recorded under it); resolves once on disk. */
  forget(type: ObjectType, id: string): Promise<void> {
    this.#ledger.unmark(type, id);
    return this.#store.forgetObject(type, id);
  }
}

const label = (type: ObjectType) => type.replace('_', ' ');

export const notFound = (type: ObjectType, id: string) =>
  new KitError('not_found', `No ${label(type)} "${id}" of yours was found.`);
