/**
 * Several resources behind one deployment name, through the real kit:
 * failover before the first byte (429 with a retry hint, 5xx, connect
 * errors), the throttled resource skipped until its deadline and back after
 * it, bounded attempts, the OpenAI-compatible fallback tier with its model
 * override, never a retry once bytes reached the client, and the timeouts.
 */
import { AzureOpenAI } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, json, startEmulator } from '../../../../support/emulator.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';
import { REFUSED_PORT } from '../../../../support/refused-port.js';

const API_VERSION = '2024-10-21';
let kit: TestKit | undefined;
const emulators: Emulator[] = [];

afterEach(async () => {
  await kit?.stop();
  kit = undefined;
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function emulator(chunkDelayMs = 0): Promise<Emulator> {
  const e = await startEmulator({ chunkDelayMs });
  emulators.push(e);
  return e;
}

/** An upstream with nothing listening on its port. */
const DEAD_URL = `http://127.0.0.1:${REFUSED_PORT}`;

type Spec = { url: string; kind?: 'azure-openai' | 'openai-compatible'; weight?: number; upstreamDeployment?: string };

async function setup(specs: Spec[], opts: Parameters<typeof startKit>[0] = {}) {
  // A fixed draw keeps equal weights in the event's order, so each test knows who goes first.
  kit = await startKit({ routing: { random: () => 0.5 }, ...opts });
  const ids: string[] = [];
  for (const [i, s] of specs.entries()) {
    const r = await kit.call('resources.create', {
      name: `r${i}`,
      kind: s.kind ?? 'azure-openai',
      endpoint: s.kind === 'openai-compatible' ? `${s.url}/v1` : s.url,
      deployment: 'gpt',
      ...(s.upstreamDeployment ? { upstreamDeployment: s.upstreamDeployment } : {}),
      ...(s.weight ? { weight: s.weight } : {}),
      auth: { type: 'api-key', key: `key-${i}` },
      enabled: true,
    });
    ids.push(r.id);
  }
  const event = await kit.call('events.create', eventInput(ids));
  const reg = await kit.register(event.code, { name: 'Ada' });
  const apiKey = reg.body.apiKey as string;
  const client = new AzureOpenAI({ endpoint: kit.apiBase, apiKey, apiVersion: API_VERSION, maxRetries: 0 });
  return { ids, event, apiKey, client };
}

const messages = [{ role: 'user' as const, content: 'hi' }];

/** Polls a condition for up to `ms` (bounded), for effects that land after the response (aborts, records). */
async function eventually(cond: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; waited < ms && !cond(); waited += 20) await new Promise((ok) => setTimeout(ok, 20));
}
const chats = (e: Emulator) => e.received.filter((r) => r.path.endsWith('/chat/completions')).length;
const health = async (id: string) => (await kit!.call('resources.list', {})).find((r) => r.id === id)?.health;

describe('failover', { timeout: 30_000 }, () => {
  it('rides over a 429, skips the throttled resource until its deadline, then uses it again', async () => {
    const a = await emulator();
    const b = await emulator();
    // The kit's clock is the test's: deadlines are exact and nothing depends on how busy the machine is.
    const clock = { t: Date.now() };
    const { client, ids, event } = await setup([{ url: a.url }, { url: b.url }], { now: () => clock.t });
    a.override(
      () => true,
      (_r, res) => json(res, 429, { error: { code: '429', message: 'slow down' } }, { 'retry-after-ms': '700' }),
    );
    const first = await client.chat.completions.create({ model: 'gpt', messages });
    expect(first.choices[0]?.message.content).toBe('Hello from the emulator'); // no client-visible error
    expect([chats(a), chats(b)]).toEqual([1, 1]);

    const h = await health(ids[0] as string);
    expect(h?.state).toBe('cooling-down');
    expect(h?.lastError).toContain('429');
    expect(Date.parse(h?.coolDownUntil ?? '')).toBe(clock.t + 700);

    // Until the deadline, A is not even tried.
    clock.t += 699;
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'gpt', messages });
    expect([chats(a), chats(b)]).toEqual([1, 4]);

    clock.t += 1;
    await client.chat.completions.create({ model: 'gpt', messages });
    expect([chats(a), chats(b)]).toEqual([2, 4]); // back in rotation, first again
    expect((await health(ids[0] as string))?.state).toBe('healthy');

    // Every client call counted once, however many resources it took.
    expect((await kit!.call('usage.report', { eventId: event.id })).attendees[0]?.requests).toBe(5);
  });

  it('honours the latest of retry-after-ms, x-ms-retry-after-ms and retry-after', async () => {
    const a = await emulator();
    const b = await emulator();
    const clock = { t: Date.now() };
    const { client, ids } = await setup([{ url: a.url }, { url: b.url }], { now: () => clock.t });
    a.override(
      () => true,
      (_r, res) =>
        json(
          res,
          429,
          { error: { code: '429', message: 'x' } },
          {
            'retry-after-ms': '100',
            'x-ms-retry-after-ms': '200',
            'retry-after': '30',
          },
        ),
    );
    await client.chat.completions.create({ model: 'gpt', messages });
    expect(Date.parse((await health(ids[0] as string))?.coolDownUntil ?? '')).toBe(clock.t + 30_000);
  });

  it('fails over on 5xx and on connect errors, and reports both in health', async () => {
    const dead = DEAD_URL;
    const a = await emulator();
    const b = await emulator();
    const { client, ids } = await setup([{ url: dead }, { url: a.url }, { url: b.url }]);
    a.override(
      () => true,
      (_r, res) => json(res, 503, { error: { code: 'ServiceUnavailable', message: 'busy' } }),
    );
    const r = await client.chat.completions.create({ model: 'gpt', messages });
    expect(r.choices[0]?.message.content).toBe('Hello from the emulator');
    expect([chats(a), chats(b)]).toEqual([1, 1]);
    expect((await health(ids[0] as string))?.state).toBe('failing');
    expect((await health(ids[0] as string))?.lastError).toMatch(/ECONNREFUSED|upstream_unavailable/);
    expect((await health(ids[1] as string))?.lastError).toContain('503');
    expect((await health(ids[2] as string))?.state).toBe('healthy');
  });

  it('stops after the attempt bound and passes the last upstream answer through', async () => {
    const es = await Promise.all([emulator(), emulator(), emulator(), emulator()]);
    for (const e of es)
      e.override(
        () => true,
        (_r, res) => json(res, 500, { error: { code: 'InternalServerError', message: `down ${e.url}` } }),
        5,
      );
    const { apiKey } = await setup(es.map((e) => ({ url: e.url })));
    const res = await fetch(`${kit!.apiBase}/openai/deployments/gpt/chat/completions?api-version=${API_VERSION}`, {
      method: 'POST',
      headers: { 'api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messages }),
    });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(es[2]?.url);
    expect(es.map(chats)).toEqual([1, 1, 1, 0]); // three attempts, not four
  });

  it('answers 502 upstream_unavailable when no resource can be reached', async () => {
    const { apiKey, event } = await setup([{ url: DEAD_URL }, { url: DEAD_URL }]);
    const res = await fetch(`${kit!.apiBase}/openai/deployments/gpt/chat/completions?api-version=${API_VERSION}`, {
      method: 'POST',
      headers: { 'api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messages }),
    });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_unavailable');
    expect((await kit!.call('usage.report', { eventId: event.id })).attendees[0]).toMatchObject({
      requests: 1,
      errors: 1,
    });
  });

  it('falls back to an OpenAI-compatible resource with its model override, after the Azure ones', async () => {
    const azure = await emulator();
    const local = await emulator();
    // The fallback is listed first and weighs more: it is still tried only after Azure.
    const { client } = await setup([
      { url: local.url, kind: 'openai-compatible', upstreamDeployment: 'llama3.2', weight: 10 },
      { url: azure.url },
    ]);
    await client.chat.completions.create({ model: 'gpt', messages });
    expect([chats(azure), chats(local)]).toEqual([1, 0]);
    azure.override(
      () => true,
      (_r, res) => json(res, 500, { error: { code: 'x', message: 'x' } }),
    );
    const r = await client.chat.completions.create({ model: 'gpt', messages });
    expect(r.choices[0]?.message.content).toBe('Hello from the emulator');
    const got = local.received.at(-1);
    expect(got?.path).toBe('/v1/chat/completions');
    expect((got?.json as { model?: string } | undefined)?.model).toBe('llama3.2');
    expect(got?.headers.authorization).toBe('Bearer key-0');
  });

  it('never retries once bytes reached the client', async () => {
    const a = await emulator();
    const b = await emulator();
    const { apiKey } = await setup([{ url: a.url }, { url: b.url }]);
    a.override(
      () => true,
      (_r, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'partial' } }] })}\n\n`);
        setTimeout(() => res.destroy(), 50);
      },
    );
    const res = await fetch(`${kit!.apiBase}/openai/deployments/gpt/chat/completions?api-version=${API_VERSION}`, {
      method: 'POST',
      headers: { 'api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messages, stream: true }),
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow(); // cut, so the client knows it is incomplete
    expect(chats(b)).toBe(0);
  });

  it('spreads calls by weight', async () => {
    const light = await emulator();
    const heavy = await emulator();
    // A real random draw here: 3:1 weights over 80 calls.
    const { client } = await setup(
      [
        { url: light.url, weight: 1 },
        { url: heavy.url, weight: 3 },
      ],
      {
        routing: { random: Math.random },
      },
    );
    for (let i = 0; i < 80; i++) await client.embeddings.create({ model: 'gpt', input: 'x' });
    const share = heavy.received.length / 80;
    expect(share).toBeGreaterThan(0.55);
    expect(share).toBeLessThan(0.93);
  });
});

describe('timeouts', { timeout: 30_000 }, () => {
  it('maps a missing first byte to 504 upstream_timeout and aborts the upstream request', async () => {
    const a = await emulator();
    const { apiKey } = await setup([{ url: a.url }], { timeouts: { firstByteMs: 300 } });
    a.override(
      () => true,
      () => undefined, // never answers
    );
    const started = Date.now();
    const res = await fetch(`${kit!.apiBase}/openai/deployments/gpt/chat/completions?api-version=${API_VERSION}`, {
      method: 'POST',
      headers: { 'api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messages }),
    });
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_timeout');
    expect(Date.now() - started).toBeLessThan(10_000); // the 300 ms bound, not the 120 s default
    await eventually(() => a.aborted.length > 0);
    expect(a.aborted).toHaveLength(1);
  });

  it('cuts a stream that goes idle and aborts the upstream request', async () => {
    const a = await emulator();
    const { apiKey } = await setup([{ url: a.url }], { timeouts: { idleMs: 300 } });
    a.override(
      () => true,
      (_r, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'one' } }] })}\n\n`);
        // …and then silence.
      },
    );
    const res = await fetch(`${kit!.apiBase}/openai/deployments/gpt/chat/completions?api-version=${API_VERSION}`, {
      method: 'POST',
      headers: { 'api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messages, stream: true }),
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    await eventually(() => a.aborted.length > 0);
    expect(a.aborted).toHaveLength(1);
    await eventually(() => kit!.feed.recent(1)[0]?.errorCode !== undefined);
    expect(kit!.feed.recent(1)[0]?.errorCode).toBe('upstream_timeout');
  });
});
