/**
 * The store's operations as SQL, each run inside one transaction (`tx` in
 * `pool.ts`) and returning what it changed for the cache. The rules an
 * operation checks are checked in the database, under row locks, not against
 * this instance's cache: a registration locks its event's row
 * (`SELECT … FOR UPDATE`), so registrations to one event, from any number of
 * instances, are counted one after the other and two cannot both take the
 * last seat; a change to one record reads it locked and writes it back.
 * A delete takes a revision after its rows are gone (`nextval`), newer than any
 * version of them, for the cache's tombstones.
 */
import type pg from 'pg';
import type { KitEvent, Resource } from '../../../../shared/types.js';
import { KitError } from '../../errors.js';
import { deepFreeze } from '../deep-freeze.js';
import { mergeLimits } from '../json-store.js';
import type { OwnedObject, StoredAttendee } from '../schema.js';
import type { SecretBox } from '../secret-box.js';
import type { AttendeeLimitsPatch, EventCopy, JoinOutcome, JoinRequest, UsageDelta } from '../store-driver.js';
import { objectKey } from '../store-index.js';
import { pickInstant, usageKey } from '../usage-merge.js';
import type { Effect, Outcome } from './effects.js';
import { uniqueViolated } from './pool.js';
import {
  attendeeParams,
  type DocRow,
  eventCodeKey,
  frozenDoc,
  type ObjectRow,
  objectParams,
  sealedDoc,
  USAGE_COLUMNS,
  type UsageRowDb,
  usageOf,
} from './rows.js';

type Client = pg.PoolClient;

const done = <T>(result: T, effects: Effect[] = []): Outcome<T> => ({ result, effects });

async function deleteRev(c: Client): Promise<number> {
  const { rows } = await c.query<{ rev: number }>("SELECT nextval('kit_rev') AS rev");
  return (rows[0] as { rev: number }).rev;
}

/** Runs a statement that may break an event's unique code, as the `conflict` the contract names. */
async function withCode<T>(code: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (uniqueViolated(e) === 'kit_events_code_key')
      throw new KitError('conflict', `Another event already uses the code "${code}".`);
    throw e;
  }
}

const revOf = (r: pg.QueryResult<{ rev: number }>) => (r.rows[0] as { rev: number }).rev;

export async function saveResource(c: Client, box: SecretBox, resource: Resource): Promise<Outcome<void>> {
  const r = deepFreeze({ ...resource });
  const res = await c.query<{ rev: number }>(
    'INSERT INTO kit_resources (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc RETURNING rev',
    [r.id, sealedDoc(r, box)],
  );
  return done(undefined, [{ kind: 'resources', key: r.id, rev: revOf(res), value: r }]);
}

export async function removeResource(c: Client, id: string): Promise<Outcome<void>> {
  const gone = await c.query('DELETE FROM kit_resources WHERE id = $1', [id]);
  if (!gone.rowCount) return done(undefined);
  const events = await c.query<DocRow>(
    `UPDATE kit_events SET doc = jsonb_set(doc, '{resourceIds}', (doc->'resourceIds') - $1::text)
     WHERE doc->'resourceIds' ? $1 RETURNING id, rev, doc`,
    [id],
  );
  const rev = await deleteRev(c);
  return done(undefined, [
    { kind: 'resources', key: id, rev, value: undefined },
    ...events.rows.map((e): Effect => ({ kind: 'events', key: e.id, rev: e.rev, value: frozenDoc<KitEvent>(e.doc) })),
  ]);
}

export async function saveEvent(c: Client, event: KitEvent): Promise<Outcome<void>> {
  const e = deepFreeze({ ...event });
  const res = await withCode(e.code, () =>
    c.query<{ rev: number }>(
      `INSERT INTO kit_events (id, code_key, doc) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET code_key = EXCLUDED.code_key, doc = EXCLUDED.doc RETURNING rev`,
      [e.id, eventCodeKey(e), e],
    ),
  );
  return done(undefined, [{ kind: 'events', key: e.id, rev: revOf(res), value: e }]);
}

