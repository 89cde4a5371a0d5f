/**
 * Faults with kits on one PostgreSQL database: a kit killed (-9) during a
 * registration burst loses nothing it acknowledged while the other goes on
 * serving; a database restart makes writes answer 503 store_unavailable in
 * bounded time while cached keys keep working, and the kits recover by
 * themselves (reconnect, listen again, read everything again).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashKey } from '../../../../../electron/core/registration/keys.js';
import { secretBoxFromKey } from '../../../../../electron/core/store/secret-box.js';
import { startEmulator } from '../../../../support/emulator.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';
import { type KitProcess, startKitProcess } from '../../../../support/kit-process.js';
import { type PgCluster, startPgCluster } from '../../../../support/pg-cluster.js';

const TOKEN = 'pg-fault-admin-token-0123456789';
let cluster: PgCluster;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  cluster = await startPgCluster();
});
afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
  await cluster?.stop();
});

const playground = {
  name: 'Playground',
  kind: 'playground',
  endpoint: 'builtin:playground',
  deployment: 'playground',
  auth: { type: 'none' },
  enabled: true,
} as const;

async function chat(apiBase: string, key: string, deployment = 'playground'): Promise<number> {
  const r = await fetch(`${apiBase}/openai/deployments/${deployment}/chat/completions?api-version=2024-10-21`, {
    method: 'POST',
    headers: { 'api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
  });
  await r.arrayBuffer();
  return r.status;
}

async function register(base: string, code: string, name: string) {
  const r = await fetch(`${base}/join/${code}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  return { status: r.status, body: (await r.json()) as { apiKey?: string; error?: { code: string } } };
}

/** Two data dirs holding the same secret key, as every kit on one database must. */
async function dataDirs(n: number): Promise<string[]> {
  const key = randomBytes(32).toString('base64');
  const dirs: string[] = [];
  for (let i = 0; i < n; i++) {
    const dir = await mkdtemp(join(tmpdir(), 'kit-pg-fault-'));
    await writeFile(join(dir, 'secret.key'), key, { mode: 0o600 });
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    dirs.push(dir);
  }
  return dirs;
}

describe('a kit killed during a registration burst', () => {
  it('loses nothing it acknowledged, and the other kit keeps serving', async () => {
    const url = await cluster.database();
    const [dirA, dirB] = await dataDirs(2);
    const start = (dir: string) => startKitProcess(dir, TOKEN, 20_000, { args: ['--store', url] });
    const [victim, survivor] = (await Promise.all([start(dirA as string), start(dirB as string)])) as [
      KitProcess,
      KitProcess,
    ];
    cleanup.push(
      () => victim.kill('SIGKILL'),
      () => survivor.kill('SIGKILL'),
    );
    expect(survivor.stdout()).toMatch(/Store: PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\//);

    // An upstream with a sealed key, made on the victim: the survivor opens it with the same secret.key.
    const emu = await startEmulator({ chunkDelayMs: 0 });
    cleanup.push(() => emu.close());
    const resource = await victim.admin<{ id: string }>('resources.create', {
      name: 'Azure OpenAI',
      kind: 'azure-openai',
      endpoint: emu.url,
      deployment: 'gpt-4o-mini',
      auth: { type: 'api-key', key: 'fault-upstream-key-0123456789' },
      enabled: true,
    });
    const event = await victim.admin<{ id: string; code: string }>('events.create', eventInput([resource.id]));
    await vi.waitFor(async () => expect((await register(survivor.url, event.code, 'warm-up')).status).toBe(201), {
      timeout: 2000,
    });

    const acked: Array<{ name: string; key: string; on: 'victim' | 'survivor' }> = [];
    const survivorRefusals: number[] = [];
    let killed: Promise<number | string> | undefined;
    let next = 0;
    const TOTAL = 120;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < TOTAL) {
          const i = next++;
          const on = i % 2 ? 'survivor' : 'victim';
          const kit = on === 'victim' ? victim : survivor;
          const name = `burst-${i}`;
          if (on === 'victim' && !killed && acked.filter((a) => a.on === 'victim').length >= 15) {
            killed = victim.kill('SIGKILL');
          }
          try {
            const r = await register(kit.url, event.code, name);
            if (r.status === 201 && r.body.apiKey) acked.push({ name, key: r.body.apiKey, on });
            else if (on === 'survivor') survivorRefusals.push(r.status);
          } catch (e) {
            if (on === 'survivor') throw e;
            // The victim is gone: its connection was cut, and nothing was acknowledged.
          }
        }
      }),
    );
    expect(await killed).toBe('SIGKILL');
    expect(survivorRefusals).toEqual([]);
    expect(acked.filter((a) => a.on === 'victim').length).toBeGreaterThanOrEqual(15);
    expect(acked.filter((a) => a.on === 'survivor')).toHaveLength(TOTAL / 2);

    // Every acknowledged registration is in the database, and the survivor lists and admits it.
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const { rows } = await db.query<{ key_hash: string }>('SELECT key_hash FROM kit_attendees').finally(() => db.end());
    const stored = new Set(rows.map((r) => r.key_hash));
    expect(acked.filter((a) => !stored.has(hashKey(a.key)))).toEqual([]);
    const listed = new Set(
      (await survivor.admin<Array<{ name: string }>>('attendees.list', { eventId: event.id })).map((a) => a.name),
    );
    expect(acked.filter((a) => !listed.has(a.name))).toEqual([]);
    for (const a of acked.filter((x) => x.on === 'victim').slice(0, 5))
      expect(await chat(survivor.apiBase, a.key, 'gpt-4o-mini')).toBe(200);
    expect((await register(survivor.url, event.code, 'after')).status).toBe(201);
  });
});

