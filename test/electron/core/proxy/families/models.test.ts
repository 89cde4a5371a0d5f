/**
 * `models.list()` and `models.retrieve(id)` through the kit with the
 * `OpenAI` client (`/openai/v1/models`) and the `AzureOpenAI` client
 * (`/openai/models?api-version=…`): exactly the caller's event's model
 * deployments, each name once, answered without any upstream call, and an
 * unknown (or another event's) model refused with 404 in the SDK's shape.
 */
import { AzureOpenAI, NotFoundError, OpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceKind } from '../../../../../shared/types.js';
import { type Emulator, startEmulator } from '../../../../support/emulator.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';

let emu: Emulator;
let kit: TestKit;
const keys = { ada: '', bob: '' };

beforeAll(async () => {
  emu = await startEmulator();
  kit = await startKit();
  const add = async (kind: ResourceKind, deployment: string, over: Record<string, unknown> = {}) =>
    (
      await kit.call('resources.create', {
        name: `${kind} ${deployment}`,
        kind,
        ...(kind === 'playground' ? {} : { endpoint: kind === 'openai-compatible' ? `${emu.url}/v1` : emu.url }),
        deployment,
        auth: kind === 'playground' ? { type: 'none' } : { type: 'api-key', key: 'k' },
        enabled: true,
        ...over,
      })
    ).id;
  const first = [
    await add('azure-openai', 'gpt-5-mini'),
    await add('azure-openai', 'gpt-5-mini', { weight: 3 }), // a second resource behind the same name
    await add('azure-openai', 'text-embedding-3-small'),
    await add('openai-compatible', 'llama3.1:8b'),
    await add('azure-search', 'hotels'),
    await add('mcp', 'docs'),
    await add('foundry-agents', 'agents'),
    await add('azure-openai', 'retired', { enabled: false }),
  ];
  const second = [await add('playground', 'playground'), await add('azure-inference', 'Phi-4')];
  const a = await kit.call('events.create', eventInput(first));
  const b = await kit.call('events.create', eventInput(second));
  keys.ada = (await kit.register(a.code, { name: 'Ada' })).body.apiKey as string;
  keys.bob = (await kit.register(b.code, { name: 'Bob' })).body.apiKey as string;
});
afterAll(async () => {
  await kit?.stop();
  await emu?.close();
});

const openai = (apiKey: string) => new OpenAI({ baseURL: `${kit.apiBase}/openai/v1`, apiKey, maxRetries: 0 });
const azure = (apiKey: string) =>
  new AzureOpenAI({ endpoint: kit.apiBase, apiKey, apiVersion: '2025-04-01-preview', maxRetries: 0 });

async function ids(client: OpenAI): Promise<string[]> {
  const out: string[] = [];
  for await (const m of client.models.list()) out.push(m.id);
  return out;
}

describe('models.list()', () => {
  it('lists exactly the event’s model deployments, once each, through both clients', async () => {
    for (const client of [openai(keys.ada), azure(keys.ada)]) {
      expect(await ids(client)).toEqual(['gpt-5-mini', 'text-embedding-3-small', 'llama3.1:8b']);
    }
    for (const client of [openai(keys.bob), azure(keys.bob)])
      expect(await ids(client)).toEqual(['playground', 'Phi-4']);
    expect(emu.received).toHaveLength(0);
  });

  it('answers the OpenAI list shape', async () => {
    const r = await fetch(`${kit.apiBase}/openai/models?api-version=2024-10-21`, { headers: { 'api-key': keys.bob } });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { object: string; data: Array<Record<string, unknown>> };
    expect(body.object).toBe('list');
    for (const m of body.data) {
      expect(Object.keys(m).sort()).toEqual(['created', 'id', 'object', 'owned_by']);
      expect(m.object).toBe('model');
      expect(m.created).toBeGreaterThan(1_700_000_000);
      expect(m.created).toBeLessThanOrEqual(Date.now() / 1000);
    }
  });

  it('needs a key like every other route', async () => {
    const err = await openai('apk-not-a-key')
      .models.list()
      .catch((e: { status?: number }) => e);
    expect(err).toMatchObject({ status: 401 });
  });
});

describe('models.retrieve(id)', () => {
  it('returns one of the event’s models, names with a colon included', async () => {
    for (const client of [openai(keys.ada), azure(keys.ada)]) {
      expect(await client.models.retrieve('gpt-5-mini')).toMatchObject({ id: 'gpt-5-mini', object: 'model' });
      expect((await client.models.retrieve('llama3.1:8b')).id).toBe('llama3.1:8b');
    }
    expect(emu.received).toHaveLength(0);
  });

  it('refuses an unknown model, another event’s, and a search index with 404 in the SDK’s shape', async () => {
    for (const client of [openai(keys.ada), azure(keys.ada)]) {
      for (const id of ['gpt-9000', 'Phi-4', 'hotels', 'retired']) {
        const err = await client.models.retrieve(id).catch((e: unknown) => e);
        expect(err, id).toBeInstanceOf(NotFoundError);
        expect(err).toMatchObject({ status: 404, code: 'deployment_not_found' });
        expect((err as Error).message).toContain('gpt-5-mini');
      }
    }
  });
});