export async function removeEvent(c: Client, id: string): Promise<Outcome<void>> {
  // Attendees and objects first, by name, so the cache drops exactly the rows the database dropped.
  const attendees = await c.query<{ id: string }>('DELETE FROM kit_attendees WHERE event_id = $1 RETURNING id', [id]);
  const objects = await c.query<{ type: string; id: string }>(
    'DELETE FROM kit_objects WHERE event_id = $1 RETURNING type, id',
    [id],
  );
  await c.query('DELETE FROM kit_usage WHERE event_id = $1', [id]);
  const gone = await c.query('DELETE FROM kit_events WHERE id = $1', [id]);
  const rev = await deleteRev(c);
  return done(undefined, [
    ...(gone.rowCount ? [{ kind: 'events', key: id, rev, value: undefined } as const] : []),
    ...attendees.rows.map((a): Effect => ({ kind: 'attendees', key: a.id, rev, value: undefined })),
    ...objects.rows.map((o): Effect => ({ kind: 'objects', key: objectKey(o.type, o.id), rev, value: undefined })),
    { kind: 'drop-usage', eventId: id },
  ]);
}

const attendeeEffect = (id: string, rev: number, value: Readonly<StoredAttendee>): Effect => ({
  kind: 'attendees',
  key: id,
  rev,
  value,
});

export async function joinEvent(c: Client, { attendee, capacity }: JoinRequest): Promise<Outcome<JoinOutcome>> {
  // The event's row, locked: every registration to this event waits here for the one before it to commit.
  const event = await c.query('SELECT id FROM kit_events WHERE id = $1 FOR UPDATE', [attendee.eventId]);
  if (!event.rowCount) throw new KitError('event_not_found', 'This event no longer exists.');
  if (attendee.deviceHash) {
    const mine = await c.query<DocRow>(
      'SELECT id, rev, doc FROM kit_attendees WHERE event_id = $1 AND device_hash = $2 ORDER BY seq LIMIT 1',
      [attendee.eventId, attendee.deviceHash],
    );
    const row = mine.rows[0];
    if (row) {
      const old = row.doc as StoredAttendee;
      if (old.revoked) return done({ outcome: 'revoked' }, [attendeeEffect(row.id, row.rev, frozenDoc(old))]);
      const renewed = deepFreeze({
        ...old,
        keyHash: attendee.keyHash,
        keyHint: attendee.keyHint,
        ...(attendee.name ? { name: attendee.name } : {}),
      });
      const res = await c.query<{ rev: number }>(
        'UPDATE kit_attendees SET key_hash = $2, doc = $3 WHERE id = $1 RETURNING rev',
        [row.id, renewed.keyHash, renewed],
      );
      return done({ outcome: 'renewed', attendee: renewed }, [attendeeEffect(row.id, revOf(res), renewed)]);
    }
  }
  const same = await c.query<DocRow>('SELECT id, rev, doc FROM kit_attendees WHERE key_hash = $1', [attendee.keyHash]);
  const sameRow = same.rows[0];
  if (sameRow) {
    const a = frozenDoc<StoredAttendee>(sameRow.doc);
    return done({ outcome: 'existing', attendee: a }, [attendeeEffect(sameRow.id, sameRow.rev, a)]);
  }
  if (capacity !== undefined && capacity > 0) {
    const seats = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM kit_attendees WHERE event_id = $1', [
      attendee.eventId,
    ]);
    if ((seats.rows[0]?.n ?? 0) >= capacity) return done({ outcome: 'full' });
  }
  const a = deepFreeze({ ...attendee });
  const res = await c.query<{ rev: number }>(
    'INSERT INTO kit_attendees (id, event_id, key_hash, device_hash, doc) VALUES ($1, $2, $3, $4, $5) RETURNING rev',
    [a.id, a.eventId, a.keyHash, a.deviceHash ?? null, a],
  );
  return done({ outcome: 'created', attendee: a }, [attendeeEffect(a.id, revOf(res), a)]);
}

export async function issueAttendees(c: Client, attendees: StoredAttendee[]): Promise<Outcome<void>> {
  if (attendees.length === 0) return done(undefined);
  const added = attendees.map((a) => deepFreeze({ ...a }));
  const res = await c.query<{ id: string; rev: number }>(
    `INSERT INTO kit_attendees (id, event_id, key_hash, device_hash, doc)
     SELECT x->>'id', x->>'event_id', x->>'key_hash', x->>'device_hash', x->'doc' FROM jsonb_array_elements($1::jsonb) AS x
     RETURNING id, rev`,
    [attendeeParams(added)],
  );
  const revs = new Map(res.rows.map((r) => [r.id, r.rev]));
  return done(
    undefined,
    added.map((a) => attendeeEffect(a.id, revs.get(a.id) ?? 0, a)),
  );
}

