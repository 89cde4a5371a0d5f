/**
 * "Test connection" makes the smallest real call each upstream accepts: for
 * a chat deployment, the limit goes in the field that deployment takes, so a
 * reasoning model (which refuses `max_tokens`) or an old api-version (which
 * refuses `max_completion_tokens`) still tests as reachable.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../../support/emulator.js';
import { startKit, type TestKit } from '../../../support/kit.js';

let emu: Emulator;
let kit: TestKit;
beforeAll(async () => {
  emu = await startEmulator({ models: { 'team-chat': 'o4-mini' } });
  kit = await startKit();
});
afterAll(async () => {
  await kit?.stop();
  await emu?.close();
});

async function tested(over: { deployment: string; model?: string; apiVersion?: string }) {
  const r = await kit.call('resources.create', {
    name: over.deployment,
    kind: 'azure-openai',
    endpoint: emu.url,
    auth: { type: 'api-key', key: 'k' },
    enabled: true,
    ...over,
  });
  const result = await kit.call('resources.test', { id: r.id });
  return { result, body: emu.received.at(-1)?.json as Record<string, unknown> };
}

it('probes a reasoning deployment with max_completion_tokens', async () => {
  const { result, body } = await tested({ deployment: 'gpt-5-mini' });
  expect(result).toMatchObject({ ok: true, status: 200 });
  expect(body).toMatchObject({ max_completion_tokens: 1 });
  expect(body.max_tokens).toBeUndefined();
  expect((await tested({ deployment: 'team-chat', model: 'o4-mini' })).result.ok).toBe(true);
});

it('probes an old api-version with max_tokens', async () => {
  const { result, body } = await tested({ deployment: 'gpt-4o', apiVersion: '2024-06-01' });
  expect(result).toMatchObject({ ok: true, status: 200 });
  expect(body).toMatchObject({ max_tokens: 1 });
});
