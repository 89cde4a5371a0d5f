/**
 * Brings a database's schema up to this kit's: under a session advisory
 * lock, so of several instances starting at once on an empty database one
 * migrates and the others wait and find the work done. Each migration runs
 * in its own transaction with its record in `kit_migrations`. A database
 * migrated by a newer kit (a version this kit does not know) is refused, as
 * the JSON store refuses a newer file, rather than used with a schema this
 * kit cannot read.
 */
import pg from 'pg';
import { migrations as known, type Migration } from './migrations/index.js';
import { clientConfig } from './pool.js';

/** The advisory lock's key: any fixed number, the same for every kit ("kitm" in ASCII). */
const LOCK_KEY = 0x6b69746d;

/**
 * Applies the missing migrations on a connection of its own (no statement or query timeout: waiting for
 * another instance's migration, or a long one, is not a failure); returns those this call applied (none
 * when another instance did).
 */
export async function migrate(url: string, migrations: readonly Migration[] = known): Promise<Migration[]> {
  const client = new pg.Client({ ...clientConfig(url), statement_timeout: undefined, query_timeout: undefined });
  // A dropped connection rejects the query in progress; without a listener it would also crash the kit.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS kit_migrations (
           version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await client.query<{ version: number }>('SELECT version FROM kit_migrations');
      const done = new Set(rows.map((r) => r.version));
      const newest = Math.max(0, ...done);
      const latest = Math.max(0, ...migrations.map((m) => m.version));
      if (newest > latest) {
        throw new Error(
          `the database was migrated by a newer kit (schema ${newest}; this kit knows up to ${latest}): ` +
            'start the newer kit, or use another database',
        );
      }
      const applied: Migration[] = [];
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO kit_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`migration ${m.version} (${m.name}) failed: ${(e as Error).message}`);
        }
        applied.push(m);
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
