/**
 * The JSON file driver of the store contract (`store-driver.ts`): the whole
 * store held in memory as one immutable value (frozen records in frozen
 * lists) with map indexes for the hot path, and written to `store.json`
 * through lowdb and the durable writer.
 *
 * Every operation builds the next value, makes it current (so the next
 * operation sees it, and checks like an event's capacity count it), and joins
 * the next write. Writes are batched: while one is on its way to disk, every
 * change made meanwhile shares the next one. The value a write started from
 * is what lands; when a write fails, memory goes back to the last value that
 * landed, and every change not yet on disk (those in the failed write and
 * those queued behind it, which may depend on them) is refused with
 * `store_unavailable`: nothing half-kept, nothing acknowledged that is not
 * on disk.
 */
import { Low } from 'lowdb';
import type { KitEvent, Resource, StoreStatus } from '../../../shared/types.js';
import { KitError } from '../errors.js';
import { StoreWriteError } from './atomic-json-file.js';
import { deepFreeze } from './deep-freeze.js';
import { type OwnedObject, SCHEMA_VERSION, type StoreData, type StoredAttendee } from './schema.js';
import type { SealedJsonFile } from './sealed-adapter.js';
import type {
  AttendeeLimitsPatch,
  EventCopy,
  JoinOutcome,
  JoinRequest,
  StoreContents,
  StoreDriver,
  UsageDelta,
} from './store-driver.js';
import type { StoreHealth } from './store-health.js';
import { objectKey, StoreIndex } from './store-index.js';
import { mergeUsage } from './usage-merge.js';
import { storeUnavailable } from './write-failure.js';

export { deepFreeze };

const frozenList = <T>(items: T[]): readonly T[] => Object.freeze(items);

/** An attendee's overrides after a patch (null clears one), or undefined when none is left. */
export function mergeLimits(
  current: StoredAttendee['limits'],
  patch: AttendeeLimitsPatch,
): StoredAttendee['limits'] | undefined {
  const out: Record<string, number> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
}

export interface JsonStoreOptions {
  /** Called after each write that landed (rotating snapshots). */
  afterWrite?: () => void;
  /** Awaited by `close` after the last write (a snapshot in progress). */
  closing?: () => Promise<void>;
  /**
   * Keeps the store file as it is before `replaceAll` changes it (resolving to where, inside the data dir);
   * a rejection refuses the replace.
   */
  beforeReplace?: () => Promise<string | undefined>;
  /** Called once a `replaceAll` landed (a fresh snapshot of the new store). */
  afterReplace?: () => Promise<void>;
}

export class JsonStore implements StoreDriver {
  readonly #db: Low<StoreData>;
  readonly #file: SealedJsonFile;
  readonly #health: StoreHealth;
  readonly #afterWrite: (() => void) | undefined;
  readonly #closing: (() => Promise<void>) | undefined;
  readonly #beforeReplace: (() => Promise<string | undefined>) | undefined;
  readonly #afterReplace: (() => Promise<void>) | undefined;
  /** The last value that is on disk: what memory returns to when a write fails. */
  #durable: StoreData;
  #waiting: Waiter[] = [];
  #writing: Promise<void> | undefined;
  #closed = false;

  readonly #index = new StoreIndex();

  /** `data` is what was read (or an empty store) and is taken to be on disk already. */
  constructor(data: StoreData, file: SealedJsonFile, health: StoreHealth, opts: JsonStoreOptions = {}) {
    const frozen = deepFreeze(data);
    this.#file = file;
    this.#health = health;
    this.#afterWrite = opts.afterWrite;
    this.#closing = opts.closing;
    this.#beforeReplace = opts.beforeReplace;
    this.#afterReplace = opts.afterReplace;
    this.#db = new Low<StoreData>({ read: async () => frozen, write: (d) => this.#file.write(d) }, frozen);
    this.#durable = frozen;
    this.#index.all(this.#db.data);
  }

  // --- reads -----------------------------------------------------------------------------------------

