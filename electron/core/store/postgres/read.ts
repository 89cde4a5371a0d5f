/**
 * Reading the database into the cache: everything in one consistent snapshot
 * (start, reconnect, restore), or the rows a batch of notifications named.
 */
import type pg from 'pg';
import type { KitEvent } from '../../../../shared/types.js';
import type { OwnedObject, StoredAttendee } from '../schema.js';
import type { SecretBox } from '../secret-box.js';
import { objectKey } from '../store-index.js';
import type { PgCache, Snapshot } from './cache.js';
import {
  type DocRow,
  frozenDoc,
  type ObjectRow,
  resourceOf,
  type Table,
  USAGE_COLUMNS,
  type UsageRowDb,
  usageOf,
} from './rows.js';

/** Reads every record (in the order they were made) in one read-only transaction. */
export async function readSnapshot(c: pg.PoolClient, box: SecretBox): Promise<Snapshot> {
  const docs = async (table: Table) => (await c.query<DocRow>(`SELECT id, rev, doc FROM ${table} ORDER BY seq`)).rows;
  const resources = await docs('kit_resources');
  const events = await docs('kit_events');
  const attendees = await docs('kit_attendees');
  const objects = (await c.query<ObjectRow>('SELECT type, id, rev, doc FROM kit_objects ORDER BY seq')).rows;
  const usage = (await c.query<UsageRowDb>(`SELECT ${USAGE_COLUMNS} FROM kit_usage ORDER BY seq`)).rows;
  return {
    resources: resources.map((r) => [r.id, r.rev, resourceOf(r.doc, box)]),
    events: events.map((r) => [r.id, r.rev, frozenDoc<KitEvent>(r.doc)]),
    attendees: attendees.map((r) => [r.id, r.rev, frozenDoc<StoredAttendee>(r.doc)]),
    objects: objects.map((r) => [objectKey(r.type, r.id), r.rev, frozenDoc<OwnedObject>(r.doc)]),
    usage: usage.map(usageOf),
  };
}

/** A notification's row key: `[id]`, or `[type, id]` for an object. */
export type RowKey = string[];

export const cacheKey = (table: Table, key: RowKey): string =>
  table === 'kit_objects' ? objectKey(key[0] ?? '', key[1] ?? '') : (key[0] ?? '');

/**
 * Re-reads the named rows of one table and applies them; a row that is gone is applied as deleted at the
 * revision its notification carried.
 */
export async function refreshRows(
  db: pg.Pool,
  cache: PgCache,
  box: SecretBox,
  table: Table,
  keys: Map<string, { key: RowKey; rev: number }>,
): Promise<void> {
  const wanted = [...keys.values()];
  const col = cache.collection(table);
  const found = new Set<string>();
  if (table === 'kit_objects') {
    const { rows } = await db.query<ObjectRow>(
      'SELECT type, id, rev, doc FROM kit_objects WHERE (type, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
      [wanted.map((w) => w.key[0]), wanted.map((w) => w.key[1])],
    );
    for (const r of rows) {
      const k = objectKey(r.type, r.id);
      found.add(k);
      col.apply(k, r.rev, frozenDoc<OwnedObject>(r.doc));
    }
  } else {
    const { rows } = await db.query<DocRow>(`SELECT id, rev, doc FROM ${table} WHERE id = ANY($1::text[])`, [
      wanted.map((w) => w.key[0]),
    ]);
    for (const r of rows) {
      found.add(r.id);
      col.apply(r.id, r.rev, table === 'kit_resources' ? resourceOf(r.doc, box) : frozenDoc(r.doc));
    }
  }
  for (const [k, w] of keys) if (!found.has(k)) col.apply(k, w.rev, undefined);
}
