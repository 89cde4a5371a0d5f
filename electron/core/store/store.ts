/**
 * The event store: one JSON file (lowdb) in the data dir, held in memory and
 * written atomically. Readers use the in-memory indexes (no I/O on the proxy
 * hot path); writers go through `mutate`, whose promise resolves only once
 * the change is on disk, so an acknowledged registration survives a kill -9.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { KitEvent, Resource } from '../../../shared/types.js';
import { emptyData, migrate, type StoreData, type StoredAttendee } from './schema.js';
import { SealedJsonFile } from './sealed-adapter.js';
import type { SecretBox } from './secret-box.js';

export class KitStore {
  readonly #db: Low<StoreData>;
  #eventsById = new Map<string, KitEvent>();
  #eventsByCode = new Map<string, KitEvent>();
  #resourcesById = new Map<string, Resource>();
  #attendeesById = new Map<string, StoredAttendee>();
  #attendeesByKeyHash = new Map<string, StoredAttendee>();

  private constructor(db: Low<StoreData>) {
    this.#db = db;
    this.#reindex();
  }

  static async open(dataDir: string, box: SecretBox): Promise<KitStore> {
    await mkdir(dataDir, { recursive: true });
    const adapter = new SealedJsonFile(join(dataDir, 'store.json'), box);
    const raw = await adapter.read();
    const data = raw ? migrate(raw) : emptyData();
    const db = new Low<StoreData>({ read: async () => data, write: (d: StoreData) => adapter.write(d) }, data);
    await db.read();
    const store = new KitStore(db);
    if (!raw) await store.mutate(() => undefined);
    return store;
  }

  get data(): Readonly<StoreData> {
    return this.#db.data;
  }

  /** Applies `change` in memory, refreshes the indexes, and resolves once the file is written. */
  async mutate<T>(change: (data: StoreData) => T): Promise<T> {
    const result = change(this.#db.data);
    this.#reindex();
    await this.#db.write();
    return result;
  }

  /** Writes without reindexing: for collections that have no index here (usage, objects). */
  async persist(): Promise<void> {
    await this.#db.write();
  }

  #reindex(): void {
    const d = this.#db.data;
    this.#eventsById = new Map(d.events.map((e) => [e.id, e]));
    this.#eventsByCode = new Map(d.events.map((e) => [e.code.toLowerCase(), e]));
    this.#resourcesById = new Map(d.resources.map((r) => [r.id, r]));
    this.#attendeesById = new Map(d.attendees.map((a) => [a.id, a]));
    this.#attendeesByKeyHash = new Map(d.attendees.map((a) => [a.keyHash, a]));
  }

  event(id: string): KitEvent | undefined {
    return this.#eventsById.get(id);
  }
  eventByCode(code: string): KitEvent | undefined {
    return this.#eventsByCode.get(code.toLowerCase());
  }
  resource(id: string): Resource | undefined {
    return this.#resourcesById.get(id);
  }
  attendee(id: string): StoredAttendee | undefined {
    return this.#attendeesById.get(id);
  }
  attendeeByKeyHash(hash: string): StoredAttendee | undefined {
    return this.#attendeesByKeyHash.get(hash);
  }
  attendeesOf(eventId: string): StoredAttendee[] {
    return this.#db.data.attendees.filter((a) => a.eventId === eventId);
  }
  /** The enabled resources of an event, in the event's order. */
  resourcesOf(event: KitEvent): Resource[] {
    const out: Resource[] = [];
    for (const id of event.resourceIds) {
      const r = this.#resourcesById.get(id);
      if (r?.enabled) out.push(r);
    }
    return out;
  }
}
