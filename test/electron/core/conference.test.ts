/**
 * Two kit instances on one PostgreSQL database (a throwaway cluster), as at a
 * conference behind a load balancer: a burst of 40 concurrent calls from one
 * attendee spread over both admits exactly a cap of 10; a token budget spent
 * through one is spent on the other; a per-minute limit and calls in flight
 * hold for both together; a leased block comes back when an instance stops;
 * a database outage refuses calls under a cap with 503 (never admits them)
 * and they pass again once it is back; and the live traffic of each instance shows the other's calls, tagged with
 * the instance that served them.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { secretBoxFromKey } from '../../../electron/core/store/secret-box.js';
import type { TrafficRecord } from '../../../shared/types.js';
import { chatCompletion, type Emulator, json, startEmulator } from '../../support/emulator.js';
import { eventInput, startKit, type TestKit } from '../../support/kit.js';
import { createDatabase, type PgCluster, startPgCluster } from '../../support/pg-cluster.js';

let cluster: PgCluster;
let emu: Emulator;
let kits: TestKit[] = [];

beforeAll(async () => {
  cluster = await startPgCluster();
});
afterAll(async () => {
  await cluster?.stop();
});
beforeEach(async () => {
  emu = await startEmulator({ chunkDelayMs: 0 });
});
afterEach(async () => {
  await Promise.all(kits.map((k) => k.stop()));
  kits = [];
  await emu.close();
});

/** Two instances on a fresh database, with the same secret key (as the organizer copies it), and an event. */
async function twoInstances(limits: Parameters<typeof eventInput>[1]) {
  const storeUrl = await createDatabase(cluster.url());
  const secretBox = secretBoxFromKey(randomBytes(32));
  const a = await startKit({ storeUrl, secretBox, instanceName: 'kit-a' });
  kits.push(a);
  const b = await startKit({ storeUrl, secretBox, instanceName: 'kit-b' });
  kits.push(b);
  const resource = await a.call('resources.create', {
    name: 'Emulated',
    kind: 'azure-openai',
    endpoint: emu.url,
    deployment: 'gpt',
    auth: { type: 'api-key', key: 'upstream-key' },
    enabled: true,
  });
  const event = await a.call('events.create', eventInput([resource.id], limits));
  const reg = await a.register(event.code, { name: 'Ada' });
  expect(reg.status).toBe(201);
  return { a, b, storeUrl, apiKey: reg.body.apiKey as string };
}

/** What the instances have taken of one kind of allowance (r: requests, t: tokens), as the database holds it. */
async function taken(storeUrl: string, kind: 'r' | 't'): Promise<number> {
  const c = new pg.Client({ connectionString: storeUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ used: string }>('SELECT used FROM kit_allowances WHERE key LIKE $1', [
      `${kind}|%`,
    ]);
    return Number(rows[0]?.used ?? 0);
  } finally {
    await c.end();
  }
}

