/**
 * New Foundry agents as `@azure/ai-projects` 2.x sends them (named agents
 * with versions), then conversations and responses through the project's
 * OpenAI client, with two attendees: a name belongs to its first creator;
 * a response naming an `agent` (and no model) goes to the Foundry project,
 * one naming a `model` to that deployment; conversations and responses
 * (streamed ones too) are their creator's alone.
 */
import type { AIProjectClient } from '@azure/ai-projects';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentsKit,
  FOUNDRY_TOKEN,
  projectClient,
  refusal,
  startAgentsKit,
} from '../../../../support/agents-kit.js';

let t: AgentsKit;
let ada: AIProjectClient;
let bob: AIProjectClient;
let adaAi: OpenAI;
let bobAi: OpenAI;

beforeAll(async () => {
  t = await startAgentsKit();
  ada = projectClient(t.kit, t.keys.ada);
  bob = projectClient(t.kit, t.keys.bob);
  adaAi = ada.getOpenAIClient({ maxRetries: 0 });
  bobAi = bob.getOpenAIClient({ maxRetries: 0 });
});
afterAll(() => t?.stop());

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const definition = { kind: 'prompt' as const, model: 'gpt-4.1-mini', instructions: 'Answer briefly.' };
const agentRef = (name: string) => ({ body: { agent: { name, type: 'agent_reference' } } });

describe('named agents', () => {
  it('the first creator owns a name; the same name from someone else is 409 name_taken', async () => {
    const v1 = await ada.agents.createVersion('trip-planner', definition);
    expect(v1.name).toBe('trip-planner');
    const sent = t.emu.received.at(-1);
    expect(sent?.path).toBe('/api/projects/p1/agents/trip-planner/versions');
    expect(sent?.headers.authorization).toBe(`Bearer ${FOUNDRY_TOKEN}`);
    // The owner may add versions.
    expect((await ada.agents.createVersion('trip-planner', definition)).version).toBe('2');
    const before = t.emu.received.length;
    expect(await refusal(bob.agents.createVersion('trip-planner', definition))).toEqual({
      status: 409,
      code: 'name_taken',
    });
    expect(await refusal(bob.agents.create('trip-planner', definition))).toEqual({ status: 409, code: 'name_taken' });
    expect(t.emu.received.length).toBe(before);
  });

  it('list, get, update, delete and versions of another attendee’s agent → hidden / 404', async () => {
    await bob.agents.create('bobs-agent', definition);
    expect((await all(bob.agents.list())).map((a) => a.name)).toEqual(['bobs-agent']);
    expect((await all(ada.agents.list())).map((a) => a.name)).toEqual(['trip-planner']);
    const before = t.emu.received.length;
    const cases: Array<[string, () => PromiseLike<unknown>]> = [
      ['get', () => bob.agents.get('trip-planner')],
      ['update', () => bob.agents.update('trip-planner', definition)],
      ['delete', () => bob.agents.delete('trip-planner')],
      ['versions', () => all(bob.agents.listVersions('trip-planner'))],
      ['a version', () => bob.agents.getVersion('trip-planner', '1')],
      ['delete a version', () => bob.agents.deleteVersion('trip-planner', '1')],
    ];
    for (const [what, p] of cases) expect(await refusal(p()), what).toEqual({ status: 404, code: 'not_found' });
    expect(t.emu.received.length).toBe(before);
    expect((await ada.agents.get('trip-planner')).name).toBe('trip-planner');
    expect((await all(ada.agents.listVersions('trip-planner'))).length).toBe(2);
  });

  it('deleting an agent frees its name', async () => {
    await ada.agents.create('short-lived', definition);
    await ada.agents.delete('short-lived');
    expect((await bob.agents.create('short-lived', definition)).name).toBe('short-lived');
  });
});

