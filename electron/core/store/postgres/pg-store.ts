/**
 * The PostgreSQL driver of the store contract (`store-driver.ts`), for
 * several kit instances sharing one database. Reads come from an in-memory
 * cache (`cache.ts`), as in the JSON driver: synchronous, frozen, a map
 * lookup per request. Each write is one transaction (`operations.ts`) whose
 * promise resolves after COMMIT, once this instance's cache holds the
 * result; a write that fails rejects with `store_unavailable` and the cache
 * is left as it was. Other instances hear of every committed change through
 * LISTEN/NOTIFY (`listener.ts`) and re-read the rows it names, within
 * milliseconds; after a dropped connection they read everything again.
 *
 * Three reads may reach the database, each only on a miss: a key that is not
 * in the cache is looked up once (`findAttendeeByKeyHash`) before the kit
 * refuses it, and so are an object a call names (`findOwnedObject`) and a
 * join page's event code (`findEventByCode`), so a key registered, a thread
 * created or an event made through another instance a moment ago works here
 * at once, before its notification lands.
 */
import type pg from 'pg';
import type { KitEvent, Resource, StoreStatus } from '../../../../shared/types.js';
import { KitError } from '../../errors.js';
import type { OwnedObject, StoredAttendee } from '../schema.js';
import type { SecretBox } from '../secret-box.js';
import type {
  AttendeeLimitsPatch,
  EventCopy,
  JoinOutcome,
  JoinRequest,
  StoreContents,
  StoreDriver,
  UsageDelta,
} from '../store-driver.js';
import type { KitLog, StoreHealth } from '../store-health.js';
import { objectKey } from '../store-index.js';
import { PgCache } from './cache.js';
import { applyEffects, type Outcome } from './effects.js';
import { type Change, ChangeListener } from './listener.js';
import * as op from './operations.js';
import { tx } from './pool.js';
import { cacheKey, type RowKey, readSnapshot, refreshRows } from './read.js';
import { attendeeParams, eventCodeKey, frozenDoc, objectParams, sealedDoc, type Table } from './rows.js';

/** How long a failed re-read waits before it is tried again. */
const RETRY_MS = 1000;

const closedError = () => new KitError('store_unavailable', 'The kit is shutting down.');

export interface PgStoreOptions {
  pool: pg.Pool;
  url: string;
  box: SecretBox;
  health: StoreHealth;
  log: KitLog;
}

export class PgStore implements StoreDriver {
  readonly #pool: pg.Pool;
  readonly #box: SecretBox;
  readonly #health: StoreHealth;
  readonly #cache = new PgCache();
  readonly #listener: ChangeListener;
  readonly #writes = new Set<Promise<unknown>>();
  /** Rows other instances changed, waiting to be re-read: table → cache key → row key and newest revision. */
  #pending = new Map<Table, Map<string, { key: RowKey; rev: number }>>();
  #reloadAll = false;
  #reading: Promise<void> | undefined;
  #closed = false;

