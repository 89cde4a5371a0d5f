/**
 * Token accounting through the real kit: exact counts from upstream usage for
 * plain and streamed calls (the kit asks a stream for usage and hides that
 * chunk from a client that did not ask), the tokenizer when upstream reports
 * none, and `usage.report` agreeing with what the emulator itself served.
 */
import { countTokens } from 'gpt-tokenizer';
import { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatCompletion, type Emulator, json, startEmulator } from '../../../../support/emulator.js';
import { azureSetup, startKit, type TestKit } from '../../../../support/kit.js';

const API_VERSION = '2024-10-21';
let emu: Emulator;
let kit: TestKit;
let apiKey: string;
let eventId: string;

beforeAll(async () => {
  emu = await startEmulator({ chunkDelayMs: 0 });
  kit = await startKit();
  ({
    apiKey,
    event: { id: eventId },
  } = await azureSetup(kit, emu.url));
});
afterAll(async () => {
  await kit?.stop();
  await emu?.close();
});

const client = () => new AzureOpenAI({ endpoint: kit.apiBase, apiKey, apiVersion: API_VERSION, maxRetries: 0 });
const chatPath = `/openai/deployments/gpt-4o-mini/chat/completions?api-version=${API_VERSION}`;
const messages = [{ role: 'user' as const, content: 'Count me' }];

async function rawStream(url: string, headers: Record<string, string>, body: unknown): Promise<Buffer> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  expect(r.status).toBe(200);
  return Buffer.from(await r.arrayBuffer());
}

async function report() {
  return kit.call('usage.report', { eventId });
}