describe('conversations and responses', () => {
  it('a conversation and an agent response go to the Foundry project', async () => {
    const conversation = await adaAi.conversations.create({
      items: [{ type: 'message', role: 'user', content: 'Plan a trip' }],
    });
    expect(t.emu.received.at(-1)?.path).toBe('/api/projects/p1/openai/v1/conversations');
    const response = await adaAi.responses.create({ conversation: conversation.id }, agentRef('trip-planner'));
    expect(response.output_text).toBe('Agent trip-planner says hi');
    const sent = t.emu.received.at(-1);
    expect(sent?.path).toBe('/api/projects/p1/openai/v1/responses');
    expect(sent?.headers.authorization).toBe(`Bearer ${FOUNDRY_TOKEN}`);
    expect(JSON.stringify(sent?.headers)).not.toContain(t.keys.ada);
    await adaAi.conversations.items.create(conversation.id, {
      items: [{ type: 'message', role: 'user', content: 'And then?' }],
    });
    expect((await adaAi.responses.retrieve(response.id)).id).toBe(response.id);
  });

  it('a response with a model goes to that deployment', async () => {
    const r = await adaAi.responses.create({ model: 'gpt-4.1-mini', input: 'hello' });
    expect(r.output_text).toBe('Model says hi');
    const sent = t.emu.received.at(-1);
    expect(sent?.path).toBe('/openai/v1/responses');
    expect(sent?.headers['api-key']).toBe('aoai-upstream-key');
    // Retrieving it later goes back to the same resource.
    await adaAi.responses.retrieve(r.id);
    expect(t.emu.received.at(-1)?.path).toBe(`/openai/v1/responses/${r.id}`);
  });

  it('a streamed response is recorded from its response.created event', async () => {
    const stream = await adaAi.responses.create({ model: 'gpt-4.1-mini', input: 'hello', stream: true });
    let id: string | undefined;
    for await (const e of stream) if (e.type === 'response.created') id = e.response.id;
    expect(id).toBeTruthy();
    expect((await adaAi.responses.retrieve(id!)).id).toBe(id);
    expect(await refusal(bobAi.responses.retrieve(id!))).toMatchObject({ status: 404 });
  });

  it('another attendee’s conversation, response or agent cannot be used, read, changed or deleted', async () => {
    const conversation = await adaAi.conversations.create({});
    const response = await adaAi.responses.create({ model: 'gpt-4.1-mini', input: 'secret' });
    const before = t.emu.received.length;
    const cases: Array<[string, () => PromiseLike<unknown>]> = [
      ['get conversation', () => bobAi.conversations.retrieve(conversation.id)],
      ['update conversation', () => bobAi.conversations.update(conversation.id, { metadata: { x: 'y' } })],
      ['delete conversation', () => bobAi.conversations.delete(conversation.id)],
      ['conversation items', () => bobAi.conversations.items.list(conversation.id)],
      ['add to conversation', () => bobAi.conversations.items.create(conversation.id, { items: [] })],
      ['get response', () => bobAi.responses.retrieve(response.id)],
      ['delete response', () => bobAi.responses.delete(response.id)],
      ['response input items', () => bobAi.responses.inputItems.list(response.id)],
      [
        'respond in it',
        () => bobAi.responses.create({ model: 'gpt-4.1-mini', conversation: conversation.id, input: 'x' }),
      ],
      [
        'continue it',
        () => bobAi.responses.create({ model: 'gpt-4.1-mini', previous_response_id: response.id, input: 'x' }),
      ],
      ['use the agent', () => bobAi.responses.create({ input: 'x' }, agentRef('trip-planner'))],
    ];
    for (const [what, p] of cases) {
      expect(await refusal(p()), what).toMatchObject({ status: 404 });
    }
    expect(t.emu.received.length).toBe(before);
    // The SDK error carries the kit's code.
    const e = (await bobAi.responses.retrieve(response.id).catch((x: unknown) => x)) as { code?: string };
    expect(e.code).toBe('not_found');
  });

  it('a deleted response is forgotten', async () => {
    const r = await adaAi.responses.create({ model: 'gpt-4.1-mini', input: 'bye' });
    await adaAi.responses.delete(r.id);
    expect(t.kit.store.objects.some((o) => o.id === r.id)).toBe(false);
  });

  it('a response with neither model nor agent goes to the project, which answers for itself', async () => {
    const client = new OpenAI({ baseURL: `${t.kit.apiBase}/openai/v1`, apiKey: t.keys.ada, maxRetries: 0 });
    // The project refuses it (a response needs a model or an agent); the kit passes its answer through.
    expect(await refusal(client.responses.create({ input: 'hi' }))).toMatchObject({ status: 400 });
    expect(t.emu.received.at(-1)?.path).toBe('/api/projects/p1/openai/v1/responses');
  });
});