  get resources() {
    return this.#db.data.resources;
  }
  get events() {
    return this.#db.data.events;
  }
  get attendees() {
    return this.#db.data.attendees;
  }
  get objects() {
    return this.#db.data.objects;
  }
  get usage() {
    return this.#db.data.usage;
  }
  /** The value as it stands (tests compare it with the file). */
  get data(): Readonly<StoreData> {
    return this.#db.data;
  }
  event(id: string) {
    return this.#index.eventsById.get(id);
  }
  eventByCode(code: string) {
    return this.#index.eventsByCode.get(code.toLowerCase());
  }
  resource(id: string) {
    return this.#index.resourcesById.get(id);
  }
  attendee(id: string) {
    return this.#index.attendeesById.get(id);
  }
  attendeeByKeyHash(hash: string) {
    return this.#index.attendeesByKeyHash.get(hash);
  }
  attendeesOf(eventId: string) {
    return this.#db.data.attendees.filter((a) => a.eventId === eventId);
  }
  resourcesOf(event: Pick<KitEvent, 'resourceIds'>) {
    const out: Resource[] = [];
    for (const id of event.resourceIds) {
      const r = this.#index.resourcesById.get(id);
      if (r?.enabled && !this.#index.locked.has(id)) out.push(r);
    }
    return out;
  }
  ownedObject(type: string, id: string) {
    return this.#index.objects.get(objectKey(type, id));
  }
  status(): StoreStatus {
    return this.#health.status();
  }

  // --- writes ----------------------------------------------------------------------------------------

  saveResource(resource: Resource): Promise<void> {
    const r = deepFreeze({ ...resource });
    const d = this.#db.data;
    const exists = d.resources.some((x) => x.id === r.id);
    return this.#commit({
      ...d,
      resources: frozenList(exists ? d.resources.map((x) => (x.id === r.id ? r : x)) : [...d.resources, r]),
    });
  }

  removeResource(id: string): Promise<void> {
    const d = this.#db.data;
    if (!d.resources.some((r) => r.id === id)) return Promise.resolve();
    return this.#commit({
      ...d,
      resources: frozenList(d.resources.filter((r) => r.id !== id)),
      events: frozenList(
        d.events.map((e) =>
          e.resourceIds.includes(id) ? deepFreeze({ ...e, resourceIds: e.resourceIds.filter((x) => x !== id) }) : e,
        ),
      ),
    });
  }

  saveEvent(event: KitEvent): Promise<void> {
    const other = this.eventByCode(event.code);
    if (other && other.id !== event.id) {
      return Promise.reject(new KitError('conflict', `Another event already uses the code "${event.code}".`));
    }
    const e = deepFreeze({ ...event });
    const d = this.#db.data;
    const exists = d.events.some((x) => x.id === e.id);
    return this.#commit({
      ...d,
      events: frozenList(exists ? d.events.map((x) => (x.id === e.id ? e : x)) : [...d.events, e]),
    });
  }

  removeEvent(id: string): Promise<void> {
    const d = this.#db.data;
    if (!d.events.some((e) => e.id === id)) return Promise.resolve();
    return this.#commit({
      ...d,
      events: frozenList(d.events.filter((e) => e.id !== id)),
      attendees: frozenList(d.attendees.filter((a) => a.eventId !== id)),
      objects: frozenList(d.objects.filter((o) => o.eventId !== id)),
      usage: frozenList(d.usage.filter((u) => u.eventId !== id)),
    });
  }

  async joinEvent({ attendee, capacity }: JoinRequest): Promise<JoinOutcome> {
    const d = this.#db.data;
    const mine = attendee.deviceHash
      ? d.attendees.find((a) => a.eventId === attendee.eventId && a.deviceHash === attendee.deviceHash)
      : undefined;
    if (mine) {
      if (mine.revoked) return { outcome: 'revoked' };
      const renewed = deepFreeze({
        ...mine,
        keyHash: attendee.keyHash,
        keyHint: attendee.keyHint,
        ...(attendee.name ? { name: attendee.name } : {}),
      });
      await this.#commit({ ...d, attendees: frozenList(d.attendees.map((a) => (a === mine ? renewed : a))) });
      return { outcome: 'renewed', attendee: renewed };
    }
    const same = this.#index.attendeesByKeyHash.get(attendee.keyHash);
    if (same) return { outcome: 'existing', attendee: same };
    if (capacity !== undefined && capacity > 0) {
      let seats = 0;
      for (const a of d.attendees) if (a.eventId === attendee.eventId) seats++;
      if (seats >= capacity) return { outcome: 'full' };
    }
    const a = deepFreeze({ ...attendee });
    await this.#commit({ ...d, attendees: frozenList([...d.attendees, a]) }, [a]);
    return { outcome: 'created', attendee: a };
  }

  issueAttendees(attendees: StoredAttendee[]): Promise<void> {
    const added = attendees.map((a) => deepFreeze({ ...a }));
    const d = this.#db.data;
    return this.#commit({ ...d, attendees: frozenList([...d.attendees, ...added]) }, added);
  }

  async setRevoked(attendeeId: string, revoked: boolean) {
    const d = this.#db.data;
    const old = this.#index.attendeesById.get(attendeeId);
    if (!old) return undefined;
    if (old.revoked === revoked) return old;
    const next = deepFreeze({ ...old, revoked });
    await this.#commit({ ...d, attendees: frozenList(d.attendees.map((a) => (a === old ? next : a))) });
    return next;
  }

  async setAttendeeLimits(
    attendeeId: string,
    patch: AttendeeLimitsPatch,
  ): Promise<Readonly<StoredAttendee> | undefined> {
    const d = this.#db.data;
    const old = this.#index.attendeesById.get(attendeeId);
    if (!old) return undefined;
    const limits = mergeLimits(old.limits, patch);
    const { limits: _old, ...rest } = old;
    const next: StoredAttendee = deepFreeze(limits ? { ...rest, limits } : rest);
    await this.#commit({ ...d, attendees: frozenList(d.attendees.map((a) => (a === old ? next : a))) });
    return next;
  }

  recordObjects(objects: OwnedObject[]): Promise<void> {
    const fresh: OwnedObject[] = [];
    const seen = new Set<string>();
    for (const o of objects) {
      const k = objectKey(o.type, o.id);
      if (this.#index.objects.has(k) || seen.has(k)) continue;
      seen.add(k);
      fresh.push(deepFreeze({ ...o }));
    }
    if (fresh.length === 0) return Promise.resolve();
    const d = this.#db.data;
    return this.#commit({ ...d, objects: frozenList([...d.objects, ...fresh]) });
  }

  forgetObject(type: string, id: string): Promise<void> {
    const d = this.#db.data;
    const kept = d.objects.filter((o) => !((o.type === type && o.id === id) || o.parentId === id));
    if (kept.length === d.objects.length) return Promise.resolve();
    return this.#commit({ ...d, objects: frozenList(kept) });
  }

  addUsage(deltas: UsageDelta[], marks: OwnedObject[] = []): Promise<void> {
    const d = this.#db.data;
    let objects = d.objects;
    for (const mark of marks) {
      if (!this.#index.eventsById.has(mark.eventId)) continue;
      const rec = deepFreeze({ ...mark, usageBooked: true });
      const old = this.#index.objects.get(objectKey(mark.type, mark.id));
      objects = old ? objects.map((o) => (o === old ? rec : o)) : [...objects, rec];
    }
    const usage = mergeUsage(d.usage, deltas, (eventId) => this.#index.eventsById.has(eventId));
    if (!usage && objects === d.objects) return Promise.resolve();
    return this.#commit({ ...d, usage: usage ? frozenList(usage) : d.usage, objects: frozenList([...objects]) });
  }

  async setArchived(eventId: string, archivedAt: string | null): Promise<Readonly<KitEvent> | undefined> {
    const old = this.#index.eventsById.get(eventId);
    if (!old) return undefined;
    if ((old.archivedAt ?? null) === archivedAt) return old;
    const { archivedAt: _was, ...rest } = old;
    const next = deepFreeze(archivedAt ? { ...rest, archivedAt } : rest);
    const d = this.#db.data;
    await this.#commit({ ...d, events: frozenList(d.events.map((e) => (e === old ? next : e))) });
    return next;
  }

  async duplicateEvent(copy: EventCopy): Promise<Readonly<KitEvent> | undefined> {
    const source = this.#index.eventsById.get(copy.sourceId);
    if (!source) return undefined;
    if (this.eventByCode(copy.code))
      throw new KitError('conflict', `Another event already uses the code "${copy.code}".`);
    const { archivedAt: _archived, ...settings } = source;
    const { sourceId: _source, ...fresh } = copy;
    const event = deepFreeze({ ...settings, ...fresh });
    const d = this.#db.data;
    await this.#commit({ ...d, events: frozenList([...d.events, event]) });
    return event;
  }

  async exportAll(): Promise<StoreContents> {
    while (this.#writing) await this.#writing;
    const { schemaVersion: _v, ...contents } = this.#db.data;
    return contents;
  }

  async replaceAll(contents: StoreContents): Promise<{ previous?: string }> {
    if (this.#closed) throw new KitError('store_unavailable', 'The kit is shutting down.');
    // What is replaced is what is on disk: writes in progress land first, then the file is kept aside.
    while (this.#writing) await this.#writing;
    let previous: string | undefined;
    try {
      previous = await this.#beforeReplace?.();
    } catch (e) {
      throw storeUnavailable(e);
    }
    const list = <T>(items: readonly T[]) => frozenList(items.map((x) => deepFreeze(structuredClone(x))));
    await this.#commit(
      Object.freeze({
        schemaVersion: SCHEMA_VERSION,
        resources: list(contents.resources),
        events: list(contents.events),
        attendees: list(contents.attendees),
        objects: list(contents.objects),
        usage: list(contents.usage),
      }),
    );
    await this.#afterReplace?.().catch(() => undefined);
    return previous ? { previous } : {};
  }

  /** Writes the store as it is (a new data dir's first file, a store recovered from a snapshot). */
  save(): Promise<void> {
    return this.#commit(this.#db.data);
  }

  async close(): Promise<void> {
    this.#closed = true;
    while (this.#writing) await this.#writing;
    await this.#closing?.();
  }

  // --- the write queue -------------------------------------------------------------------------------

  /** Makes `next` current and resolves once a write that holds it has landed. */
  #commit(next: StoreData, addedAttendees?: StoredAttendee[]): Promise<void> {
    if (this.#closed) return Promise.reject(new KitError('store_unavailable', 'The kit is shutting down.'));
    const prev = this.#db.data;
    this.#db.data = Object.freeze(next);
    this.#index.changed(prev, this.#db.data, addedAttendees);
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#writing ??= this.#drain();
    });
  }

  async #drain(): Promise<void> {
    while (this.#waiting.length) {
      const batch = this.#waiting.splice(0);
      const doc = this.#db.data;
      try {
        await this.#db.write();
      } catch (e) {
        const refused = this.#rollBack(e, batch);
        // The new file is in place but its rename may not survive a power cut: put the last good value
        // back (before anyone hears of the failure), so the disk holds what memory does.
        if (e instanceof StoreWriteError && e.renamed) await this.#file.write(this.#durable).catch(() => undefined);
        const err = storeUnavailable(e);
        for (const w of refused) w.reject(err);
        continue;
      }
      this.#durable = doc;
      this.#health.succeeded();
      for (const w of batch) w.resolve();
      this.#afterWrite?.();
    }
    this.#writing = undefined;
  }

  /**
   * Synchronously, before anything else can run: memory back to what is on disk. Returns every change
   * not on disk (the failed batch and those queued behind it, which may build on it), all refused.
   */
  #rollBack(e: unknown, batch: Waiter[]): Waiter[] {
    this.#health.failed(e);
    const queued = this.#waiting.splice(0);
    this.#db.data = this.#durable;
    this.#index.all(this.#db.data);
    return [...batch, ...queued];
  }
}
