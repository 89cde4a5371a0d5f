/**
 * The PostgreSQL driver against a real throwaway cluster: schema from an
 * empty database, writes visible on another instance's cache through
 * LISTEN/NOTIFY, registrations that cannot overshoot an event's capacity from
 * two instances at once, usage increments that add up, sealed secrets, and a
 * restore every instance reads again.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KitError } from '../../../../../electron/core/errors.js';
import { migrate } from '../../../../../electron/core/store/postgres/migrate.js';
import { openPgStore } from '../../../../../electron/core/store/postgres/open-pg-store.js';
import type { PgStore } from '../../../../../electron/core/store/postgres/pg-store.js';
import type { StoredAttendee } from '../../../../../electron/core/store/schema.js';
import { type SecretBox, secretBoxFromKey } from '../../../../../electron/core/store/secret-box.js';
import { StoreHealth } from '../../../../../electron/core/store/store-health.js';
import type { KitEvent, Resource } from '../../../../../shared/types.js';
import { type PgCluster, startPgCluster } from '../../../../support/pg-cluster.js';

let cluster: PgCluster;
const opened: PgStore[] = [];
const box = secretBoxFromKey(randomBytes(32));

beforeAll(async () => {
  cluster = await startPgCluster();
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await cluster?.stop();
});

async function open(url: string, key: SecretBox = box, lines: string[] = []): Promise<PgStore> {
  const log = (l: string) => void lines.push(l);
  const store = await openPgStore(url, key, new StoreHealth(log), log);
  opened.push(store);
  return store;
}

const event = (over: Partial<KitEvent> = {}): KitEvent => ({
  id: `evt_${randomBytes(4).toString('hex')}`,
  name: 'Conference',
  code: `c${randomBytes(3).toString('hex')}`,
  startsAt: '2026-06-01T08:00:00.000Z',
  endsAt: '2026-06-01T18:00:00.000Z',
  timeZone: 'Europe/Paris',
  dailyRequestCap: 0,
  maxTokenCap: 0,
  resourceIds: [],
  enabled: true,
  createdAt: '2026-06-01T07:00:00.000Z',
  ...over,
});

const attendee = (eventId: string, over: Partial<StoredAttendee> = {}): StoredAttendee => {
  const id = `att_${randomBytes(5).toString('hex')}`;
  return {
    id,
    eventId,
    keyHash: `hash-${id}`,
    keyHint: 'apk-…',
    revoked: false,
    issued: false,
    createdAt: '2026-06-01T09:00:00.000Z',
    ...over,
  };
};

const resource = (over: Partial<Resource> = {}): Resource => ({
  id: `res_${randomBytes(4).toString('hex')}`,
  name: 'Azure',
  kind: 'azure-openai',
  endpoint: 'https://x.openai.azure.com',
  deployment: 'gpt',
  auth: { type: 'api-key', key: 'super-secret-upstream-key' },
  enabled: true,
  createdAt: '2026-06-01T07:00:00.000Z',
  ...over,
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

describe('PostgreSQL store', () => {
  it('gives an empty database the schema once, and refuses a database a newer kit migrated', async () => {
    const url = await cluster.database();
    const lines: string[] = [];
    await open(url, box, lines);
    expect(lines.filter((l) => l.includes('applied migration'))).toEqual([
      '[store] Database schema: applied migration 1 (initial).',
      '[store] Database schema: applied migration 2 (allowances).',
    ]);
    const again: string[] = [];
    await open(url, box, again);
    expect(again.filter((l) => l.includes('applied migration'))).toEqual([]);
    await query(url, "INSERT INTO kit_migrations (version, name) VALUES (99, 'from the future')");
    await expect(open(url)).rejects.toThrow(/migrated by a newer kit \(schema 99/);
  });

  it('two kits starting at once on an empty database: one migrates, the other waits and finds it done', async () => {
    const url = await cluster.database();
    const applied = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    expect(applied.map((a) => a.length).sort()).toEqual([0, 0, 2]);
    expect(await query(url, 'SELECT version FROM kit_migrations ORDER BY version')).toEqual([
      { version: 1 },
      { version: 2 },
    ]);
  });

  it('acknowledges a write after commit, and another instance sees it within a second', async () => {
    const url = await cluster.database();
    const [a, b] = [await open(url), await open(url)];
    const e = event();
    await a.saveEvent(e);
    expect(a.event(e.id)).toEqual(e);
    expect(Object.isFrozen(a.event(e.id))).toBe(true);
    expect((await query(url, 'SELECT doc FROM kit_events WHERE id = $1', [e.id]))[0]?.doc).toEqual(e);
    await vi.waitFor(() => expect(b.eventByCode(e.code.toUpperCase())?.id).toBe(e.id), { timeout: 1000 });

    const one = attendee(e.id);
    await b.issueAttendees([one]);
    await vi.waitFor(() => expect(a.attendeeByKeyHash(one.keyHash)?.id).toBe(one.id), { timeout: 1000 });
    expect((await a.setRevoked(one.id, true))?.revoked).toBe(true);
    await vi.waitFor(() => expect(b.attendee(one.id)?.revoked).toBe(true), { timeout: 1000 });
    await b.setAttendeeLimits(one.id, { requestsPerMinute: 5 });
    await vi.waitFor(() => expect(a.attendee(one.id)?.limits).toEqual({ requestsPerMinute: 5 }), { timeout: 1000 });

    await a.removeEvent(e.id);
    expect(a.attendee(one.id)).toBeUndefined();
    await vi.waitFor(() => expect([b.event(e.id), b.attendee(one.id)]).toEqual([undefined, undefined]), {
      timeout: 1000,
    });
    expect(await query(url, 'SELECT id FROM kit_attendees')).toEqual([]);
  });

  it('looks a key, an event code or an object it has not heard of yet up in the database once', async () => {
    const url = await cluster.database();
    const b = await open(url);
    const e = event();
    const one = attendee(e.id);
    // Written behind the kit's back with no notification: only the lookups can find them.
    await query(url, 'ALTER TABLE kit_attendees DISABLE TRIGGER kit_attendees_notify');
    await query(url, 'ALTER TABLE kit_events DISABLE TRIGGER kit_events_notify');
    await query(url, 'ALTER TABLE kit_objects DISABLE TRIGGER kit_objects_notify');
    await query(url, 'INSERT INTO kit_events (id, code_key, doc) VALUES ($1, $2, $3)', [e.id, e.code, e]);
    expect(b.eventByCode(e.code)).toBeUndefined();
    expect((await b.findEventByCode(e.code.toUpperCase()))?.id).toBe(e.id);
    expect(await b.findEventByCode('no-such-code')).toBeUndefined();
    const thread = { id: 'th_1', type: 'thread', attendeeId: one.id, eventId: e.id, resourceId: 'r', createdAt: '' };
    await query(url, 'INSERT INTO kit_objects (type, id, event_id, doc) VALUES ($1, $2, $3, $4)', [
      'thread',
      'th_1',
      e.id,
      thread,
    ]);
    expect(b.ownedObject('thread', 'th_1')).toBeUndefined();
    expect(await b.findOwnedObject('thread', 'th_1')).toEqual(thread);
    expect(await b.findOwnedObject('thread', 'th_nope')).toBeUndefined();
    await query(url, 'INSERT INTO kit_attendees (id, event_id, key_hash, doc) VALUES ($1, $2, $3, $4)', [
      one.id,
      e.id,
      one.keyHash,
      one,
    ]);
    expect(b.attendeeByKeyHash(one.keyHash)).toBeUndefined();
    expect((await b.findAttendeeByKeyHash(one.keyHash))?.id).toBe(one.id);
    expect(b.attendeeByKeyHash(one.keyHash)?.id).toBe(one.id);
    expect(await b.findAttendeeByKeyHash('no-such-hash')).toBeUndefined();
  });

  it('never seats more than the capacity, with registrations racing on two instances', async () => {
    const url = await cluster.database();
    const [a, b] = [await open(url), await open(url)];
    const e = event();
    await a.saveEvent(e);
    await vi.waitFor(() => expect(b.event(e.id)).toBeDefined(), { timeout: 1000 });
    const outcomes = await Promise.all(
      Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).joinEvent({ attendee: attendee(e.id), capacity: 7 })),
    );
    expect(outcomes.filter((o) => o.outcome === 'created')).toHaveLength(7);
    expect(outcomes.filter((o) => o.outcome === 'full')).toHaveLength(17);
    expect(await query(url, 'SELECT count(*)::int AS n FROM kit_attendees')).toEqual([{ n: 7 }]);
  });

  it('re-registers a device (new key, same seat), refuses a revoked one, and returns a shared key as existing', async () => {
    const url = await cluster.database();
    const [a, b] = [await open(url), await open(url)];
    const e = event();
    await a.saveEvent(e);
    const first = await a.joinEvent({ attendee: attendee(e.id, { deviceHash: 'dev-1', name: 'Ada' }) });
    expect(first.outcome).toBe('created');
    const second = await b.joinEvent({ attendee: attendee(e.id, { deviceHash: 'dev-1', keyHash: 'new-hash' }) });
    expect(second).toMatchObject({ outcome: 'renewed', attendee: { name: 'Ada', keyHash: 'new-hash' } });
    await vi.waitFor(() => expect(a.attendeeByKeyHash('new-hash')?.name).toBe('Ada'), { timeout: 1000 });
    expect(a.attendees).toHaveLength(1);
    const shared = attendee(e.id, { keyHash: 'shared' });
    await a.joinEvent({ attendee: shared });
    expect(await b.joinEvent({ attendee: { ...attendee(e.id), keyHash: 'shared' } })).toMatchObject({
      outcome: 'existing',
      attendee: { id: shared.id },
    });
    if (first.outcome !== 'created') throw new Error('unreachable');
    await a.setRevoked(first.attendee.id, true);
    expect(await b.joinEvent({ attendee: attendee(e.id, { deviceHash: 'dev-1' }) })).toEqual({ outcome: 'revoked' });
  });

  it('adds usage increments from several instances, keeping the first and the last call', async () => {
    const url = await cluster.database();
    const [a, b] = [await open(url), await open(url)];
    const e = event();
    await a.saveEvent(e);
    const row = (over: Record<string, unknown>) => ({
      eventId: e.id,
      attendeeId: 'att_1',
      deployment: 'gpt',
      day: '2026-06-01',
      requests: 1,
      promptTokens: 10,
      completionTokens: 5,
      totalTokens: 15,
      errors: 0,
      ...over,
    });
    await Promise.all([
      a.addUsage([row({ firstCallAt: '2026-06-01T10:00:00.000Z', lastCallAt: '2026-06-01T10:00:00.000Z' })]),
      b.addUsage([
        row({ firstCallAt: '2026-06-01T09:00:00.000Z', lastCallAt: '2026-06-01T09:30:00.000Z' }),
        row({ requests: 2, firstCallAt: '2026-06-01T11:00:00.000Z', lastCallAt: '2026-06-01T11:00:00.000Z' }),
      ]),
      a.addUsage([row({ requests: -10, promptTokens: 0, completionTokens: 0, totalTokens: 0 })]),
      a.addUsage([row({ eventId: 'evt_gone' })]),
    ]);
    const [stored] = await query<Record<string, unknown>>(
      url,
      'SELECT requests::int, total_tokens::int FROM kit_usage',
    );
    // Never below zero: how much the -10 took depends on the order, the rest adds up.
    expect(stored?.total_tokens).toBe(45);
    await a.addUsage([row({ requests: 0 })]);
    const counter = a.usage.find((u) => u.attendeeId === 'att_1');
    expect(counter).toMatchObject({ firstCallAt: '2026-06-01T09:00:00.000Z', lastCallAt: '2026-06-01T11:00:00.000Z' });
    expect(await query(url, 'SELECT count(*)::int AS n FROM kit_usage')).toEqual([{ n: 1 }]);
  });

  it('records ownership one by one, forgets an object with its children, and marks booked usage', async () => {
    const url = await cluster.database();
    const [a, b] = [await open(url), await open(url)];
    const e = event();
    await a.saveEvent(e);
    const base = { attendeeId: 'att_1', eventId: e.id, resourceId: 'r', createdAt: '2026-06-01T09:00:00.000Z' };
    await a.recordObjects([
      { ...base, type: 'thread', id: 'th_1' },
      { ...base, type: 'run', id: 'run_1', parentId: 'th_1' },
    ]);
    await a.recordObjects([{ ...base, type: 'thread', id: 'th_1', attendeeId: 'att_2' }]);
    expect(a.ownedObject('thread', 'th_1')?.attendeeId).toBe('att_1');
    await vi.waitFor(() => expect(b.ownedObject('run', 'run_1')?.parentId).toBe('th_1'), { timeout: 1000 });
    await b.addUsage([], [{ ...base, type: 'run', id: 'run_1', parentId: 'th_1' }]);
    expect(b.ownedObject('run', 'run_1')?.usageBooked).toBe(true);
    await b.forgetObject('thread', 'th_1');
    expect(b.objects).toEqual([]);
    await vi.waitFor(() => expect(a.objects).toEqual([]), { timeout: 1000 });
  });

  it('keeps upstream secrets sealed in the database and opens them with the same key only', async () => {
    const url = await cluster.database();
    const a = await open(url);
    const r = resource();
    await a.saveResource(r);
    const [row] = await query<{ doc: Resource }>(url, 'SELECT doc FROM kit_resources');
    expect(JSON.stringify(row)).not.toContain('super-secret-upstream-key');
    expect((await open(url)).resource(r.id)?.auth).toEqual(r.auth);
    const lines: string[] = [];
    const stranger = await open(url, secretBoxFromKey(randomBytes(32)), lines);
    expect(stranger.resourcesOf({ resourceIds: [r.id] })).toEqual([]);
    expect(lines.join('\n')).toMatch(/needs the same secret\.key/);
    await a.saveEvent(event({ resourceIds: [r.id] }));
    await a.removeResource(r.id);
    expect(a.events[0]?.resourceIds).toEqual([]);
  });

  it('refuses a second event with a code in use, even when only the database knows it yet', async () => {
    const url = await cluster.database();
    const [a, b] = [await open(url), await open(url)];
    const e = event();
    await query(url, 'ALTER TABLE kit_events DISABLE TRIGGER kit_events_notify');
    await a.saveEvent(e);
    const err = await b.saveEvent(event({ code: e.code.toUpperCase() })).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(KitError);
    expect((err as KitError).code).toBe('conflict');
    expect(b.events).toEqual([]);
    const copy = await a.duplicateEvent({ ...event(), sourceId: e.id, name: 'Copy' });
    expect(copy?.name).toBe('Copy');
    expect(await a.setArchived(e.id, '2026-06-02T00:00:00.000Z')).toMatchObject({ archivedAt: expect.any(String) });
  });

  it('restores a backup as one change, and every instance reads it again', async () => {
    const url = await cluster.database();
    const [a, b] = [await open(url), await open(url)];
    await a.saveEvent(event());
    const keep = event({ name: 'Restored' });
    const r = resource();
    const contents = {
      resources: [r],
      events: [keep],
      attendees: [attendee(keep.id)],
      objects: [],
      usage: [],
    };
    await b.replaceAll(contents);
    expect(b.events.map((e) => e.name)).toEqual(['Restored']);
    await vi.waitFor(() => expect(a.events.map((e) => e.name)).toEqual(['Restored']), { timeout: 1000 });
    expect(a.resource(r.id)?.auth).toEqual(r.auth);
    const exported = await a.exportAll();
    expect(exported.events).toEqual([keep]);
    expect(exported.resources[0]?.auth).toEqual(r.auth);
  });
});