describe('token accounting', () => {
  it('counts a plain call from upstream usage, on the traffic record too', async () => {
    const before = (await report()).attendees[0];
    await client().chat.completions.create({ model: 'gpt-4o-mini', messages });
    const after = (await report()).attendees[0];
    expect(after).toMatchObject({
      requests: (before?.requests ?? 0) + 1,
      promptTokens: (before?.promptTokens ?? 0) + 11,
      completionTokens: (before?.completionTokens ?? 0) + 7,
      totalTokens: (before?.totalTokens ?? 0) + 18,
    });
    for (let i = 0; i < 250 && kit.feed.recent(1)[0]?.totalTokens === undefined; i++)
      await new Promise((ok) => setTimeout(ok, 20));
    expect(kit.feed.recent(1)[0]).toMatchObject({ promptTokens: 11, completionTokens: 7, totalTokens: 18 });
  });

  it('asks a stream for usage and hands the client the stream upstream would have sent it, byte for byte', async () => {
    const body = { messages, stream: true };
    const direct = await rawStream(
      `${emu.url}${chatPath}`,
      { 'api-key': 'upstream-secret-key-123', 'x-direct': '1' },
      body,
    );
    const before = (await report()).attendees[0];
    const through = await rawStream(`${kit.apiBase}${chatPath}`, { 'api-key': apiKey }, body);
    expect(through.equals(direct)).toBe(true);
    expect(through.toString()).not.toContain('"usage"');
    const upstreamBody = emu.received.at(-1)?.json as { stream_options?: unknown } | undefined;
    expect(upstreamBody?.stream_options).toEqual({ include_usage: true });
    const after = (await report()).attendees[0];
    expect((after?.promptTokens ?? 0) - (before?.promptTokens ?? 0)).toBe(11);
    expect((after?.completionTokens ?? 0) - (before?.completionTokens ?? 0)).toBe(6);
    expect((after?.totalTokens ?? 0) - (before?.totalTokens ?? 0)).toBe(17);
  });

  it('passes the usage chunk to a client that asked for it', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: unknown;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage).toEqual({ prompt_tokens: 11, completion_tokens: 6, total_tokens: 17 });
  });

  it('does not ask for usage on an api-version that would refuse stream_options', async () => {
    const r = await fetch(`${kit.apiBase}/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-02-01`, {
      method: 'POST',
      headers: { 'api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messages, stream: true }),
    });
    await r.arrayBuffer();
    expect((emu.received.at(-1)?.json as { stream_options?: unknown } | undefined)?.stream_options).toBeUndefined();
    expect((emu.received.at(-1)?.json as { stream?: boolean } | undefined)?.stream).toBe(true);
  });

  it('counts with the tokenizer when upstream reports no usage', async () => {
    const content = 'The quick brown fox jumps over the lazy dog, twice over.';
    emu.override(
      () => true,
      (_r, res) => {
        const { usage: _none, ...rest } = chatCompletion('gpt', content);
        json(res, 200, rest);
      },
    );
    const before = (await report()).attendees[0];
    await client().chat.completions.create({ model: 'gpt-4o-mini', messages });
    const after = (await report()).attendees[0];
    const completion = countTokens(content);
    const prompt = countTokens(`user\n${messages[0]?.content}`) + 3 + 3;
    expect((after?.completionTokens ?? 0) - (before?.completionTokens ?? 0)).toBe(completion);
    expect((after?.promptTokens ?? 0) - (before?.promptTokens ?? 0)).toBe(prompt);
  });

  it('counts a stream with the tokenizer when upstream sends no usage chunk', async () => {
    emu.override(
      () => true,
      (_r, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const piece of ['Hello', ' there', ' friend'])
          res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: piece } }] })}\n\n`);
        res.end('data: [DONE]\n\n');
      },
    );
    const before = (await report()).attendees[0];
    const records = kit.feed.recent(5000).length;
    const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    for await (const _ of stream) {
      // drain
    }
    const after = (await report()).attendees[0];
    expect((after?.completionTokens ?? 0) - (before?.completionTokens ?? 0)).toBe(countTokens('Hello there friend'));
    // The tokenizer is loaded by now, so the count also reaches the traffic record.
    for (let i = 0; i < 250 && kit.feed.recent(5000).length === records; i++)
      await new Promise((ok) => setTimeout(ok, 20));
    expect(kit.feed.recent(1)[0]?.completionTokens).toBe(countTokens('Hello there friend'));
  });

  it('counts an embedding’s input with the tokenizer when upstream reports no usage', async () => {
    emu.override(
      () => true,
      (_r, res) => json(res, 200, { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1] }] }),
    );
    const before = (await report()).attendees[0];
    await client().embeddings.create({ model: 'gpt-4o-mini', input: ['tokens are counted', 'even here'] });
    const after = (await report()).attendees[0];
    expect((after?.promptTokens ?? 0) - (before?.promptTokens ?? 0)).toBe(countTokens('tokens are counted\neven here'));
  });

  it('reports exactly what the emulator served, per attendee and per deployment', async () => {
    const second = await kit.register((await kit.call('events.list', {}))[0]?.code ?? '', { name: 'Grace' });
    const grace = new AzureOpenAI({
      endpoint: kit.apiBase,
      apiKey: second.body.apiKey as string,
      apiVersion: API_VERSION,
      maxRetries: 0,
    });
    for (let i = 0; i < 3; i++) await grace.chat.completions.create({ model: 'gpt-4o-mini', messages });
    await grace.embeddings.create({ model: 'gpt-4o-mini', input: 'x' });
    const r = await report();
    const served = emu.received.filter((x) => x.method === 'POST' && !x.headers['x-direct']);
    const totalRequests = r.attendees.reduce((n, a) => n + a.requests, 0);
    expect(totalRequests).toBe(served.length);
    expect(r.deployments).toHaveLength(1);
    expect(r.deployments[0]?.requests).toBe(served.length);
    const graceRow = r.attendees.find((a) => a.name === 'Grace');
    expect(graceRow).toMatchObject({
      requests: 4,
      promptTokens: 3 * 11 + 5,
      completionTokens: 3 * 7,
      totalTokens: 3 * 18 + 5,
    });
  });
});

describe('the ledger across a restart', () => {
  it('writes the counters in batches and finds them again after a restart', async () => {
    const emu2 = await startEmulator({ chunkDelayMs: 0 });
    const first = await startKit({ usageFlushMs: 60_000 });
    const dataDir = first.dataDir;
    const setup = await azureSetup(first, emu2.url);
    const c = new AzureOpenAI({
      endpoint: first.apiBase,
      apiKey: setup.apiKey,
      apiVersion: API_VERSION,
      maxRetries: 0,
    });
    let writes = 0;
    const addUsage = first.store.addUsage.bind(first.store);
    first.store.addUsage = async (deltas) => {
      writes += 1;
      await addUsage(deltas);
    };
    for (let i = 0; i < 5; i++) await c.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(writes).toBe(0); // five calls, no store write yet: the flush interval has not come
    const before = await first.call('usage.report', { eventId: setup.event.id });
    await first.close(); // close flushes
    expect(writes).toBeGreaterThan(0);

    const again = await startKit({ dataDir });
    try {
      const after = await again.call('usage.report', { eventId: setup.event.id });
      expect(after).toEqual(before);
      expect(after.attendees[0]).toMatchObject({ requests: 5, totalTokens: 90 });
    } finally {
      await again.stop();
      const { rm } = await import('node:fs/promises');
      await rm(dataDir, { recursive: true, force: true });
      await emu2.close();
    }
  });
});
