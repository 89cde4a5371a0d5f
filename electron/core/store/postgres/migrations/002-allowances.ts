/**
 * Allowances shared by kit instances (`proxy/metering/allowance-leases.ts`):
 * one row per allowance (an attendee's requests or tokens of a day, a
 * deployment's requests of a day) holding everything granted to instances so
 * far. A grant is one `INSERT … ON CONFLICT DO UPDATE` through
 * `kit_allowance_share`, under the row's lock, so grants never add up past
 * the cap. `granted` is what the last grant gave (the statement returns it);
 * `expires_at` is when the allowance stops mattering (the end of its day),
 * after which any instance may delete the row.
 *
 * Per-minute limits (`proxy/metering/shared-admission-gate.ts`): a token
 * bucket per attendee and limit, taken from in one conditional upsert.
 *
 * Calls in flight (`proxy/metering/shared-in-flight.ts`): one row per
 * attendee and instance with that instance's count and its last heartbeat;
 * `kit_in_flight_enter` sums the live instances' counts and adds one under an
 * advisory lock on the attendee (each statement of the function sees what
 * the previous holder committed), so two instances cannot both take the
 * last place.
 */
export default {
  version: 2,
  name: 'allowances',
  sql: `
CREATE TABLE kit_allowances (
  key text PRIMARY KEY,
  used bigint NOT NULL,
  granted bigint NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL
);
CREATE INDEX kit_allowances_expiry ON kit_allowances (expires_at);

-- What one grant gives: up to want while more than tail would be left after it, else up to need from the tail;
-- never more than cap - used, never less than nothing.
CREATE FUNCTION kit_allowance_share(used bigint, cap bigint, want bigint, need bigint, tail bigint)
RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN cap - used > tail THEN LEAST(want, cap - used - tail)
              ELSE GREATEST(0, LEAST(need, cap - used)) END
$$;

-- The event's per-minute token buckets (level as of at, in epoch ms, under the limit per_minute), refilled by each take.
CREATE TABLE kit_minute_buckets (
  key text PRIMARY KEY,
  level double precision NOT NULL,
  per_minute double precision NOT NULL,
  at bigint NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE TABLE kit_in_flight (
  attendee_id text NOT NULL,
  instance_id text NOT NULL,
  calls integer NOT NULL,
  seen_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (attendee_id, instance_id)
);
CREATE INDEX kit_in_flight_instance ON kit_in_flight (instance_id);

CREATE FUNCTION kit_in_flight_enter(attendee text, instance text, most integer, stale_ms integer)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  live bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('kit_in_flight:' || attendee, 0));
  SELECT COALESCE(sum(calls), 0) INTO live FROM kit_in_flight
   WHERE attendee_id = attendee AND seen_at > clock_timestamp() - make_interval(secs => stale_ms / 1000.0);
  IF live >= most THEN
    RETURN false;
  END IF;
  INSERT INTO kit_in_flight (attendee_id, instance_id, calls) VALUES (attendee, instance, 1)
  ON CONFLICT (attendee_id, instance_id)
  DO UPDATE SET calls = GREATEST(kit_in_flight.calls, 0) + 1, seen_at = clock_timestamp();
  RETURN true;
END $$;
`,
};
