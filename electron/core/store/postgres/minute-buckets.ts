/**
 * The event's per-minute token buckets in PostgreSQL (`kit_minute_buckets`,
 * migration 2), with the in-memory gate's rules: a new bucket starts full;
 * each take refills it up to the caller's clock at the rate that held until
 * then (a limit changed since keeps what was used as used) and takes only
 * when it holds what the call needs, in one upsert under the row's lock. A
 * bucket left alone for ten minutes is full again and may be deleted.
 */
import { type BucketVault, waitFor } from '../../proxy/metering/shared-admission-gate.js';
import type { Queryable } from './allowance-vault.js';

/** The bucket's level refilled up to the caller's clock, then moved by the change of limit (the given parameters). */
const refilled = (perMinute: string, now: string) =>
  `LEAST(b.per_minute, b.level + GREATEST(0, ${now}::bigint - b.at) * b.per_minute / 60000.0) + (${perMinute}::float8 - b.per_minute)`;

const TAKE = `
INSERT INTO kit_minute_buckets AS b (key, level, per_minute, at, expires_at)
VALUES ($1, $2::float8 - $4::float8, $2::float8, $5::bigint, now() + interval '10 minutes')
ON CONFLICT (key) DO UPDATE SET
  level = ${refilled('$2', '$5')} - $4::float8,
  per_minute = $2::float8,
  at = GREATEST(b.at, $5::bigint),
  expires_at = now() + interval '10 minutes'
WHERE ${refilled('$2', '$5')} >= $3::float8 - 1e-9
RETURNING level`;

const LEVEL = `SELECT ${refilled('$2', '$3')} AS level FROM kit_minute_buckets b WHERE key = $1`;

export class PgMinuteBuckets implements BucketVault {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async take(key: string, perMinute: number, need: number, take: number, now: number): Promise<{ waitMs?: number }> {
    const at = Math.floor(now);
    const { rows } = await this.#db.query<{ level: number }>(TAKE, [key, perMinute, need, take, at]);
    if (rows.length > 0) return {};
    const level = Number((await this.#db.query<{ level: number }>(LEVEL, [key, perMinute, at])).rows[0]?.level ?? 0);
    return { waitMs: waitFor(need - level, perMinute) };
  }

  async add(key: string, _perMinute: number, units: number): Promise<void> {
    await this.#db.query('UPDATE kit_minute_buckets SET level = LEAST(per_minute, level + $2::float8) WHERE key = $1', [
      key,
      units,
    ]);
  }
}