  constructor(opts: PgStoreOptions) {
    this.#pool = opts.pool;
    this.#box = opts.box;
    this.#health = opts.health;
    this.#listener = new ChangeListener({
      url: opts.url,
      log: opts.log,
      onChange: (c) => this.#changed(c),
      onReconnect: () => this.#changed({ all: true }),
    });
  }

  /** Listens for changes, then reads everything (a change committed in between is heard and read again). */
  async start(): Promise<void> {
    await this.#listener.start();
    this.#cache.load(await tx(this.#pool, (c) => readSnapshot(c, this.#box), { readOnly: true }));
  }

  /** Resolves once every change heard so far is in the cache (tests; an admin reload). */
  async settled(): Promise<void> {
    while (this.#reading) await this.#reading;
  }

  // --- reads -----------------------------------------------------------------------------------------

  get resources() {
    return this.#cache.resources.list;
  }
  get events() {
    return this.#cache.events.list;
  }
  get attendees() {
    return this.#cache.attendees.list;
  }
  get objects() {
    return this.#cache.objects.list;
  }
  get usage() {
    return this.#cache.usage;
  }
  event(id: string) {
    return this.#cache.events.get(id);
  }
  eventByCode(code: string) {
    return this.#cache.eventsByCode.get(code.toLowerCase());
  }
  resource(id: string) {
    return this.#cache.resources.get(id);
  }
  attendee(id: string) {
    return this.#cache.attendees.get(id);
  }
  attendeeByKeyHash(hash: string) {
    return this.#cache.attendeesByKeyHash.get(hash);
  }
  attendeesOf(eventId: string) {
    return this.#cache.attendees.list.filter((a) => a.eventId === eventId);
  }
  resourcesOf(event: Pick<KitEvent, 'resourceIds'>) {
    const out: Readonly<Resource>[] = [];
    const locked = this.#cache.locked;
    for (const id of event.resourceIds) {
      const r = this.#cache.resources.get(id);
      if (r?.enabled && !locked.has(id)) out.push(r);
    }
    return out;
  }
  ownedObject(type: string, id: string) {
    return this.#cache.objects.get(objectKey(type, id));
  }
  status(): StoreStatus {
    return this.#health.status();
  }

  /** A key the cache does not know, looked up once in the database (registered on another instance just now). */
  async findAttendeeByKeyHash(hash: string): Promise<Readonly<StoredAttendee> | undefined> {
    if (this.#closed) return undefined;
    try {
      const { rows } = await this.#pool.query<{ id: string; rev: number; doc: unknown }>(
        'SELECT id, rev, doc FROM kit_attendees WHERE key_hash = $1',
        [hash],
      );
      const row = rows[0];
      if (row) this.#cache.attendees.apply(row.id, row.rev, frozenDoc<StoredAttendee>(row.doc));
    } catch {
      // The database cannot be reached: the key is refused as unknown, as the cache says.
    }
    return this.#cache.attendeesByKeyHash.get(hash);
  }

  /** An event code the cache does not know, looked up once (an event made through another instance just now). */
  async findEventByCode(code: string): Promise<Readonly<KitEvent> | undefined> {
    if (this.#closed) return undefined;
    try {
      const { rows } = await this.#pool.query<{ id: string; rev: number; doc: unknown }>(
        'SELECT id, rev, doc FROM kit_events WHERE code_key = $1',
        [code.toLowerCase()],
      );
      const row = rows[0];
      if (row) this.#cache.events.apply(row.id, row.rev, frozenDoc<KitEvent>(row.doc));
    } catch {
      // The database cannot be reached: the code is what the cache says.
    }
    return this.eventByCode(code);
  }

  /** An ownership record the cache does not hold, looked up once (an object made through another instance just now). */
  async findOwnedObject(type: string, id: string): Promise<Readonly<OwnedObject> | undefined> {
    if (this.#closed) return undefined;
    try {
      const { rows } = await this.#pool.query<{ rev: number; doc: unknown }>(
        'SELECT rev, doc FROM kit_objects WHERE type = $1 AND id = $2',
        [type, id],
      );
      const row = rows[0];
      if (row) this.#cache.objects.apply(objectKey(type, id), row.rev, frozenDoc<OwnedObject>(row.doc));
    } catch {
      // The database cannot be reached: the object is what the cache says.
    }
    return this.#cache.objects.get(objectKey(type, id));
  }

  // --- writes ----------------------------------------------------------------------------------------

  saveResource(resource: Resource): Promise<void> {
    return this.#write((c) => op.saveResource(c, this.#box, resource));
  }
  removeResource(id: string): Promise<void> {
    return this.#write((c) => op.removeResource(c, id));
  }
  saveEvent(event: KitEvent): Promise<void> {
    const other = this.eventByCode(event.code);
    if (other && other.id !== event.id) {
      return Promise.reject(new KitError('conflict', `Another event already uses the code "${event.code}".`));
    }
    return this.#write((c) => op.saveEvent(c, event));
  }
  removeEvent(id: string): Promise<void> {
    return this.#write((c) => op.removeEvent(c, id));
  }
  joinEvent(request: JoinRequest): Promise<JoinOutcome> {
    return this.#write((c) => op.joinEvent(c, request));
  }
  issueAttendees(attendees: StoredAttendee[]): Promise<void> {
    return this.#write((c) => op.issueAttendees(c, attendees));
  }
  setRevoked(attendeeId: string, revoked: boolean) {
    return this.#write((c) => op.setRevoked(c, attendeeId, revoked));
  }
  setAttendeeLimits(attendeeId: string, patch: AttendeeLimitsPatch) {
    return this.#write((c) => op.setAttendeeLimits(c, attendeeId, patch));
  }
  recordObjects(objects: OwnedObject[]): Promise<void> {
    const fresh: OwnedObject[] = [];
    const seen = new Set<string>();
    for (const o of objects) {
      const k = objectKey(o.type, o.id);
      if (this.#cache.objects.has(k) || seen.has(k)) continue;
      seen.add(k);
      fresh.push(o);
    }
    if (fresh.length === 0) return Promise.resolve();
    return this.#write((c) => op.recordObjects(c, fresh));
  }
  forgetObject(type: string, id: string): Promise<void> {
    return this.#write((c) => op.forgetObject(c, type, id));
  }
  addUsage(deltas: UsageDelta[], marks: OwnedObject[] = []): Promise<void> {
    if (deltas.length === 0 && marks.length === 0) return Promise.resolve();
    return this.#write((c) => op.addUsage(c, deltas, marks));
  }
  setArchived(eventId: string, archivedAt: string | null) {
    return this.#write((c) => op.setArchived(c, eventId, archivedAt));
  }
  duplicateEvent(copy: EventCopy) {
    if (this.eventByCode(copy.code))
      return Promise.reject(new KitError('conflict', `Another event already uses the code "${copy.code}".`));
    return this.#write((c) => op.duplicateEvent(c, copy));
  }

  async exportAll(): Promise<StoreContents> {
    await Promise.allSettled([...this.#writes]);
    const s = await tx(this.#pool, (c) => readSnapshot(c, this.#box), {
      readOnly: true,
      failed: (e) => this.#health.failed(e),
    });
    return {
      resources: s.resources.map(([, , r]) => r),
      events: s.events.map(([, , e]) => e),
      attendees: s.attendees.map(([, , a]) => a),
      objects: s.objects.map(([, , o]) => o),
      usage: s.usage,
    };
  }

  /** Nothing is kept aside: the database's own backups (pg_dump) are the organizer's, not the kit's. */
  async replaceAll(contents: StoreContents): Promise<{ previous?: string }> {
    if (this.#closed) throw closedError();
    await Promise.allSettled([...this.#writes]);
    await this.#write(async (c) => {
      await c.query('TRUNCATE kit_usage, kit_objects, kit_attendees, kit_events, kit_resources');
      await c.query(
        `INSERT INTO kit_resources (id, doc) SELECT x->>'id', x FROM jsonb_array_elements($1::jsonb) AS x`,
        [JSON.stringify(contents.resources.map((r) => sealedDoc(r, this.#box)))],
      );
      await c.query(
        `INSERT INTO kit_events (id, code_key, doc) SELECT x->'doc'->>'id', x->>'code_key', x->'doc'
         FROM jsonb_array_elements($1::jsonb) AS x`,
        [JSON.stringify(contents.events.map((e) => ({ code_key: eventCodeKey(e), doc: e })))],
      );
      await c.query(
        `INSERT INTO kit_attendees (id, event_id, key_hash, device_hash, doc)
         SELECT x->>'id', x->>'event_id', x->>'key_hash', x->>'device_hash', x->'doc' FROM jsonb_array_elements($1::jsonb) AS x`,
        [attendeeParams(contents.attendees)],
      );
      await c.query(
        `INSERT INTO kit_objects (type, id, event_id, parent_id, doc)
         SELECT x->>'type', x->>'id', x->>'event_id', x->>'parent_id', x->'doc' FROM jsonb_array_elements($1::jsonb) AS x`,
        [objectParams(contents.objects)],
      );
      await c.query(
        `INSERT INTO kit_usage (event_id, attendee_id, deployment, day, requests, prompt_tokens, completion_tokens,
           total_tokens, errors, first_call_at, last_call_at)
         SELECT x->>'eventId', x->>'attendeeId', x->>'deployment', x->>'day', (x->>'requests')::bigint,
           (x->>'promptTokens')::bigint, (x->>'completionTokens')::bigint, (x->>'totalTokens')::bigint,
           (x->>'errors')::bigint, (x->>'firstCallAt')::timestamptz, (x->>'lastCallAt')::timestamptz
         FROM jsonb_array_elements($1::jsonb) AS x`,
        [JSON.stringify(contents.usage)],
      );
      // Every instance (this one too) reads everything again.
      await c.query(`SELECT pg_notify('kit_store', '{"t":"*"}')`);
      // The new contents, read back in the same transaction, become this instance's cache at commit.
      return { result: await readSnapshot(c, this.#box), effects: [] };
    }).then((snapshot) => this.#cache.load(snapshot));
    return {};
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#writes]);
    await this.#listener.close();
    await this.settled();
    await this.#pool.end().catch(() => undefined);
  }

  /**
   * Runs `fn` in one transaction on the store's pool, for kit parts that keep shared state of their own
   * in this database (tables their own migrations add): committed when `fn` resolves, rolled back when it
   * throws; a database failure rejects with `store_unavailable` and is counted in the store's health.
   */
  transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(closedError());
    return tx(this.#pool, fn, { failed: (e) => this.#health.failed(e) });
  }

  // --- plumbing --------------------------------------------------------------------------------------

  /** Runs one operation in one transaction; after COMMIT applies what it changed to the cache. */
  #write<T>(operation: (c: pg.PoolClient) => Promise<Outcome<T>>): Promise<T> {
    if (this.#closed) return Promise.reject(closedError());
    const run = tx(this.#pool, operation, { failed: (e) => this.#health.failed(e) }).then((o) => {
      applyEffects(this.#cache, o.effects);
      this.#health.succeeded();
      return o.result;
    });
    this.#writes.add(run);
    const forget = () => this.#writes.delete(run);
    run.then(forget, forget);
    return run;
  }

  /** A notification (or a reconnect): the rows it names are re-read, unless the cache holds that version already. */
  #changed(c: Change): void {
    if (this.#closed) return;
    if ('all' in c) {
      this.#reloadAll = true;
    } else {
      const key = cacheKey(c.table, c.key);
      if (this.#cache.collection(c.table).rev(key) >= c.rev) return;
      let rows = this.#pending.get(c.table);
      if (!rows) {
        rows = new Map();
        this.#pending.set(c.table, rows);
      }
      const had = rows.get(key);
      if (!had || had.rev < c.rev) rows.set(key, { key: c.key, rev: c.rev });
    }
    this.#reading ??= this.#read();
  }

  /** Reads what the notifications named, in batches, until nothing is waiting. */
  async #read(): Promise<void> {
    while (!this.#closed && (this.#reloadAll || this.#pending.size)) {
      // Notifications that arrive while a batch is read wait for the next batch.
      await new Promise<void>((r) => setImmediate(r));
      try {
        if (this.#reloadAll) {
          this.#reloadAll = false;
          this.#pending = new Map();
          this.#cache.load(await tx(this.#pool, (c) => readSnapshot(c, this.#box), { readOnly: true }));
        } else {
          const batch = this.#pending;
          this.#pending = new Map();
          for (const [table, keys] of batch) await refreshRows(this.#pool, this.#cache, this.#box, table, keys);
        }
      } catch {
        // The database is away: everything is read again once it answers (the listener reconnects too).
        this.#reloadAll = true;
        await new Promise<void>((r) => setTimeout(r, RETRY_MS).unref());
      }
    }
    this.#reading = undefined;
  }
}