/** Reads one attendee locked, and writes back what `change` makes of it (the same value: nothing written). */
async function changeAttendee(
  c: Client,
  id: string,
  change: (old: Readonly<StoredAttendee>) => Readonly<StoredAttendee>,
): Promise<Outcome<Readonly<StoredAttendee> | undefined>> {
  const { rows } = await c.query<DocRow>('SELECT id, rev, doc FROM kit_attendees WHERE id = $1 FOR UPDATE', [id]);
  const row = rows[0];
  if (!row) return done(undefined);
  const old = frozenDoc<StoredAttendee>(row.doc);
  const next = change(old);
  if (next === old) return done(old, [attendeeEffect(id, row.rev, old)]);
  const res = await c.query<{ rev: number }>('UPDATE kit_attendees SET doc = $2 WHERE id = $1 RETURNING rev', [
    id,
    next,
  ]);
  return done(next, [attendeeEffect(id, revOf(res), next)]);
}

export const setRevoked = (c: Client, id: string, revoked: boolean) =>
  changeAttendee(c, id, (old) => (old.revoked === revoked ? old : deepFreeze({ ...old, revoked })));

export const setAttendeeLimits = (c: Client, id: string, patch: AttendeeLimitsPatch) =>
  changeAttendee(c, id, (old) => {
    const limits = mergeLimits(old.limits, patch);
    const { limits: _old, ...rest } = old;
    return deepFreeze(limits ? { ...rest, limits } : rest);
  });

const objectEffects = (rows: ObjectRow[]): Effect[] =>
  rows.map((r) => ({
    kind: 'objects',
    key: objectKey(r.type, r.id),
    rev: r.rev,
    value: frozenDoc<OwnedObject>(r.doc),
  }));

/** Inserts objects whose event exists; `replace` overwrites a record already there (a usage mark). */
async function putObjects(c: Client, objects: OwnedObject[], replace: boolean): Promise<Effect[]> {
  if (objects.length === 0) return [];
  const res = await c.query<ObjectRow>(
    `INSERT INTO kit_objects (type, id, event_id, parent_id, doc)
     SELECT x->>'type', x->>'id', x->>'event_id', x->>'parent_id', x->'doc' FROM jsonb_array_elements($1::jsonb) AS x
     WHERE EXISTS (SELECT 1 FROM kit_events e WHERE e.id = x->>'event_id')
     ON CONFLICT (type, id) DO ${replace ? 'UPDATE SET event_id = EXCLUDED.event_id, parent_id = EXCLUDED.parent_id, doc = EXCLUDED.doc' : 'NOTHING'}
     RETURNING type, id, rev, doc`,
    [objectParams(objects)],
  );
  return objectEffects(res.rows);
}

export async function recordObjects(c: Client, objects: OwnedObject[]): Promise<Outcome<void>> {
  return done(undefined, await putObjects(c, objects, false));
}

export async function forgetObject(c: Client, type: string, id: string): Promise<Outcome<void>> {
  const res = await c.query<{ type: string; id: string }>(
    'DELETE FROM kit_objects WHERE (type = $1 AND id = $2) OR parent_id = $2 RETURNING type, id',
    [type, id],
  );
  if (!res.rowCount) return done(undefined);
  const rev = await deleteRev(c);
  return done(
    undefined,
    res.rows.map((o) => ({ kind: 'objects', key: objectKey(o.type, o.id), rev, value: undefined })),
  );
}

/** Deltas to one counter summed into one (the statement below may touch a row once), unclamped. */
function combine(deltas: readonly UsageDelta[]): UsageDelta[] {
  const byKey = new Map<string, UsageDelta>();
  for (const d of deltas) {
    const k = usageKey(d);
    const old = byKey.get(k);
    if (!old) {
      byKey.set(k, { ...d });
      continue;
    }
    const firstCallAt = pickInstant(old.firstCallAt, d.firstCallAt, 'first');
    const lastCallAt = pickInstant(old.lastCallAt, d.lastCallAt, 'last');
    byKey.set(k, {
      ...old,
      requests: old.requests + d.requests,
      promptTokens: old.promptTokens + d.promptTokens,
      completionTokens: old.completionTokens + d.completionTokens,
      totalTokens: old.totalTokens + d.totalTokens,
      errors: old.errors + d.errors,
      ...(firstCallAt ? { firstCallAt } : {}),
      ...(lastCallAt ? { lastCallAt } : {}),
    });
  }
  return [...byKey.values()];
}

