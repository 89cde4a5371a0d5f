/**
 * The token cap never breaks a call that works direct: the rules that pick
 * the output-limit field per resource (unit), and the official SDKs through
 * the kit against an emulator that refuses what Azure refuses (`max_tokens`
 * on reasoning deployments, `max_completion_tokens` and `stream_options` on
 * old dated api-versions), plain and streamed, on deployment URLs and on
 * `/openai/v1`, with failover between resources that need different fields.
 */
import { AzureOpenAI, OpenAI } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { azureOpenAI } from '../../../../../shared/resource-kinds/azure-openai.js';
import { datedBefore, isReasoningModel, modelOf } from '../../../../../shared/resource-kinds/model-names.js';
import { kindOf } from '../../../../../shared/resource-kinds/table.js';
import type { Resource } from '../../../../../shared/types.js';
import { type Emulator, json, startEmulator } from '../../../../support/emulator.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';
import { addOpenAIV1 } from '../../../../support/services.js';

/** What each kind's descriptor says a chat call may carry, and the api-version an Azure OpenAI call is sent with. */
const chatDialect = (r: Resource, apiVersion: string | null) => kindOf(r.kind).chat(r, apiVersion);
const azureApiVersion = azureOpenAI.sentApiVersion;

const resource = (over: Partial<Resource>): Resource => ({
  id: 'r',
  name: 'r',
  kind: 'azure-openai',
  endpoint: 'https://x.openai.azure.com',
  deployment: 'chat',
  auth: { type: 'none' },
  enabled: true,
  createdAt: '2026-01-01T00:00:00Z',
  ...over,
});

describe('model families and fields (rules)', () => {
  it('knows reasoning models by a whole word of the name, and nothing else', () => {
    for (const m of [
      'o1',
      'o1-preview',
      'o3-mini',
      'o4-mini',
      'o3-pro',
      'gpt-5',
      'gpt-5-mini',
      'gpt-5.1',
      'gpt-5-nano',
    ])
      expect(isReasoningModel(m), m).toBe(true);
    for (const m of ['codex-mini', 'gpt-5-codex', 'my-o3-mini', 'team_O4-mini', 'GPT-5-chat'])
      expect(isReasoningModel(m), m).toBe(true);
    for (const m of [
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-35-turbo',
      'gpt-4.1',
      'gpt-4.5-preview',
      'llama3.1:8b',
      'phi-4',
      'o200k',
    ])
      expect(isReasoningModel(m), m).toBe(false);
  });

  it('reads the model from `model`, then the upstream name, then the deployment name', () => {
    expect(modelOf(resource({ deployment: 'chat', upstreamDeployment: 'o3-mini', model: 'gpt-4o' }))).toBe('gpt-4o');
    expect(modelOf(resource({ deployment: 'chat', upstreamDeployment: 'o3-mini' }))).toBe('o3-mini');
    expect(modelOf(resource({ deployment: 'gpt-5-mini' }))).toBe('gpt-5-mini');
  });

  it('compares dated api-versions only', () => {
    expect(datedBefore('2024-08-01-preview', '2024-09-01')).toBe(true);
    expect(datedBefore('2024-09-01-preview', '2024-09-01')).toBe(false);
    expect(datedBefore('2024-10-21', '2024-09-01')).toBe(false);
    for (const v of [null, undefined, 'v1', 'preview', 'latest']) expect(datedBefore(v, '2024-09-01')).toBe(false);
  });

  it('picks the field each kind, model and api-version takes', () => {
    const azure = (model: string, v: string | null) => chatDialect(resource({ model }), v);
    expect(azure('gpt-4o', '2024-10-21')).toMatchObject({ field: 'max_completion_tokens', streamOptions: true });
    expect(azure('gpt-4o', '2024-10-21').accepts).toEqual(['max_tokens', 'max_completion_tokens']);
    expect(azure('gpt-4o', null)).toMatchObject({ field: 'max_completion_tokens' }); // the v1 API
    expect(azure('gpt-4o', '2024-08-01-preview')).toMatchObject({ field: 'max_tokens', accepts: ['max_tokens'] });
    expect(azure('gpt-4o', '2024-06-01').streamOptions).toBe(false);
    expect(azure('gpt-5-mini', '2025-04-01-preview')).toMatchObject({
      field: 'max_completion_tokens',
      accepts: ['max_completion_tokens'],
    });
    const compat = (model: string) => chatDialect(resource({ kind: 'openai-compatible', deployment: model }), null);
    expect(compat('llama3.1')).toMatchObject({ field: 'max_tokens', accepts: ['max_tokens'], streamOptions: true });
    expect(compat('o4-mini')).toMatchObject({ field: 'max_completion_tokens', accepts: ['max_completion_tokens'] });
    const inference = chatDialect(resource({ kind: 'azure-inference', deployment: 'Phi-4' }), null);
    expect(inference).toMatchObject({ field: 'max_tokens', streamOptions: false });
    expect(chatDialect(resource({ kind: 'playground', deployment: 'playground' }), null).accepts).toHaveLength(2);
  });

  it('knows which api-version each route sends an Azure OpenAI resource', () => {
    const r = resource({ apiVersion: '2024-06-01' });
    const q = (s: string) => new URLSearchParams(s);
    expect(azureApiVersion('/openai/deployments/chat/chat/completions', q('api-version=2025-01-01-preview'), r)).toBe(
      '2025-01-01-preview',
    );
    expect(azureApiVersion('/openai/deployments/chat/chat/completions', q(''), r)).toBe('2024-06-01');
    expect(azureApiVersion('/openai/deployments/chat/chat/completions', q(''), resource({}))).toBe('2024-10-21');
    expect(azureApiVersion('/openai/v1/chat/completions', q(''), r)).toBeNull();
    // AI inference routes reach Azure OpenAI with the resource's own version, whatever the client sent.
    expect(azureApiVersion('/models/chat/completions', q('api-version=2024-05-01-preview'), r)).toBe('2024-06-01');
  });
});