async function chat(kit: TestKit, apiKey: string) {
  const r = await fetch(`${kit.apiBase}/openai/deployments/gpt/chat/completions?api-version=2024-10-21`, {
    method: 'POST',
    headers: { 'api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
  });
  const body = (await r.json()) as { error?: { code: string } };
  return { status: r.status, code: body.error?.code };
}

/** A key registered on one instance reaches the other's cache within a second or so. */
async function until(what: () => Promise<boolean>) {
  for (let i = 0; i < 100; i++) {
    if (await what()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out');
}

describe('caps exact across two instances', () => {
  it('admits exactly a daily cap of 10 out of 40 concurrent calls spread over both', async () => {
    const { a, b, apiKey } = await twoInstances({ dailyRequestCap: 10 });
    await until(async () => b.store.attendees.length === 1);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => chat(i % 2 ? b : a, apiKey)));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(10);
    expect(answers.filter((r) => r.code === 'daily_cap_reached')).toHaveLength(30);
    expect(emu.received.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(10);
    // Later calls on either instance are refused too.
    expect((await chat(a, apiKey)).code).toBe('daily_cap_reached');
    expect((await chat(b, apiKey)).code).toBe('daily_cap_reached');
  });

  it('holds a token budget spent through one instance on the other', async () => {
    emu.override(
      () => true,
      (_r, res) =>
        json(res, 200, {
          ...chatCompletion('gpt', 'a long answer'),
          usage: { prompt_tokens: 100, completion_tokens: 300, total_tokens: 400 },
        }),
      10,
    );
    const { a, b, storeUrl, apiKey } = await twoInstances({ dailyTokenBudget: 1000 });
    await until(async () => b.store.attendees.length === 1);
    expect((await chat(a, apiKey)).status).toBe(200);
    expect((await chat(b, apiKey)).status).toBe(200);
    expect((await chat(a, apiKey)).status).toBe(200); // 800 used: a token was left
    // A call’s tokens reach the database a round trip after its answer ended.
    await until(async () => (await taken(storeUrl, 't')) >= 1200);
    expect((await chat(b, apiKey)).code).toBe('token_budget_reached');
    expect((await chat(a, apiKey)).code).toBe('token_budget_reached');
  });

  it('holds a per-minute limit and calls in flight for both together', async () => {
    const { a, b, apiKey } = await twoInstances({ requestsPerMinute: 3 });
    await until(async () => b.store.attendees.length === 1);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => chat(i % 2 ? b : a, apiKey)));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(3);
    expect(answers.filter((r) => r.code === 'rate_limited')).toHaveLength(5);
  });

  it('counts calls in flight over both instances', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    emu.override(
      () => true,
      async (_r, res) => {
        await held;
        json(res, 200, chatCompletion('gpt', 'done'));
      },
    );
    const { a, b, apiKey } = await twoInstances({ concurrentRequests: 1 });
    await until(async () => b.store.attendees.length === 1);
    const first = chat(a, apiKey);
    await until(async () => emu.received.length === 1);
    expect((await chat(b, apiKey)).code).toBe('rate_limited');
    release();
    expect((await first).status).toBe(200);
    // The place is given back by a statement sent after the answer: the other instance admits once it lands.
    await until(async () => (await chat(b, apiKey)).status === 200);
  });

  it('gives a leased block back when an instance stops', async () => {
    const { a, storeUrl, apiKey } = await twoInstances({ dailyRequestCap: 5000 });
    expect((await chat(a, apiKey)).status).toBe(200);
    expect(await taken(storeUrl, 'r')).toBe(32); // a block leased for this and the next calls
    expect((await chat(a, apiKey)).status).toBe(200);
    expect(await taken(storeUrl, 'r')).toBe(32); // served from the block: the database was not asked
    await a.stop();
    kits = kits.filter((k) => k !== a);
    expect(await taken(storeUrl, 'r')).toBe(2);
  });
});

describe('a database outage', () => {
  it('refuses calls under a cap with 503 store_unavailable, never past it, and serves them again after', async () => {
    const { a, b, apiKey } = await twoInstances({ dailyRequestCap: 10 });
    await until(async () => b.store.attendees.length === 1);
    expect((await chat(a, apiKey)).status).toBe(200);
    await cluster.halt();
    try {
      const during = await Promise.all([chat(a, apiKey), chat(b, apiKey)]);
      expect(during).toEqual([
        { status: 503, code: 'store_unavailable' },
        { status: 503, code: 'store_unavailable' },
      ]);
    } finally {
      await cluster.resume();
    }
    await until(async () => (await chat(b, apiKey)).status === 200);
    await until(async () => (await chat(a, apiKey)).status === 200);
    // Three of ten are used (the refused calls took nothing): seven more, then the cap.
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => chat(i % 2 ? b : a, apiKey)));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(7);
    expect(answers.filter((r) => r.code === 'daily_cap_reached')).toHaveLength(5);
  });
});

describe('live traffic across instances', () => {
  it('shows each instance the calls the other served, tagged with its name', async () => {
    const { a, b, apiKey } = await twoInstances({});
    await until(async () => b.store.attendees.length === 1);
    expect((await chat(a, apiKey)).status).toBe(200);
    expect((await chat(b, apiKey)).status).toBe(200);
    const seen = (k: TestKit) => k.feed.recent().map((r: TrafficRecord) => r.instance);
    await until(async () => seen(a).length === 2 && seen(b).length === 2);
    for (const k of [a, b]) expect(seen(k).sort()).toEqual(['kit-a', 'kit-b']);
    const fromA = b.feed.recent().find((r) => r.instance === 'kit-a');
    expect(fromA).toMatchObject({ status: 200, deployment: 'gpt', attendeeName: 'Ada', method: 'POST' });
    // Nothing secret travels: no key, no query string.
    expect(JSON.stringify(b.feed.recent())).not.toContain(apiKey);
    expect(fromA?.path).not.toContain('api-version');
  });
});
