/**
 * Crash safety: the kit is killed with SIGKILL in the middle of a burst of
 * 300 registrations and proxied calls. After a restart on the same data dir
 * the store still parses, every registration that was acknowledged (201) is
 * there and its key works, the upstream secret still opens, and the usage
 * lost is at most what the ledger's flush interval (2 s, docs/limits-and-usage.md)
 * had not yet written.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../../support/emulator.js';
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
  dataDir = await mkdtemp(join(tmpdir(), 'kit-crash-'));
});
afterAll(async () => {
  await kit?.kill('SIGKILL');
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

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
    const now = Date.now();
    const event = await kit.admin<{ id: string; code: string }>('events.create', {
      name: 'Crash event',
      startsAt: new Date(now - 3600_000).toISOString(),
      endsAt: new Date(now + 3600_000).toISOString(),
      timeZone: 'UTC',
      dailyRequestCap: 0,
      maxTokenCap: 0,
      resourceIds: [resource.id],
      enabled: true,
    });
    const joinUrl = `${kit.url}/join/${event.code}`;
    const first = await fetch(joinUrl, { method: 'POST', body: '{"name":"first"}' });
    const firstKey = ((await first.json()) as { apiKey: string }).apiKey;
    expect(await chat(kit.apiBase, firstKey)).toBe(200);

    const acked: string[] = [];
    /** When each proxied call was answered 200. */
    const answeredAt: number[] = [];
    let killedAt = 0;
    let killed: Promise<number | string> | undefined;
    const victim = kit;
    const traffic = pool(
      Array.from({ length: 100_000 }, (_, i) => i),
      8,
      async () => {
        if (killed) return;
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
          if (acked.length === KILL_AFTER) {
            killedAt = Date.now();
            killed = victim.kill('SIGKILL');
          }
        } catch (e) {
          // Only a connection cut by the kill is expected.
          if (!killed) throw e;
        }
      },
    );
    await Promise.all([registrations, traffic]);
    expect(killed, 'the kill happened mid-burst').toBeDefined();
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
    const upstreamKeys = new Set(emu.received.slice(before).map((r) => r.headers['api-key']));
    expect([...upstreamKeys]).toEqual([UPSTREAM_KEY]);
    await kit.kill('SIGTERM');
    kit = undefined;
  }, 90_000);
});
