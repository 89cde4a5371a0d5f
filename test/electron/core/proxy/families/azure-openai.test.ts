/**
 * The walking skeleton end to end: the official `openai` package's AzureOpenAI
 * client → the kit → an Azure OpenAI-shaped emulator.
 */
import { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, STREAM_PIECES, startEmulator } from '../../../../support/emulator.js';
import { azureSetup, eventInput, hour, startKit, type TestKit } from '../../../../support/kit.js';

const API_VERSION = '2025-01-01-preview';
let emu: Emulator;
let kit: TestKit;
let apiKey: string;
let eventId: string;
let resourceId: string;

const client = (key = apiKey) =>
  new AzureOpenAI({ endpoint: kit.apiBase, apiKey: key, apiVersion: API_VERSION, maxRetries: 0 });

beforeAll(async () => {
  emu = await startEmulator({ chunkDelayMs: 30 });
  kit = await startKit();
  ({
    apiKey,
    event: { id: eventId },
    resource: { id: resourceId },
  } = await azureSetup(kit, emu.url));
});
afterAll(async () => {
  await kit?.stop();
  await emu?.close();
});

describe('chat completions through the kit', () => {
  it('answers and forwards with the resource key, not the attendee key', async () => {
    const before = emu.received.length;
    const messages = [{ role: 'user' as const, content: 'Who won the world series in 2020?' }];
    const completion = await client().chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(completion.choices[0]?.message.content).toBe('Hello from the emulator');

    const got = emu.received[before];
    expect(got?.path).toBe('/openai/deployments/gpt-4o-mini/chat/completions');
    expect(got?.query.get('api-version')).toBe(API_VERSION);
    expect(got?.headers['api-key']).toBe('upstream-secret-key-123');
    expect(got?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(got?.headers)).not.toContain(apiKey);
    expect((got?.json as { messages?: unknown } | undefined)?.messages).toEqual(messages);
  });

  it('streams deltas as separate chunks, as they arrive', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'stream please' }],
      stream: true,
    });
    const arrivals: number[] = [];
    let text = '';
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta?.content;
      if (piece) {
        text += piece;
        arrivals.push(performance.now());
      }
    }
    expect(text).toBe(STREAM_PIECES.join(''));
    expect(arrivals.length).toBe(STREAM_PIECES.length);
    // Upstream waits 30 ms between chunks; a buffering proxy would deliver them all at once.
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThan(60);
  });

  it('answers embeddings', async () => {
    const r = await client().embeddings.create({ model: 'gpt-4o-mini', input: ['a', 'b'] });
    expect(r.data).toHaveLength(2);
    expect(r.data[0]?.embedding).toEqual([0.25, -0.5, 0.75]);
    expect(emu.received.at(-1)?.path).toBe('/openai/deployments/gpt-4o-mini/embeddings');
  });

  it('aborts the upstream request when the client goes away', async () => {
    const slow = await startEmulator({ chunkDelayMs: 200 });
    const r = await kit.call('resources.create', {
      name: 'slow',
      kind: 'azure-openai',
      endpoint: slow.url,
      deployment: 'slow',
      auth: { type: 'api-key', key: 'k' },
      enabled: true,
    });
    await kit.call('events.update', { id: eventId, resourceIds: [resourceId, r.id] });
    const ctl = new AbortController();
    const res = await fetch(`${kit.apiBase}/openai/deployments/slow/chat/completions?api-version=${API_VERSION}`, {
      method: 'POST',
      headers: { 'api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }], stream: true }),
      signal: ctl.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    ctl.abort();
    for (let i = 0; i < 50 && slow.aborted.length === 0; i++) await new Promise((ok) => setTimeout(ok, 20));
    expect(slow.aborted).toHaveLength(1);
    await slow.close();
  });
});

describe('refusals in the SDK error shape', () => {
  const expectError = async (p: Promise<unknown>, status: number, code: string) => {
    const e = (await p.then(
      () => undefined,
      (x: unknown) => x,
    )) as { status?: number; code?: string; error?: { code?: string } } | undefined;
    expect(e, 'expected a refusal').toBeDefined();
    expect(e?.status).toBe(status);
    expect(e?.code ?? e?.error?.code).toBe(code);
  };
  const chat = (key?: string, model = 'gpt-4o-mini') =>
    client(key).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

  it('wrong key → 401 invalid_api_key', () => expectError(chat('apk-not-a-real-key'), 401, 'invalid_api_key'));
  it('unknown deployment → 404 deployment_not_found naming what exists', async () => {
    await expectError(chat(undefined, 'gpt-5-ultra'), 404, 'deployment_not_found');
    const r = await fetch(`${kit.apiBase}/openai/deployments/gpt-5-ultra/chat/completions`, {
      method: 'POST',
      headers: { 'api-key': apiKey, 'content-type': 'application/json' },
      body: '{}',
    });
    expect((await r.json()).error.message).toContain('gpt-4o-mini');
  });
  it('malformed JSON → 400 invalid_json, nothing forwarded', async () => {
    const before = emu.received.length;
    const r = await fetch(`${kit.apiBase}/openai/deployments/gpt-4o-mini/chat/completions`, {
      method: 'POST',
      headers: { 'api-key': apiKey, 'content-type': 'application/json' },
      body: '{"messages": [',
    });
    expect(r.status).toBe(400);
    expect((await r.json()).error.code).toBe('invalid_json');
    expect(emu.received.length).toBe(before);
  });
  it('no key → 401 missing_api_key', async () => {
    const r = await fetch(`${kit.apiBase}/openai/deployments/gpt-4o-mini/chat/completions`, {
      method: 'POST',
      body: '{}',
    });
    expect(r.status).toBe(401);
    expect((await r.json()).error.code).toBe('missing_api_key');
  });
  it('different keys in api-key and Bearer → 401 conflicting_api_keys', async () => {
    const r = await fetch(`${kit.apiBase}/openai/deployments/gpt-4o-mini/chat/completions`, {
      method: 'POST',
      headers: { 'api-key': apiKey, authorization: 'Bearer apk-other' },
      body: '{}',
    });
    expect((await r.json()).error.code).toBe('conflicting_api_keys');
  });
  it('revoked key → 401 key_revoked, on the very next request; restore brings it back', async () => {
    const reg = await kit.register((await kit.call('events.list', {})).find((e) => e.id === eventId)!.code);
    const key = reg.body.apiKey as string;
    const [att] = (await kit.call('attendees.list', { eventId })).filter((a) => !a.revoked).slice(-1);
    await kit.call('attendees.revoke', { attendeeId: att!.id });
    await expectError(chat(key), 401, 'key_revoked');
    await kit.call('attendees.restore', { attendeeId: att!.id });
    expect((await chat(key)).choices).toHaveLength(1);
  });
  it('event not started → 403 event_not_started with the times', async () => {
    const later = await kit.call(
      'events.create',
      eventInput([resourceId], {
        startsAt: new Date(Date.now() + hour).toISOString(),
        endsAt: new Date(Date.now() + 3 * hour).toISOString(),
      }),
    );
    const reg = await kit.register(later.code);
    expect(reg.status).toBe(201); // early arrivals may register
    await expectError(chat(reg.body.apiKey as string), 403, 'event_not_started');
  });
  it('event ended → 403 event_ended, and registration is closed (410)', async () => {
    const ev = await kit.call('events.create', eventInput([resourceId]));
    const reg = await kit.register(ev.code);
    await kit.call('events.update', {
      id: ev.id,
      startsAt: new Date(Date.now() - 3 * hour).toISOString(),
      endsAt: new Date(Date.now() - hour).toISOString(),
    });
    await expectError(chat(reg.body.apiKey as string), 403, 'event_ended');
    expect((await kit.register(ev.code)).status).toBe(410);
  });
  it('disabled event → 403 event_disabled', async () => {
    const ev = await kit.call('events.create', eventInput([resourceId]));
    const reg = await kit.register(ev.code);
    await kit.call('events.update', { id: ev.id, enabled: false });
    await expectError(chat(reg.body.apiKey as string), 403, 'event_disabled');
  });
});
