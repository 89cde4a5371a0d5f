/** An OpenAI-compatible upstream (Ollama, LM Studio, vLLM…) behind an Azure-style deployment name. */
import { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../../../support/emulator.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';

let emu: Emulator;
let kit: TestKit;
let client: AzureOpenAI;

beforeAll(async () => {
  emu = await startEmulator({ chunkDelayMs: 5 });
  kit = await startKit();
  const r = await kit.call('resources.create', {
    name: 'Local Ollama',
    kind: 'openai-compatible',
    endpoint: `${emu.url}/v1/`,
    deployment: 'llama',
    upstreamDeployment: 'llama3.2:3b',
    auth: { type: 'api-key', key: 'ollama-local-key' },
    enabled: true,
  });
  const ev = await kit.call('events.create', eventInput([r.id]));
  const reg = await kit.register(ev.code);
  client = new AzureOpenAI({
    endpoint: kit.apiBase,
    apiKey: reg.body.apiKey as string,
    apiVersion: '2024-10-21',
    maxRetries: 0,
  });
});
afterAll(async () => {
  await kit?.stop();
  await emu?.close();
});

it('sends /v1/chat/completions with the upstream model name and a Bearer credential, without api-version', async () => {
  const r = await client.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'hi' }] });
  expect(r.choices[0]?.message.content).toBe('Hello from the emulator');
  const got = emu.received.at(-1);
  expect(got?.path).toBe('/v1/chat/completions');
  expect(got?.query.has('api-version')).toBe(false);
  expect((got?.json as { model?: string } | undefined)?.model).toBe('llama3.2:3b');
  expect(got?.headers.authorization).toBe('Bearer ollama-local-key');
  expect(got?.headers['api-key']).toBeUndefined();
});

it('streams and embeds the same way', async () => {
  const stream = await client.chat.completions.create({
    model: 'llama',
    messages: [{ role: 'user', content: 'x' }],
    stream: true,
  });
  let text = '';
  for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
  expect(text).toBe('Hello from the emulator');
  const e = await client.embeddings.create({ model: 'llama', input: 'x' });
  expect(e.data[0]?.embedding).toEqual([0.25, -0.5, 0.75]);
  expect(emu.received.at(-1)?.path).toBe('/v1/embeddings');
});
