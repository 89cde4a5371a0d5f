/**
 * Metering without holes, through the official SDKs: the tokens of agent
 * runs (`@azure/ai-agents`, created queued and polled, or streamed, or
 * create-and-run) and of `background: true` responses (the `OpenAI` client,
 * polled with `retrieve`, or streamed) are counted when their usage appears,
 * once per run or response however often it is read, also across a restart
 * of the kit, and they feed the token budget and `usage.report`. The Foundry
 * emulator reports a run's usage only once it is completed, as the service
 * does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentsClient } from '@azure/ai-agents';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentsClient, FOUNDRY_TOKEN } from '../../../../support/agents-kit.js';
import { type Emulator, startEmulator } from '../../../../support/emulator.js';
import { addFoundry, RESPONSE_USAGE, RUN_USAGE } from '../../../../support/foundry.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';
import { addOpenAIV1 } from '../../../../support/services.js';

let emu: Emulator;
let kit: TestKit;
let dataDir: string;
let eventId: string;
let key: string;

const RUN = RUN_USAGE.total_tokens;
const RESPONSE = RESPONSE_USAGE.total_tokens;

beforeAll(async () => {
  emu = await startEmulator();
  addFoundry(emu);
  addOpenAIV1(emu);
  dataDir = await mkdtemp(join(tmpdir(), 'kit-object-usage-'));
  kit = await startKit({ dataDir });
  const project = await kit.call('resources.create', {
    name: 'Foundry project',
    kind: 'foundry-agents',
    endpoint: `${emu.url}/api/projects/p1`,
    deployment: 'agents',
    auth: { type: 'bearer', token: FOUNDRY_TOKEN },
    enabled: true,
  });
  const azure = await kit.call('resources.create', {
    name: 'Azure OpenAI',
    kind: 'azure-openai',
    endpoint: emu.url,
    deployment: 'gpt-4.1-mini',
    auth: { type: 'api-key', key: 'aoai-upstream-key' },
    enabled: true,
  });
  const event = await kit.call('events.create', eventInput([project.id, azure.id]));
  eventId = event.id;
  key = (await kit.register(event.code, { name: 'Ada' })).body.apiKey as string;
});
afterAll(async () => {
  await kit?.stop();
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const agents = (): AgentsClient => agentsClient(kit, key);
const openai = () => new OpenAI({ baseURL: `${kit.apiBase}/openai/v1`, apiKey: key, maxRetries: 0 });

async function tokens(deployment?: string): Promise<number> {
  const report = await kit.call('usage.report', { eventId });
  if (!deployment) return report.attendees[0]?.totalTokens ?? 0;
  return report.deployments.find((d) => d.deployment === deployment)?.totalTokens ?? 0;
}

/** Reads a run until it is over, as an app polling it does (bounded). */
async function pollRun(client: AgentsClient, threadId: string, runId: string): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const run = await client.runs.get(threadId, runId);
    if (run.status === 'completed') return run.status;
  }
  return 'still running';
}

async function newThread(client: AgentsClient) {
  const agent = await client.createAgent('gpt-4o', { name: 'counter' });
  const thread = await client.threads.create();
  await client.messages.create(thread.id, 'user', 'Count me');
  return { agent, thread };
}

