/**
 * The connection side of the PostgreSQL driver: one `pg` pool per kit with
 * timeouts on everything (connecting, each statement, a transaction left
 * idle), so an unreachable or stopped database answers a write with
 * `store_unavailable` within seconds instead of hanging it, and `tx`, which
 * runs a function in one transaction and maps what went wrong to a
 * `KitError`.
 */
import pg from 'pg';
import { KitError } from '../../errors.js';
import { storeUnavailable } from '../write-failure.js';

/** How long connecting may take, and how long one statement may run. */
export const CONNECT_TIMEOUT_MS = 3000;
const STATEMENT_TIMEOUT_MS = 5000;

// bigint counts (usage) come back as numbers: they stay far below 2^53.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Connection settings shared by the pool and the listener. */
export function clientConfig(url: string): pg.ClientConfig {
  return {
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: STATEMENT_TIMEOUT_MS + 1000,
    idle_in_transaction_session_timeout: STATEMENT_TIMEOUT_MS * 2,
    keepAlive: true,
    application_name: 'ai-proxy-kit',
    types,
  };
}

export function openPool(url: string): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(url), max: 10, idleTimeoutMillis: 30_000 });
  // An idle connection the server closed (a restart) is dropped by the pool; without a listener it would crash the kit.
  pool.on('error', () => undefined);
  return pool;
}

/** Marks a database failure for the store's health (`write-failure.ts` words it). */
export class DatabaseError extends Error {
  readonly storeDatabase = true;
  readonly errno: string | undefined;
  constructor(cause: unknown) {
    const e = cause as { code?: string; message?: string };
    super(e?.message ?? String(cause));
    this.errno = typeof e?.code === 'string' ? e.code : undefined;
  }
}

const UNIQUE_VIOLATION = '23505';
const SERIALIZATION_FAILURE = '40001';
const DEADLOCK = '40P01';

/** The constraint a unique violation broke, or undefined for any other error. */
export const uniqueViolated = (e: unknown): string | undefined =>
  (e as { code?: string }).code === UNIQUE_VIOLATION ? ((e as { constraint?: string }).constraint ?? '') : undefined;

export interface TxOptions {
  /** Called with every failure that is the database's (to record the store's health). */
  failed?: (e: DatabaseError) => void;
  /** A read-only snapshot of one moment (an export). */
  readOnly?: boolean;
}

/**
 * Runs `fn` in one transaction and commits. A `KitError` thrown by `fn` (a rule the data broke) rolls back
 * and passes through; a serialization failure or deadlock is tried again once; anything else is the
 * database's failure and rejects with `store_unavailable`.
 */
export async function tx<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, opts: TxOptions = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    let client: pg.PoolClient | undefined;
    try {
      client = await pool.connect();
      await client.query(opts.readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      client.release();
      return out;
    } catch (e) {
      if (client) {
        // A connection that failed mid-transaction is not given back to the pool.
        const broken = !(e instanceof KitError);
        await client.query('ROLLBACK').catch(() => undefined);
        client.release(broken ? (e as Error) : undefined);
      }
      if (e instanceof KitError) throw e;
      const code = (e as { code?: string }).code;
      if ((code === SERIALIZATION_FAILURE || code === DEADLOCK) && attempt === 0) continue;
      const failure = new DatabaseError(e);
      opts.failed?.(failure);
      throw storeUnavailable(failure);
    }
  }
}
