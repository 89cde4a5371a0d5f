/**
 * Opens the PostgreSQL store: connects, brings the schema up to date (one
 * instance at a time, `migrate.ts`), listens for other instances' changes
 * and reads everything into the cache. A database that cannot be reached at
 * start stops the start with one line saying so (never the password).
 */
import { secretUnreadable } from '../sealed-adapter.js';
import type { SecretBox } from '../secret-box.js';
import type { KitLog, StoreHealth } from '../store-health.js';
import { migrate } from './migrate.js';
import { PgStore } from './pg-store.js';
import { openPool } from './pool.js';

/** `postgres://user@host:port/db` without the password or query: what the log and `kit.info` show. */
export function describeStoreUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return 'postgres://(an address that is not a URL)';
  }
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//i.test(url);

export async function openPgStore(url: string, box: SecretBox, health: StoreHealth, log: KitLog): Promise<PgStore> {
  const pool = openPool(url);
  let store: PgStore | undefined;
  try {
    const applied = await migrate(url);
    for (const m of applied) log(`[store] Database schema: applied migration ${m.version} (${m.name}).`);
    store = new PgStore({ pool, url, box, health, log });
    await store.start();
    const locked = store.resources.filter(secretUnreadable).map((r) => `"${r.name}"`);
    if (locked.length) {
      health.notice(
        `The upstream secrets of ${locked.join(', ')} cannot be opened with this kit's secret key: every kit sharing ` +
          'the database needs the same secret.key (copy it from the data folder of the kit that saved them, then ' +
          'restart this one), or enter the secrets again in Resources. Until then this kit does not use these resources.',
      );
    }
    return store;
  } catch (e) {
    if (store) await store.close();
    else await pool.end().catch(() => undefined);
    const why = (e as Error).message || String(e);
    throw new Error(`the PostgreSQL store at ${describeStoreUrl(url)} cannot be used: ${why}`);
  }
}