describe('agent runs', () => {
  it('a polled run is counted when it completes, once, however often it is read', async () => {
    const client = agents();
    const { agent, thread } = await newThread(client);
    const before = await tokens();
    const run = await client.runs.create(thread.id, agent.id);
    expect(run.status).toBe('queued');
    expect(run.usage).toBeNull();
    expect(await tokens()).toBe(before);

    expect(await pollRun(client, thread.id, run.id)).toBe('completed');
    expect(await tokens()).toBe(before + RUN);
    for (let i = 0; i < 3; i++) expect((await client.runs.get(thread.id, run.id)).usage?.totalTokens).toBe(RUN);
    expect(await tokens()).toBe(before + RUN);
    expect(await tokens('agents')).toBeGreaterThanOrEqual(RUN);
    // The poll that saw it finish shows the tokens in live traffic.
    expect(kit.feed.recent(50).filter((r) => r.totalTokens === RUN && r.method === 'GET')).toHaveLength(1);
  });

  it('createAndPoll and create-and-run count each run once', async () => {
    const client = agents();
    const { agent, thread } = await newThread(client);
    const before = await tokens();
    const polled = await client.runs.createAndPoll(thread.id, agent.id, { pollingOptions: { intervalInMs: 5 } });
    expect(polled.status).toBe('completed');
    expect(await tokens()).toBe(before + RUN);

    const started = await client.runs.createThreadAndRun(agent.id, {
      thread: { messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(await pollRun(client, started.threadId, started.id)).toBe('completed');
    await client.runs.get(started.threadId, started.id);
    expect(await tokens()).toBe(before + 2 * RUN);
  });

  it('a streamed run is counted from its completed event, not from its step’s share as well, nor again when read', async () => {
    const client = agents();
    const { agent, thread } = await newThread(client);
    const before = await tokens();
    let runId = '';
    const stream = await client.runs.create(thread.id, agent.id).stream();
    for await (const e of stream) if (e.event === 'thread.run.completed') runId = (e.data as { id: string }).id;
    expect(runId).toMatch(/^run_/);
    expect(await tokens()).toBe(before + RUN);
    await client.runs.get(thread.id, runId);
    expect(await tokens()).toBe(before + RUN);
  });
});

describe('background responses', () => {
  it('a polled background response is counted when it completes, once', async () => {
    const before = await tokens('gpt-4.1-mini');
    const created = await openai().responses.create({ model: 'gpt-4.1-mini', input: 'Think slowly', background: true });
    expect(created.status).toBe('queued');
    expect(created.usage).toBeNull();
    let status: string | undefined = created.status;
    for (let i = 0; i < 20 && status !== 'completed'; i++)
      status = (await openai().responses.retrieve(created.id)).status;
    expect(status).toBe('completed');
    expect(await tokens('gpt-4.1-mini')).toBe(before + RESPONSE);
    for (let i = 0; i < 3; i++) await openai().responses.retrieve(created.id);
    expect(await tokens('gpt-4.1-mini')).toBe(before + RESPONSE);
  });

  it('a streamed background response is counted from its stream, and not again when read', async () => {
    const before = await tokens('gpt-4.1-mini');
    const stream = await openai().responses.create({
      model: 'gpt-4.1-mini',
      input: 'Stream it',
      background: true,
      stream: true,
    });
    let id = '';
    for await (const e of stream) if (e.type === 'response.completed') id = e.response.id;
    expect(await tokens('gpt-4.1-mini')).toBe(before + RESPONSE);
    await openai().responses.retrieve(id);
    expect(await tokens('gpt-4.1-mini')).toBe(before + RESPONSE);
  });

  it('a plain response is counted at once, and not again when read', async () => {
    const before = await tokens('gpt-4.1-mini');
    const r = await openai().responses.create({ model: 'gpt-4.1-mini', input: 'Now' });
    await openai().responses.retrieve(r.id);
    expect(await tokens('gpt-4.1-mini')).toBe(before + RESPONSE);
  });
});

describe('the budget and a restart', () => {
  it('tokens that appear on a poll count toward the day’s token budget', async () => {
    const used = await tokens();
    await kit.call('events.update', { id: eventId, dailyTokenBudget: used + 1 });
    const created = await openai().responses.create({ model: 'gpt-4.1-mini', input: 'Last one', background: true });
    for (let i = 0; i < 20; i++) if ((await openai().responses.retrieve(created.id)).status === 'completed') break;
    const refused = await openai()
      .responses.create({ model: 'gpt-4.1-mini', input: 'One more' })
      .catch((e: { status?: number; code?: string }) => e);
    expect(refused).toMatchObject({ status: 429, code: 'token_budget_reached' });
    await kit.call('events.update', { id: eventId, dailyTokenBudget: null });
  });

  it('a restart neither forgets what was counted nor counts it again', async () => {
    const client = agents();
    const { agent, thread } = await newThread(client);
    const counted = await client.runs.createAndPoll(thread.id, agent.id, { pollingOptions: { intervalInMs: 5 } });
    const half = await client.runs.create(thread.id, agent.id);
    await client.runs.get(thread.id, half.id); // in progress when the kit stops
    const before = await tokens();

    await kit.close();
    kit = await startKit({ dataDir });
    const after = agents();
    expect(await tokens()).toBe(before);
    await after.runs.get(thread.id, counted.id);
    expect(await tokens()).toBe(before);
    expect(await pollRun(after, thread.id, half.id)).toBe('completed');
    await after.runs.get(thread.id, half.id);
    expect(await tokens()).toBe(before + RUN);
  });
});
