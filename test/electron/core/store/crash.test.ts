/**
 * Crash safety: the kit is killed with SIGKILL in the middle of a burst of
 * 300 registrations and proxied calls. After a restart on the same data dir
 * the store still parses, every registration that was acknowledged (201) is
 * there and its key works, every agent an attendee created (and was told
 * about) is still theirs alone, the upstream secret still opens, and the usage
 * lost is at most what the ledger's flush interval (2 s, docs/limits-and-usage.md)
 * had not yet written.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../../support/emulator.js';
import { addFoundry } from '../../../support/foundry.js';
import { type KitProcess, startKitProcess } from '../../../support/kit-process.js';

const TOKEN = 'crash-test-admin-token';
const UPSTREAM_KEY = 'crash-upstream-key-0123456789';
const BURST = 300;
const KILL_AFTER = 150;
const FLUSH_MS = 2000;
/** Traffic runs this long before the registration burst, so usage older than the flush interval exists. */
const TRAFFIC_LEAD_MS = FLUSH_MS + 1500;

let emu: Emulator;
let dataDir: string;
let kit: KitProcess | undefined;

beforeAll(async () => {
  emu = await startEmulator({ chunkDelayMs: 0 });
  addFoundry(emu);
  dataDir = await mkdtemp(join(tmpdir(), 'kit-crash-'));
});
afterAll(async () => {
  await kit?.kill('SIGKILL');
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const AGENTS = '/assistants?api-version=2025-05-15-preview';

async function createAgent(apiBase: string, key: string): Promise<string> {
  const r = await fetch(`${apiBase}${AGENTS}`, {
    method: 'POST',
    headers: { 'api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-crash', name: 'crash agent' }),
  });
  const body = (await r.json()) as { id?: string };
  if (r.status !== 200 || !body.id) throw new Error(`agent creation answered ${r.status}`);
  return body.id;
}

async function getAgent(apiBase: string, key: string, id: string): Promise<number> {
  const r = await fetch(`${apiBase}/assistants/${id}?api-version=2025-05-15-preview`, { headers: { 'api-key': key } });
  await r.arrayBuffer();
  return r.status;
}

async function chat(apiBase: string, key: string): Promise<number> {
  const r = await fetch(`${apiBase}/openai/deployments/gpt-crash/chat/completions?api-version=2024-10-21`, {
    method: 'POST',
    headers: { 'api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
  });
  await r.arrayBuffer();
  return r.status;
}

/** Runs `fn` over `items` with at most `width` in flight. */
async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

describe('SIGKILL during a registration and traffic burst', () => {
  it('keeps every acknowledged registration, and the store parses', async () => {
    kit = await startKitProcess(dataDir, TOKEN);
    const resource = await kit.admin<{ id: string }>('resources.create', {
      name: 'crash upstream',
      kind: 'azure-openai',
      endpoint: emu.url,
      deployment: 'gpt-crash',
      auth: { type: 'api-key', key: UPSTREAM_KEY },
      enabled: true,
    });
    const project = await kit.admin<{ id: string }>('resources.create', {
      name: 'crash project',
      kind: 'foundry-agents',
      endpoint: `${emu.url}/api/projects/p1`,
      deployment: 'agents',
      auth: { type: 'bearer', token: 'crash-foundry-token' },
      enabled: true,
    });
    const now = Date.now();
    const event = await kit.admin<{ id: string; code: string }>('events.create', {
      name: 'Crash event',
      startsAt: new Date(now - 3600_000).toISOString(),
      endsAt: new Date(now + 3600_000).toISOString(),
      timeZone: 'UTC',
      dailyRequestCap: 0,
      maxTokenCap: 0,
      resourceIds: [resource.id, project.id],
      enabled: true,
    });
    const joinUrl = `${kit.url}/join/${event.code}`;
    const first = await fetch(joinUrl, { method: 'POST', body: '{"name":"first"}' });
    const firstKey = ((await first.json()) as { apiKey: string }).apiKey;
    expect(await chat(kit.apiBase, firstKey)).toBe(200);

    const acked: string[] = [];
    /** Agents whose creation was answered, with their owner's key. */
    const agents: Array<{ key: string; id: string }> = [];
    /** When each proxied call was answered 200. */
    const answeredAt: number[] = [];
    let killedAt = 0;
    /** Set when the registration burst is over, however it ended, so the traffic stops too. */
    let over = false;
    let killed: Promise<number | string> | undefined;
    const victim = kit;
    const traffic = pool(
      Array.from({ length: 100_000 }, (_, i) => i),
      8,
      async () => {
        if (killed || over) return;
        try {
          if ((await chat(victim.apiBase, firstKey)) === 200) answeredAt.push(Date.now());
        } catch (e) {
          if (!killed) throw e;
        }
      },
    );
    await new Promise((r) => setTimeout(r, TRAFFIC_LEAD_MS));
    const registrations = pool(
      Array.from({ length: BURST }, (_, i) => i),
      24,
      async (i) => {
        if (killed) return;
        try {
          const r = await fetch(joinUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: `attendee ${i}` }),
          });
          if (r.status !== 201) throw new Error(`registration answered ${r.status}`);
          const body = (await r.json()) as { apiKey: string };
          acked.push(body.apiKey);
          if (acked.length >= KILL_AFTER && !killed) {
            killedAt = Date.now();
            killed = victim.kill('SIGKILL');
            return;
          }
          const id = await createAgent(victim.apiBase, body.apiKey);
          agents.push({ key: body.apiKey, id });
        } catch (e) {
          // Only a connection cut by the kill is expected.
          if (!killed) throw e;
        }
      },
    );
    await Promise.all([registrations.finally(() => (over = true)), traffic]);
    expect(killed, `the kill happened mid-burst (${acked.length} acked, ${agents.length} agents)`).toBeDefined();
    expect(await killed).toBe('SIGKILL');
    expect(answeredAt.length).toBeGreaterThan(0);
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(acked.length).toBeLessThan(BURST);

    // The file on disk is whole JSON and holds every key that was handed out.
    const text = await readFile(join(dataDir, 'store.json'), 'utf8');
    const onDisk = JSON.parse(text) as { attendees: Array<{ keyHash: string }> };
    const hashes = new Set(onDisk.attendees.map((a) => a.keyHash));
    const missing = acked.filter((k) => !hashes.has(sha256(k)));
    expect(missing).toEqual([]);
    expect(hashes.has(sha256(firstKey))).toBe(true);
    // Every agent whose creation was answered is recorded as its creator's.
    const stored = onDisk as unknown as {
      attendees: Array<{ id: string; keyHash: string }>;
      objects: Array<{ id: string; attendeeId: string }>;
    };
    const ownerOf = new Map(stored.objects.map((o) => [o.id, o.attendeeId]));
    const idOf = new Map(stored.attendees.map((a) => [a.keyHash, a.id]));
    expect(agents.length).toBeGreaterThan(KILL_AFTER / 2);
    expect(agents.filter((a) => ownerOf.get(a.id) !== idOf.get(sha256(a.key)))).toEqual([]);
    expect(text).not.toContain(UPSTREAM_KEY);

    // Usage: every call answered more than a flush interval (plus a write's time) before the kill is counted.
    const usage = onDisk as unknown as {
      attendees: Array<{ id: string; keyHash: string }>;
      usage: Array<{ attendeeId: string; requests: number }>;
    };
    const firstId = usage.attendees.find((a) => a.keyHash === sha256(firstKey))?.id;
    const counted = usage.usage.filter((u) => u.attendeeId === firstId).reduce((n, u) => n + u.requests, 0);
    const surelyWritten = answeredAt.filter((t) => t < killedAt - FLUSH_MS - 1000).length;
    expect(surelyWritten).toBeGreaterThan(0);
    expect(counted).toBeGreaterThanOrEqual(surelyWritten);
    // The first call before the burst is counted too; nothing is counted that was not sent.
    expect(counted).toBeLessThanOrEqual(answeredAt.length + 1 + 8);

    // After a restart every acknowledged key works, and the sealed upstream key still opens.
    kit = await startKitProcess(dataDir, TOKEN);
    const restarted = kit;
    const before = emu.received.length;
    const statuses: number[] = [];
    await pool([firstKey, ...acked], 16, async (key) => {
      statuses.push(await chat(restarted.apiBase, key));
    });
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const owned: number[] = [];
    const foreign: number[] = [];
    await pool(agents, 16, async (a) => {
      owned.push(await getAgent(restarted.apiBase, a.key, a.id));
      foreign.push(await getAgent(restarted.apiBase, firstKey, a.id));
    });
    expect(owned.filter((s) => s !== 200)).toEqual([]);
    expect(foreign.filter((s) => s !== 404)).toEqual([]);
    const upstreamKeys = new Set(
      emu.received
        .slice(before)
        .filter((r) => r.path.startsWith('/openai/deployments/'))
        .map((r) => r.headers['api-key']),
    );
    expect([...upstreamKeys]).toEqual([UPSTREAM_KEY]);
    await kit.kill('SIGTERM');
    kit = undefined;
  }, 90_000);
});
