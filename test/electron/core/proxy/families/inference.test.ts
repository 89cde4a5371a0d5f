/**
 * Azure AI model inference through the kit with the official
 * `@azure-rest/ai-inference` client, both at the proxy root and at the
 * Foundry shape `ModelClient(endpoint + "/models")`: routed by the body's
 * model, streaming, embeddings, image embeddings, model info.
 */

import { AzureKeyCredential } from '@azure/core-auth';
import { createSseStream } from '@azure/core-sse';
import ModelClient, { isUnexpected } from '@azure-rest/ai-inference';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../../../support/emulator.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';
import { addInference } from '../../../../support/services.js';

let emu: Emulator;
let kit: TestKit;
let apiKey: string;

beforeAll(async () => {
  emu = await startEmulator();
  addInference(emu);
  kit = await startKit();
  const mk = (deployment: string, upstreamDeployment?: string) =>
    kit.call('resources.create', {
      name: deployment,
      kind: 'azure-inference',
      endpoint: `${emu.url}/models`,
      deployment,
      ...(upstreamDeployment ? { upstreamDeployment } : {}),
      auth: { type: 'api-key', key: 'inference-upstream-key' },
      enabled: true,
    });
  const mistral = await mk('Mistral-large');
  const phi = await mk('phi-4', 'Phi-4-upstream');
  const event = await kit.call('events.create', eventInput([mistral.id, phi.id]));
  apiKey = (await kit.register(event.code)).body.apiKey as string;
});
afterAll(async () => {
  await kit?.stop();
  await emu?.close();
});

const messages = [
  { role: 'system', content: 'You are a helpful assistant' },
  { role: 'user', content: "Explain Riemann's conjecture in 1 paragraph" },
];

describe.each([
  ['the proxy root', ''],
  ['the Foundry /models shape', '/models'],
])('Azure AI inference at %s', (_name, suffix) => {
  const client = () =>
    ModelClient(`${kit.apiBase}${suffix}`, new AzureKeyCredential(apiKey), {
      retryOptions: { maxRetries: 0 },
      allowInsecureConnection: true,
    });

  it('chat completions go to the deployment the body names', async () => {
    const r = await client()
      .path('/chat/completions')
      .post({ body: { messages, model: 'Mistral-large' } });
    if (isUnexpected(r)) throw new Error(JSON.stringify(r.body));
    expect(r.body.choices[0]?.message.content).toBe('inference answer from Mistral-large');
    const got = emu.received.at(-1);
    expect(got?.path).toBe('/models/chat/completions');
    expect(got?.query.get('api-version')).toBe('2024-05-01-preview');
    expect(got?.headers['api-key']).toBe('inference-upstream-key');
    expect(JSON.stringify(got?.headers)).not.toContain(apiKey);
  });

  it('renames the model when upstream knows it by another name', async () => {
    const r = await client()
      .path('/chat/completions')
      .post({ body: { messages, model: 'phi-4' } });
    if (isUnexpected(r)) throw new Error(JSON.stringify(r.body));
    expect((emu.received.at(-1)?.json as { model?: string } | undefined)?.model).toBe('Phi-4-upstream');
  });

  it('streams', async () => {
    const r = await client()
      .path('/chat/completions')
      .post({ body: { messages, model: 'Mistral-large', stream: true } })
      .asNodeStream();
    expect(r.status).toBe('200');
    let text = '';
    for await (const event of createSseStream(r.body!)) {
      if (event.data === '[DONE]') break;
      for (const choice of JSON.parse(event.data).choices) text += choice.delta?.content ?? '';
    }
    expect(text).toBe('Bonjour');
  });

  it('embeddings and image embeddings', async () => {
    const e = await client()
      .path('/embeddings')
      .post({ body: { input: ['a', 'b'], model: 'Mistral-large' } });
    if (isUnexpected(e)) throw new Error(JSON.stringify(e.body));
    expect(e.body.data).toHaveLength(2);
    expect(emu.received.at(-1)?.path).toBe('/models/embeddings');
    const i = await client()
      .path('/images/embeddings')
      .post({ body: { input: [{ image: 'data:image/png;base64,iVBORw0KGgo=' }], model: 'phi-4' } });
    if (isUnexpected(i)) throw new Error(JSON.stringify(i.body));
    expect(i.body.data).toHaveLength(1);
    expect(emu.received.at(-1)?.path).toBe('/models/images/embeddings');
  });

  it('model info: the first inference resource, or the one the query names', async () => {
    const r = await client().path('/info').get();
    if (isUnexpected(r)) throw new Error(JSON.stringify(r.body));
    expect(r.body.model_provider_name).toBe('Emulated');
    expect(emu.received.at(-1)?.path).toBe('/models/info');
    const named = await client()
      .path('/info')
      .get({ queryParameters: { model: 'phi-4' } });
    if (isUnexpected(named)) throw new Error(JSON.stringify(named.body));
    expect(named.body.model_name).toBe('Phi-4-upstream');
  });

  it('an unknown model → 404 deployment_not_found listing the event models; nothing forwarded', async () => {
    const before = emu.received.length;
    const r = await client()
      .path('/chat/completions')
      .post({ body: { messages, model: 'gpt-17' } });
    expect(r.status).toBe('404');
    const err = (r.body as { error: { code: string; message: string } }).error;
    expect(err.code).toBe('deployment_not_found');
    expect(err.message).toContain('Mistral-large');
    expect(err.message).toContain('phi-4');
    expect(emu.received.length).toBe(before);
  });
});