let kit: TestKit | undefined;
const emulators: Emulator[] = [];
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function emulator(models: Record<string, string> = {}): Promise<Emulator> {
  const e = await startEmulator({ chunkDelayMs: 0, models });
  addOpenAIV1(e);
  emulators.push(e);
  return e;
}

interface Spec {
  url: string;
  deployment?: string;
  model?: string;
  kind?: 'azure-openai' | 'openai-compatible';
  upstreamDeployment?: string;
}

async function setup(specs: Spec[], cap = 4096) {
  kit = await startKit({ routing: { random: () => 0.5 } });
  const ids: string[] = [];
  for (const [i, s] of specs.entries()) {
    const r = await kit.call('resources.create', {
      name: `r${i}`,
      kind: s.kind ?? 'azure-openai',
      endpoint: s.kind === 'openai-compatible' ? `${s.url}/v1` : s.url,
      deployment: s.deployment ?? 'gpt-5-mini',
      ...(s.model ? { model: s.model } : {}),
      ...(s.upstreamDeployment ? { upstreamDeployment: s.upstreamDeployment } : {}),
      auth: { type: 'api-key', key: `key-${i}` },
      enabled: true,
    });
    ids.push(r.id);
  }
  const event = await kit.call('events.create', eventInput(ids, { maxTokenCap: cap }));
  const apiKey = (await kit.register(event.code, { name: 'Ada' })).body.apiKey as string;
  return { apiKey, eventId: event.id, resourceIds: ids };
}

const messages = [{ role: 'user' as const, content: 'Hello' }];
const azure = (apiKey: string, apiVersion = '2025-04-01-preview') =>
  new AzureOpenAI({ endpoint: kit?.apiBase, apiKey, apiVersion, maxRetries: 0 });
const v1 = (apiKey: string) => new OpenAI({ baseURL: `${kit?.apiBase}/openai/v1`, apiKey, maxRetries: 0 });
const sent = (emu: Emulator) => emu.received.at(-1)?.json as Record<string, unknown>;
const limits = (body: Record<string, unknown>) => ({
  max_tokens: body.max_tokens,
  max_completion_tokens: body.max_completion_tokens,
});