describe('a database restart', () => {
  it('refuses writes with 503 in bounded time, keeps cached keys working, and recovers by itself', async () => {
    const url = await cluster.database();
    const secretBox = secretBoxFromKey(randomBytes(32));
    const lines: string[] = [];
    const a: TestKit = await startKit({ storeUrl: url, secretBox, log: (l) => void lines.push(l) });
    const b: TestKit = await startKit({ storeUrl: url, secretBox, log: () => undefined });
    cleanup.push(
      () => a.stop(),
      () => b.stop(),
    );
    const resource = await a.call('resources.create', playground);
    const event = await a.call('events.create', eventInput([resource.id]));
    const ada = await a.register(event.code, { name: 'Ada' });
    const key = ada.body.apiKey as string;
    await vi.waitFor(() => expect(b.store.attendeeByKeyHash(hashKey(key))).toBeDefined(), { timeout: 1000 });

    await cluster.halt();
    try {
      const asked = Date.now();
      const refused = await a.register(event.code, { name: 'During the outage' });
      expect(refused.status).toBe(503);
      expect((refused.body.error as { code: string }).code).toBe('store_unavailable');
      expect(Date.now() - asked).toBeLessThan(10_000);
      expect(a.info().store.state).toBe('failing');
      expect(a.info().store.message).toMatch(/database cannot be reached/);
      // Reads come from memory: the key registered before works on both kits.
      expect(await chat(a.apiBase, key)).toBe(200);
      expect(await chat(b.apiBase, key)).toBe(200);
      expect(await chat(b.apiBase, 'apk-unknown-key-during-outage')).toBe(401);
    } finally {
      await cluster.resume();
    }

    // Recovery by itself: writes land again, and the change feed is back (b hears a's new event).
    await vi.waitFor(async () => expect((await a.register(event.code, { name: 'After' })).status).toBe(201), {
      timeout: 15_000,
      interval: 200,
    });
    expect(a.info().store.state).toBe('ok');
    const later = await a.call('events.create', eventInput([resource.id], { name: 'After the restart' }));
    await vi.waitFor(() => expect(b.store.event(later.id)?.name).toBe('After the restart'), {
      timeout: 5000,
      interval: 50,
    });
    expect(lines.join('\n')).toMatch(/The kit saves again/);
    expect(lines.join('\n')).not.toMatch(/postgres:\/\/[^@\s]*:[^@\s]*@/);
  });
});
