/**
 * The first schema: one table per record kind. Each record is kept whole as
 * `doc` (jsonb, the same shape the JSON store writes, upstream secrets
 * sealed) beside the columns the rules and lookups need (an event's code, an
 * attendee's key and device hashes, an object's parent); usage counters are
 * real columns, so increments add up in SQL. `seq` keeps the order records
 * were made in; `rev` (from one sequence, stamped on every insert and update
 * while the row is locked) orders versions of a row, so an instance applying
 * notifications and its own writes keeps the newest. Every change to a
 * record table notifies `kit_store` with the table, the row's key and that
 * revision (a delete takes a fresh one); the notification is delivered at
 * commit, to every instance listening.
 */
export default {
  version: 1,
  name: 'initial',
  sql: `
CREATE SEQUENCE kit_rev;

CREATE FUNCTION kit_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.rev := nextval('kit_rev');
  RETURN NEW;
END $$;

-- One function per key shape: PL/pgSQL resolves every field it names, so OLD.type cannot sit in a branch
-- for tables without it.
CREATE FUNCTION kit_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('kit_store', json_build_object('t', TG_TABLE_NAME, 'k', json_build_array(OLD.id), 'r', nextval('kit_rev'))::text);
  ELSE
    PERFORM pg_notify('kit_store', json_build_object('t', TG_TABLE_NAME, 'k', json_build_array(NEW.id), 'r', NEW.rev)::text);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION kit_notify_object() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('kit_store', json_build_object('t', TG_TABLE_NAME, 'k', json_build_array(OLD.type, OLD.id), 'r', nextval('kit_rev'))::text);
  ELSE
    PERFORM pg_notify('kit_store', json_build_object('t', TG_TABLE_NAME, 'k', json_build_array(NEW.type, NEW.id), 'r', NEW.rev)::text);
  END IF;
  RETURN NULL;
END $$;

CREATE TABLE kit_resources (
  id text PRIMARY KEY,
  seq bigserial NOT NULL,
  rev bigint NOT NULL DEFAULT 0,
  doc jsonb NOT NULL
);

CREATE TABLE kit_events (
  id text PRIMARY KEY,
  seq bigserial NOT NULL,
  rev bigint NOT NULL DEFAULT 0,
  code_key text NOT NULL,
  doc jsonb NOT NULL,
  CONSTRAINT kit_events_code_key UNIQUE (code_key)
);

CREATE TABLE kit_attendees (
  id text PRIMARY KEY,
  seq bigserial NOT NULL,
  rev bigint NOT NULL DEFAULT 0,
  event_id text NOT NULL REFERENCES kit_events (id) ON DELETE CASCADE,
  key_hash text NOT NULL,
  device_hash text,
  doc jsonb NOT NULL,
  CONSTRAINT kit_attendees_key_hash UNIQUE (key_hash)
);
CREATE INDEX kit_attendees_device ON kit_attendees (event_id, device_hash);

CREATE TABLE kit_objects (
  type text NOT NULL,
  id text NOT NULL,
  seq bigserial NOT NULL,
  rev bigint NOT NULL DEFAULT 0,
  event_id text NOT NULL REFERENCES kit_events (id) ON DELETE CASCADE,
  parent_id text,
  doc jsonb NOT NULL,
  PRIMARY KEY (type, id)
);
CREATE INDEX kit_objects_parent ON kit_objects (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX kit_objects_event ON kit_objects (event_id);

CREATE TABLE kit_usage (
  attendee_id text NOT NULL,
  deployment text NOT NULL,
  day text NOT NULL,
  event_id text NOT NULL REFERENCES kit_events (id) ON DELETE CASCADE,
  seq bigserial NOT NULL,
  requests bigint NOT NULL DEFAULT 0,
  prompt_tokens bigint NOT NULL DEFAULT 0,
  completion_tokens bigint NOT NULL DEFAULT 0,
  total_tokens bigint NOT NULL DEFAULT 0,
  errors bigint NOT NULL DEFAULT 0,
  first_call_at timestamptz,
  last_call_at timestamptz,
  PRIMARY KEY (attendee_id, deployment, day)
);
CREATE INDEX kit_usage_event ON kit_usage (event_id);

CREATE TRIGGER kit_resources_stamp BEFORE INSERT OR UPDATE ON kit_resources FOR EACH ROW EXECUTE FUNCTION kit_stamp();
CREATE TRIGGER kit_events_stamp BEFORE INSERT OR UPDATE ON kit_events FOR EACH ROW EXECUTE FUNCTION kit_stamp();
CREATE TRIGGER kit_attendees_stamp BEFORE INSERT OR UPDATE ON kit_attendees FOR EACH ROW EXECUTE FUNCTION kit_stamp();
CREATE TRIGGER kit_objects_stamp BEFORE INSERT OR UPDATE ON kit_objects FOR EACH ROW EXECUTE FUNCTION kit_stamp();
CREATE TRIGGER kit_resources_notify AFTER INSERT OR UPDATE OR DELETE ON kit_resources FOR EACH ROW EXECUTE FUNCTION kit_notify();
CREATE TRIGGER kit_events_notify AFTER INSERT OR UPDATE OR DELETE ON kit_events FOR EACH ROW EXECUTE FUNCTION kit_notify();
CREATE TRIGGER kit_attendees_notify AFTER INSERT OR UPDATE OR DELETE ON kit_attendees FOR EACH ROW EXECUTE FUNCTION kit_notify();
CREATE TRIGGER kit_objects_notify AFTER INSERT OR UPDATE OR DELETE ON kit_objects FOR EACH ROW EXECUTE FUNCTION kit_notify_object();
`,
};
