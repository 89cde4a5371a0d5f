/**
 * The OpenAI v1 surface (`/openai/v1/chat/completions`, `/embeddings`, model
 * in the body) through the kit with the official `OpenAI` client, against an
 * Azure OpenAI resource's v1 API and against the built-in playground; and
 * `POST /eventinfo`.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../../../support/emulator.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';
import { addOpenAIV1 } from '../../../../support/services.js';

let emu: Emulator;
let kit: TestKit;
let apiKey: string;
let eventCode: string;

beforeAll(async () => {
  emu = await startEmulator();
  addOpenAIV1(emu);
  kit = await startKit();
  const azure = await kit.call('resources.create', {
    name: 'Azure v1',
    kind: 'azure-openai',
    endpoint: emu.url,
    deployment: 'gpt-4.1-mini',
    upstreamDeployment: 'gpt-41-mini-eu',
    auth: { type: 'api-key', key: 'v1-upstream-key' },
    enabled: true,
  });
  const playground = await kit.call('resources.create', {
    name: 'Playground',
    kind: 'playground',
    endpoint: 'builtin:playground',
    deployment: 'playground-mini',
    auth: { type: 'none' },
    enabled: true,
  });
  const search = await kit.call('resources.create', {
    name: 'Docs index',
    kind: 'azure-search',
    endpoint: emu.url,
    deployment: 'docs',
    auth: { type: 'api-key', key: 's' },
    enabled: true,
  });
  const event = await kit.call(
    'events.create',
    eventInput([azure.id, playground.id, search.id], { maxTokenCap: 512, dailyRequestCap: 100 }),
  );
  eventCode = event.code;
  apiKey = (await kit.register(event.code, { name: 'Grace' })).body.apiKey as string;
});
afterAll(async () => {
  await kit?.stop();
  await emu?.close();
});

const client = () => new OpenAI({ baseURL: `${kit.apiBase}/openai/v1`, apiKey, maxRetries: 0 });

describe('OpenAI v1 API through the kit', () => {
  it('chat completions go to the named deployment on its v1 path, renamed for upstream', async () => {
    const r = await client().chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(r.choices[0]?.message.content).toBe('inference answer from gpt-41-mini-eu');
    const got = emu.received.at(-1);
    expect(got?.path).toBe('/openai/v1/chat/completions');
    expect(got?.headers['api-key']).toBe('v1-upstream-key');
    expect(got?.headers.authorization).toBeUndefined();
  });

  it('streams', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Bonjour');
  });

  it('embeddings', async () => {
    const r = await client().embeddings.create({ model: 'gpt-4.1-mini', input: ['x', 'y', 'z'] });
    expect(r.data).toHaveLength(3);
    expect(emu.received.at(-1)?.path).toBe('/openai/v1/embeddings');
  });

  it('the built-in playground answers through the same route', async () => {
    const r = await client().chat.completions.create({
      model: 'playground-mini',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(r.choices[0]?.message.content).toBeTruthy();
    const e = await client().embeddings.create({ model: 'playground-mini', input: 'hello' });
    expect(e.data[0]?.embedding.length).toBeGreaterThan(0);
  });

  it('an unknown model (or a search index named as a model) → 404 deployment_not_found', async () => {
    for (const model of ['gpt-9', 'docs']) {
      const e = await client()
        .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })
        .then(
          () => undefined,
          (x: { status?: number; code?: string; message?: string }) => x,
        );
      expect(e?.status).toBe(404);
      expect(e?.code).toBe('deployment_not_found');
      expect(e?.message).toContain('gpt-4.1-mini');
      expect(e?.message).not.toContain('docs,');
    }
  });
});

describe('POST /eventinfo', () => {
  it('answers the event, its caps and capabilities for the key', async () => {
    const r = await fetch(`${kit.apiBase}/eventinfo`, { method: 'POST', headers: { 'api-key': apiKey } });
    expect(r.status).toBe(200);
    const info = await r.json();
    expect(info).toMatchObject({
      is_authorized: true,
      event_code: eventCode,
      attendee_name: 'Grace',
      max_token_cap: 512,
      daily_request_cap: 100,
      capabilities: { 'openai-chat': ['gpt-4.1-mini', 'playground-mini'], 'azure-ai-search': ['docs'] },
    });
    expect(info.deployments).toContainEqual({ name: 'docs', kind: 'azure-search' });
    expect(JSON.stringify(info)).not.toContain('v1-upstream-key');
  });

  it('needs a key', async () => {
    const r = await fetch(`${kit.apiBase}/eventinfo`, { method: 'POST' });
    expect(r.status).toBe(401);
  });
});