describe('a gpt-5-family deployment under the token cap', () => {
  it('is refused by the emulator exactly as Azure refuses max_tokens (so the tests below can fail)', async () => {
    const emu = await emulator();
    const r = await fetch(`${emu.url}/openai/deployments/gpt-5-mini/chat/completions?api-version=2025-04-01-preview`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': 'k' },
      body: JSON.stringify({ messages, max_tokens: 10, stream: true }),
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({
      error: {
        message:
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        type: 'invalid_request_error',
        param: 'max_tokens',
        code: 'unsupported_parameter',
      },
    });
  });

  it('answers with no limit set, with max_completion_tokens and with max_tokens, plain and streamed', async () => {
    const emu = await emulator();
    const { apiKey } = await setup([{ url: emu.url }], 4096);
    const client = azure(apiKey);

    const plain = await client.chat.completions.create({ model: 'gpt-5-mini', messages });
    expect(plain.choices[0]?.message.content).toBe('Hello from the emulator');
    expect(limits(sent(emu))).toEqual({ max_tokens: undefined, max_completion_tokens: 4096 });

    await client.chat.completions.create({ model: 'gpt-5-mini', messages, max_completion_tokens: 100 });
    expect(limits(sent(emu))).toEqual({ max_tokens: undefined, max_completion_tokens: 100 });

    // Old samples send max_tokens: the kit moves it to the field the model takes.
    await client.chat.completions.create({ model: 'gpt-5-mini', messages, max_tokens: 200 });
    expect(limits(sent(emu))).toEqual({ max_tokens: undefined, max_completion_tokens: 200 });

    for (const extra of [{}, { max_tokens: 300 }]) {
      const stream = await client.chat.completions.create({ model: 'gpt-5-mini', messages, stream: true, ...extra });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text).toBe('Hello from the emulator');
      expect(sent(emu)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
      expect(limits(sent(emu))).toEqual({
        max_tokens: undefined,
        max_completion_tokens: 'max_tokens' in extra ? 300 : 4096,
      });
    }
  });

  it('answers on /openai/v1 the same way, plain and streamed', async () => {
    const emu = await emulator();
    const { apiKey } = await setup([{ url: emu.url }], 4096);
    const client = v1(apiKey);
    const plain = await client.chat.completions.create({ model: 'gpt-5-mini', messages });
    expect(plain.choices[0]?.message.content).toContain('inference answer');
    expect(emu.received.at(-1)?.path).toBe('/openai/v1/chat/completions');
    expect(limits(sent(emu))).toEqual({ max_tokens: undefined, max_completion_tokens: 4096 });

    await client.chat.completions.create({ model: 'gpt-5-mini', messages, max_tokens: 50 });
    expect(limits(sent(emu))).toEqual({ max_tokens: undefined, max_completion_tokens: 50 });

    const stream = await client.chat.completions.create({
      model: 'gpt-5-mini',
      messages,
      stream: true,
      max_tokens: 60,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Bonjour');
    expect(limits(sent(emu))).toEqual({ max_tokens: undefined, max_completion_tokens: 60 });
  });

  it('still refuses a value above the cap, in either field, before upstream', async () => {
    const emu = await emulator();
    const { apiKey } = await setup([{ url: emu.url }], 100);
    for (const extra of [{ max_tokens: 101 }, { max_completion_tokens: 101 }]) {
      const err = await azure(apiKey)
        .chat.completions.create({ model: 'gpt-5-mini', messages, ...extra })
        .catch((e: { status?: number; code?: string }) => e);
      expect(err).toMatchObject({ status: 400, code: 'max_tokens_exceeded' });
      const viaV1 = await v1(apiKey)
        .chat.completions.create({ model: 'gpt-5-mini', messages, ...extra, stream: true })
        .catch((e: { status?: number; code?: string }) => e);
      expect(viaV1).toMatchObject({ status: 400, code: 'max_tokens_exceeded' });
    }
    expect(emu.received).toHaveLength(0);
  });

  it('learns the family from the resource’s model when the deployment name does not say', async () => {
    const emu = await emulator({ 'chat-main': 'gpt-5-mini' });
    const { apiKey, resourceIds } = await setup([{ url: emu.url, deployment: 'chat-main', model: 'gpt-5-mini' }]);
    await azure(apiKey).chat.completions.create({ model: 'chat-main', messages, max_tokens: 20 });
    expect(limits(sent(emu))).toEqual({ max_tokens: undefined, max_completion_tokens: 20 });
    // Without the model the kit cannot know, and the upstream's own refusal reaches the client unchanged.
    await kit?.call('resources.update', { id: resourceIds[0] as string, model: null });
    const err = await azure(apiKey)
      .chat.completions.create({ model: 'chat-main', messages, max_tokens: 20 })
      .catch((e: { status?: number; code?: string }) => e);
    expect(err).toMatchObject({ status: 400, code: 'unsupported_parameter' });
  });
});

describe('older dated api-versions on a non-reasoning deployment', () => {
  it('get max_tokens, never max_completion_tokens or stream_options, which they refuse', async () => {
    const emu = await emulator();
    const { apiKey } = await setup([{ url: emu.url, deployment: 'gpt-4o' }], 512);
    const client = azure(apiKey, '2024-06-01');
    await client.chat.completions.create({ model: 'gpt-4o', messages });
    expect(limits(sent(emu))).toEqual({ max_tokens: 512, max_completion_tokens: undefined });
    await client.chat.completions.create({ model: 'gpt-4o', messages, max_completion_tokens: 40 });
    expect(limits(sent(emu))).toEqual({ max_tokens: 40, max_completion_tokens: undefined });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Hello from the emulator');
    expect(sent(emu).stream_options).toBeUndefined();
    // The emulator refuses what Azure refuses on this version.
    const direct = await fetch(`${emu.url}/openai/deployments/gpt-4o/chat/completions?api-version=2024-06-01`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages, max_completion_tokens: 5 }),
    });
    expect(direct.status).toBe(400);
    expect(((await direct.json()) as { error: { message: string } }).error.message).toBe(
      'Unrecognized request argument supplied: max_completion_tokens',
    );
  });

  it('keep a max_tokens the client sent on a current api-version as it was sent', async () => {
    const emu = await emulator();
    const { apiKey } = await setup([{ url: emu.url, deployment: 'gpt-4o' }], 512);
    const raw = '{"messages":[{"role":"user","content":"hi"}], "max_tokens": 30}';
    const r = await fetch(`${kit?.apiBase}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21`, {
      method: 'POST',
      headers: { 'api-key': apiKey, 'content-type': 'application/json' },
      body: raw,
    });
    expect(r.status).toBe(200);
    expect(emu.received.at(-1)?.body.toString()).toBe(raw);
  });
});

