/**
 * Several kits on one PostgreSQL database, as behind a load balancer: a key
 * registered on one works on the other at once, a revocation reaches both
 * within a second, objects stay their creator's through either kit, each
 * kit's admin API sees every attendee, and two kits starting at once on an
 * empty database migrate it once.
 */
import { randomBytes } from 'node:crypto';
import { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { secretBoxFromKey } from '../../../../../electron/core/store/secret-box.js';
import { agentsClient, FOUNDRY_TOKEN, refusal } from '../../../../support/agents-kit.js';
import { startEmulator } from '../../../../support/emulator.js';
import { addFoundry } from '../../../../support/foundry.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';
import { type PgCluster, startPgCluster } from '../../../../support/pg-cluster.js';
import { addOpenAIV1 } from '../../../../support/services.js';

let cluster: PgCluster;
const kits: TestKit[] = [];
// Every kit on one database holds the same secret key: sealed upstream secrets open on all of them.
const secretBox = secretBoxFromKey(randomBytes(32));

beforeAll(async () => {
  cluster = await startPgCluster();
});
afterAll(async () => {
  await Promise.all(kits.map((k) => k.stop()));
  await cluster?.stop();
});

async function kitOn(storeUrl: string, demo = false, log?: (l: string) => void): Promise<TestKit> {
  const kit = await startKit({ storeUrl, secretBox, demo, ...(log ? { log } : {}) });
  kits.push(kit);
  return kit;
}

const sdk = (kit: TestKit, apiKey: string) =>
  new AzureOpenAI({ endpoint: kit.apiBase, apiKey, apiVersion: '2024-10-21', maxRetries: 0 });

async function chatStatus(kit: TestKit, apiKey: string): Promise<number> {
  try {
    await sdk(kit, apiKey).chat.completions.create({
      model: 'playground',
      messages: [{ role: 'user', content: 'hi' }],
    });
    return 200;
  } catch (e) {
    return (e as { status?: number }).status ?? -1;
  }
}

describe('two kits on one database', () => {
  it('a key registered on one works on the other at once; both admin APIs see every attendee', async () => {
    const url = await cluster.database();
    const a = await kitOn(url, true);
    const b = await kitOn(url, true);
    // The second kit found the first one's demo: one event, not two.
    expect((await b.call('events.list', {})).map((e) => e.code)).toEqual(['demo']);
    const ada = await a.register('demo', { name: 'Ada' });
    expect(ada.status).toBe(201);
    // Straight away, with no wait for the notification: the other kit looks an unknown key up once.
    const answer = await sdk(b, ada.body.apiKey as string).chat.completions.create({
      model: 'playground',
      messages: [{ role: 'user', content: 'Hello from the other kit' }],
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    const bob = await b.register('demo', { name: 'Bob' });
    expect(await chatStatus(a, bob.body.apiKey as string)).toBe(200);
    expect(await chatStatus(b, 'apk-not-a-key-of-this-event')).toBe(401);

    const eventId = a.store.eventByCode('demo')?.id as string;
    for (const kit of [a, b]) {
      const names = (await kit.call('attendees.list', { eventId })).map((x) => x.name).sort();
      expect(names).toEqual(['Ada', 'Bob']);
    }
  });

  it('a revocation on one kit is refused on the other within a second, and a restore comes back', async () => {
    const url = await cluster.database();
    const a = await kitOn(url, true);
    const b = await kitOn(url, true);
    const ada = await b.register('demo', { name: 'Ada' });
    const key = ada.body.apiKey as string;
    expect(await chatStatus(a, key)).toBe(200);
    const attendeeId = b.store.attendees[0]?.id as string;
    const revokedAt = Date.now();
    await a.call('attendees.revoke', { attendeeId });
    let status = 0;
    for (let i = 0; i < 100 && status !== 401; i++) {
      status = await chatStatus(b, key);
      if (status !== 401) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    await b.call('attendees.restore', { attendeeId });
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = await chatStatus(a, key);
      if (status !== 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(200);
  });

  it('a thread made through one kit is its creator’s through either, and nobody else’s', async () => {
    const emu = await startEmulator();
    try {
      addFoundry(emu);
      addOpenAIV1(emu);
      const url = await cluster.database();
      const a = await kitOn(url);
      const b = await kitOn(url);
      const project = await a.call('resources.create', {
        name: 'Foundry project',
        kind: 'foundry-agents',
        endpoint: `${emu.url}/api/projects/p1`,
        deployment: 'agents',
        auth: { type: 'bearer', token: FOUNDRY_TOKEN },
        enabled: true,
      });
      // The admin side reads its own cache: the resource reaches the other kit within a second.
      await vi.waitFor(() => expect(b.store.resource(project.id)).toBeDefined(), { timeout: 1000 });
      const event = await b.call('events.create', eventInput([project.id]));
      const adaKey = (await a.register(event.code, { name: 'Ada' })).body.apiKey as string;
      const bobKey = (await b.register(event.code, { name: 'Bob' })).body.apiKey as string;

      const thread = await agentsClient(a, adaKey).threads.create();
      // At once through the other kit: found by its creator, nobody else's.
      expect((await agentsClient(b, adaKey).threads.get(thread.id)).id).toBe(thread.id);
      expect(await refusal(agentsClient(b, bobKey).threads.get(thread.id))).toEqual({
        status: 404,
        code: 'not_found',
      });
      expect(await refusal(agentsClient(a, bobKey).threads.get(thread.id))).toEqual({
        status: 404,
        code: 'not_found',
      });
      // Deleted through the other kit: forgotten on both, within a second.
      await agentsClient(b, adaKey).threads.delete(thread.id);
      await vi.waitFor(() => expect(a.store.ownedObject('thread', thread.id)).toBeUndefined(), { timeout: 1000 });
      expect(await refusal(agentsClient(a, adaKey).threads.get(thread.id))).toEqual({
        status: 404,
        code: 'not_found',
      });
    } finally {
      await emu.close();
    }
  });

  it('two kits starting at once on an empty database: one creates the schema', async () => {
    const url = await cluster.database();
    const lines: string[] = [];
    const [a, b] = await Promise.all([
      kitOn(url, false, (l) => lines.push(l)),
      kitOn(url, false, (l) => lines.push(l)),
    ]);
    expect(lines.filter((l) => l.includes('applied migration'))).toEqual([
      '[store] Database schema: applied migration 1 (initial).',
      '[store] Database schema: applied migration 2 (allowances).',
    ]);
    expect(a.info().storeDriver).toEqual({ kind: 'postgres', location: url });
    expect(b.info().store.state).toBe('ok');
  });
});
