/**
 * Starts the real kit for a test: port 0, a fresh temporary data dir, no demo
 * unless asked, and helpers to set up resources and events through the admin
 * handlers (the same ones the console calls) and to register attendees.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { createKit, type Kit, type KitOptions } from '../../electron/core/kit.js';
import type { Input, Output } from '../../shared/contract.js';
import { createDatabase } from './pg-cluster.js';

export interface TestKit extends Kit {
  dataDir: string;
  apiBase: string;
  call<M extends keyof Kit['handlers']>(method: M, input: Input<M>): Promise<Output<M>>;
  register(code: string, body?: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/**
 * The store a test kit runs on: the JSON file, or (in the `integration-pg` project, which runs the same
 * suites again) a fresh database on the run's PostgreSQL cluster.
 */
async function storeFor(opts: Partial<KitOptions>, dataDir: string): Promise<Partial<KitOptions>> {
  if (opts.storeUrl || opts.storeFiles || process.env.KIT_TEST_STORE !== 'postgres') return {};
  // A kit started again on the same data dir (a restart) finds the same database.
  const storeUrl = databaseOf.get(dataDir) ?? (await createDatabase(inject('pgUrl')));
  databaseOf.set(dataDir, storeUrl);
  return { storeUrl };
}
const databaseOf = new Map<string, string>();

export async function startKit(opts: Partial<KitOptions> = {}): Promise<TestKit> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'kit-test-')));
  const kit = await createKit({
    ...(await storeFor(opts, dataDir)),
    demo: false,
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    ...opts,
    dataDir,
    env: { ...opts.env },
  });
  const apiBase = `${kit.localUrl}/api/v1`;
  return Object.assign(kit, {
    dataDir,
    apiBase,
    call: (<M extends keyof Kit['handlers']>(method: M, input: Input<M>) =>
      (kit.handlers[method] as (i: unknown) => Promise<Output<M>>)(input)) as TestKit['call'],
    async register(code: string, body: Record<string, unknown> = {}) {
      const r = await fetch(`${kit.localUrl}/join/${code}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    },
    async stop() {
      await kit.close();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  });
}

/**
 * What the kit's store holds durably, as text to search: the store file, or every record in its database
 * (read from the database, not the kit's cache).
 */
export async function storedText(kit: TestKit): Promise<string> {
  const url = databaseOf.get(kit.dataDir);
  if (!url) return readFile(join(kit.dataDir, 'store.json'), 'utf8');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ doc: string }>(
      `SELECT json_build_object(
         'resources', (SELECT coalesce(json_agg(doc ORDER BY seq), '[]') FROM kit_resources),
         'events', (SELECT coalesce(json_agg(doc ORDER BY seq), '[]') FROM kit_events),
         'attendees', (SELECT coalesce(json_agg(doc ORDER BY seq), '[]') FROM kit_attendees),
         'objects', (SELECT coalesce(json_agg(doc ORDER BY seq), '[]') FROM kit_objects))::text AS doc`,
    );
    return rows[0]?.doc ?? '';
  } finally {
    await c.end();
  }
}

export const hour = 3600_000;

/** An event running now (or shifted by `startOffsetMs`), with the given resources. */
export function eventInput(resourceIds: string[], over: Partial<Input<'events.create'>> = {}): Input<'events.create'> {
  const now = Date.now();
  return {
    name: 'Test event',
    startsAt: new Date(now - hour).toISOString(),
    endsAt: new Date(now + hour).toISOString(),
    timeZone: 'Europe/Paris',
    dailyRequestCap: 0,
    maxTokenCap: 0,
    resourceIds,
    enabled: true,
    ...over,
  };
}

/** One azure-openai resource on the emulator, one event using it, one registered attendee. */
export async function azureSetup(kit: TestKit, emulatorUrl: string, deployment = 'gpt-4o-mini') {
  const resource = await kit.call('resources.create', {
    name: 'Emulated Azure OpenAI',
    kind: 'azure-openai',
    endpoint: emulatorUrl,
    deployment,
    auth: { type: 'api-key', key: 'upstream-secret-key-123' },
    enabled: true,
  });
  const event = await kit.call('events.create', eventInput([resource.id]));
  const reg = await kit.register(event.code, { name: 'Ada' });
  return { resource, event, apiKey: reg.body.apiKey as string };
}