describe('one deployment name over resources that take different fields', () => {
  it('writes each resource the field it takes as a call fails over', async () => {
    const older = await emulator({ chat: 'gpt-4o' });
    const newer = await emulator({ chat: 'gpt-5-mini' });
    const { apiKey } = await setup([
      { url: older.url, deployment: 'chat', model: 'gpt-4o' },
      { url: newer.url, deployment: 'chat', model: 'gpt-5-mini' },
    ]);
    older.override(
      () => true,
      (_r, res) => json(res, 503, { error: { code: 'ServiceUnavailable', message: 'busy' } }),
    );
    const answer = await azure(apiKey).chat.completions.create({ model: 'chat', messages, max_tokens: 50 });
    expect(answer.choices[0]?.message.content).toBe('Hello from the emulator');
    expect(limits(sent(older))).toEqual({ max_tokens: 50, max_completion_tokens: undefined });
    expect(limits(sent(newer))).toEqual({ max_tokens: undefined, max_completion_tokens: 50 });
  });

  it('falls back from a reasoning deployment to a local server with the field local servers know', async () => {
    const cloud = await emulator();
    const local = await emulator();
    const { apiKey } = await setup(
      [
        { url: cloud.url, deployment: 'gpt-5-mini' },
        { url: local.url, deployment: 'gpt-5-mini', kind: 'openai-compatible', upstreamDeployment: 'llama3.1:8b' },
      ],
      256,
    );
    cloud.override(
      () => true,
      (_r, res) => json(res, 429, { error: { code: '429', message: 'slow down' } }, { 'retry-after': '1' }),
    );
    const stream = await azure(apiKey).chat.completions.create({ model: 'gpt-5-mini', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('Hello from the emulator');
    expect(limits(sent(cloud))).toEqual({ max_tokens: undefined, max_completion_tokens: 256 });
    expect(sent(local)).toMatchObject({
      model: 'llama3.1:8b',
      max_tokens: 256,
      stream_options: { include_usage: true },
    });
    expect(sent(local).max_completion_tokens).toBeUndefined();
  });
});