export async function addUsage(c: Client, deltas: UsageDelta[], marks: OwnedObject[]): Promise<Outcome<void>> {
  const effects: Effect[] = [];
  const list = combine(deltas);
  if (list.length) {
    const input = JSON.stringify(list);
    // Rows first (zero, for counters not yet there), then every delta added under the row's lock: exact
    // whatever other instances add meanwhile, a negative delta clamped at zero against the stored count.
    await c.query(
      `INSERT INTO kit_usage (event_id, attendee_id, deployment, day)
       SELECT x->>'eventId', x->>'attendeeId', x->>'deployment', x->>'day' FROM jsonb_array_elements($1::jsonb) AS x
       WHERE EXISTS (SELECT 1 FROM kit_events e WHERE e.id = x->>'eventId')
       ON CONFLICT (attendee_id, deployment, day) DO NOTHING`,
      [input],
    );
    const res = await c.query<UsageRowDb>(
      `UPDATE kit_usage AS u SET
         requests = GREATEST(0, u.requests + (x->>'requests')::bigint),
         prompt_tokens = GREATEST(0, u.prompt_tokens + (x->>'promptTokens')::bigint),
         completion_tokens = GREATEST(0, u.completion_tokens + (x->>'completionTokens')::bigint),
         total_tokens = GREATEST(0, u.total_tokens + (x->>'totalTokens')::bigint),
         errors = GREATEST(0, u.errors + (x->>'errors')::bigint),
         first_call_at = LEAST(u.first_call_at, (x->>'firstCallAt')::timestamptz),
         last_call_at = GREATEST(u.last_call_at, (x->>'lastCallAt')::timestamptz)
       FROM jsonb_array_elements($1::jsonb) AS x
       WHERE u.attendee_id = x->>'attendeeId' AND u.deployment = x->>'deployment' AND u.day = x->>'day'
         AND u.event_id = x->>'eventId'
       RETURNING ${USAGE_COLUMNS.split(', ')
         .map((col) => `u.${col}`)
         .join(', ')}`,
      [input],
    );
    effects.push({ kind: 'usage', rows: res.rows.map(usageOf) });
  }
  effects.push(
    ...(await putObjects(
      c,
      marks.map((m) => ({ ...m, usageBooked: true })),
      true,
    )),
  );
  return done(undefined, effects);
}

/** Reads one event locked, and writes back what `change` makes of it. */
export async function setArchived(
  c: Client,
  eventId: string,
  archivedAt: string | null,
): Promise<Outcome<Readonly<KitEvent> | undefined>> {
  const { rows } = await c.query<DocRow>('SELECT id, rev, doc FROM kit_events WHERE id = $1 FOR UPDATE', [eventId]);
  const row = rows[0];
  if (!row) return done(undefined);
  const old = frozenDoc<KitEvent>(row.doc);
  if ((old.archivedAt ?? null) === archivedAt)
    return done(old, [{ kind: 'events', key: eventId, rev: row.rev, value: old }]);
  const { archivedAt: _was, ...rest } = old;
  const next = deepFreeze(archivedAt ? { ...rest, archivedAt } : rest);
  const res = await c.query<{ rev: number }>('UPDATE kit_events SET doc = $2 WHERE id = $1 RETURNING rev', [
    eventId,
    next,
  ]);
  return done(next, [{ kind: 'events', key: eventId, rev: revOf(res), value: next }]);
}

export async function duplicateEvent(c: Client, copy: EventCopy): Promise<Outcome<Readonly<KitEvent> | undefined>> {
  const { rows } = await c.query<DocRow>('SELECT id, rev, doc FROM kit_events WHERE id = $1 FOR SHARE', [
    copy.sourceId,
  ]);
  const row = rows[0];
  if (!row) return done(undefined);
  const { archivedAt: _archived, ...settings } = row.doc as KitEvent;
  const { sourceId: _source, ...fresh } = copy;
  const event = deepFreeze({ ...settings, ...fresh });
  const res = await withCode(copy.code, () =>
    c.query<{ rev: number }>('INSERT INTO kit_events (id, code_key, doc) VALUES ($1, $2, $3) RETURNING rev', [
      event.id,
      eventCodeKey(event),
      event,
    ]),
  );
  return done(event, [{ kind: 'events', key: event.id, rev: revOf(res), value: event }]);
}
