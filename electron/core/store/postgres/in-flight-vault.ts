/**
 * Calls in flight per attendee across kit instances, in PostgreSQL
 * (`kit_in_flight`, migration 2): entering is one call of
 * `kit_in_flight_enter` (the live instances' sum and the increment under a
 * lock on the attendee), leaving one decrement, and the heartbeat writes the
 * instance's whole count, drops its rows at zero and deletes rows of
 * instances that stopped beating long ago.
 */
import { type InFlightVault, STALE_MS } from '../../proxy/metering/shared-in-flight.js';
import type { Queryable } from './allowance-vault.js';

const BEAT = `
WITH mine AS (
  SELECT * FROM unnest($2::text[], $3::int[]) AS m (attendee_id, calls)
), gone AS (
  DELETE FROM kit_in_flight f
   WHERE (f.instance_id = $1 AND NOT EXISTS (SELECT 1 FROM mine WHERE mine.attendee_id = f.attendee_id))
      OR (f.instance_id <> $1 AND f.seen_at < clock_timestamp() - interval '10 minutes')
)
INSERT INTO kit_in_flight (attendee_id, instance_id, calls)
SELECT attendee_id, $1, calls FROM mine
ON CONFLICT (attendee_id, instance_id) DO UPDATE SET calls = EXCLUDED.calls, seen_at = clock_timestamp()`;

export class PgInFlightVault implements InFlightVault {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async enter(attendeeId: string, instanceId: string, most: number): Promise<boolean> {
    const { rows } = await this.#db.query<{ ok: boolean }>('SELECT kit_in_flight_enter($1, $2, $3, $4) AS ok', [
      attendeeId,
      instanceId,
      most,
      STALE_MS,
    ]);
    return rows[0]?.ok === true;
  }

  async leave(attendeeId: string, instanceId: string): Promise<void> {
    await this.#db.query(
      'UPDATE kit_in_flight SET calls = calls - 1 WHERE attendee_id = $1 AND instance_id = $2 AND calls > 0',
      [attendeeId, instanceId],
    );
  }

  async beat(instanceId: string, counts: ReadonlyMap<string, number>): Promise<void> {
    await this.#db.query(BEAT, [instanceId, [...counts.keys()], [...counts.values()]]);
  }
}
