/**
 * The allowance vault in PostgreSQL (`kit_allowances`, migration 2): what
 * kit instances sharing a database lease their blocks of attendees'
 * allowances from. A grant is one statement that creates the allowance (at
 * what this instance counted so far) or adds to it under its row lock, so
 * concurrent grants from every instance never add up past the cap. Rows of
 * days gone by are deleted now and then.
 */
import type { AllowanceSpec, AllowanceVault, Grant } from '../../proxy/metering/allowance-leases.js';

/** What the vault needs of a connection pool (a `pg.Pool`). */
export interface Queryable {
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

const GRANT = `
INSERT INTO kit_allowances AS a (key, used, granted, expires_at)
VALUES ($1, $2 + kit_allowance_share($2, $3, $4, $5, $6), kit_allowance_share($2, $3, $4, $5, $6), $7)
ON CONFLICT (key) DO UPDATE
  SET used = a.used + kit_allowance_share(a.used, $3, $4, $5, $6),
      granted = kit_allowance_share(a.used, $3, $4, $5, $6),
      expires_at = GREATEST(a.expires_at, EXCLUDED.expires_at)
RETURNING granted, used`;

/** Rows are kept a day past their end (a report of yesterday's caps may still read them). */
const FORGET = `DELETE FROM kit_allowances WHERE expires_at < now() - interval '1 day'`;
const FORGET_BUCKETS = 'DELETE FROM kit_minute_buckets WHERE expires_at < now()';
const FORGET_EVERY_MS = 10 * 60_000;

export class PgAllowanceVault implements AllowanceVault {
  readonly #db: Queryable;
  readonly #timer: NodeJS.Timeout;

  constructor(db: Queryable) {
    this.#db = db;
    this.#timer = setInterval(() => void this.forgetExpired().catch(() => undefined), FORGET_EVERY_MS);
    this.#timer.unref();
  }

  async grant(spec: AllowanceSpec, want: number, need: number, tail: number): Promise<Grant> {
    const { rows } = await this.#db.query<{ granted: string | number; used: string | number }>(GRANT, [
      spec.key,
      Math.max(0, Math.floor(spec.seed)),
      spec.cap,
      want,
      need,
      tail,
      new Date(spec.expiresAt),
    ]);
    const row = rows[0];
    return { granted: Number(row?.granted ?? 0), used: Number(row?.used ?? spec.cap) };
  }

  async adjust(key: string, units: number): Promise<void> {
    await this.#db.query('UPDATE kit_allowances SET used = GREATEST(0, used + $2) WHERE key = $1', [
      key,
      Math.round(units),
    ]);
  }

  async forgetExpired(): Promise<void> {
    await this.#db.query(FORGET);
    await this.#db.query(FORGET_BUCKETS);
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
