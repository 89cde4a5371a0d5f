/**
 * Events reused, through the admin contract and the real kit: a duplicate
 * takes the settings and none of the people, under a new code and new dates;
 * an event is archived only once it is over, then its keys, its join page and
 * its shared code are dead, it leaves the default list, takes no changes and
 * no new keys, and its report stays; unarchived, it is back in the list.
 */
import { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchAdmin } from '../../../../electron/core/admin/dispatch.js';
import type { EventView } from '../../../../shared/contract.js';
import { type Emulator, startEmulator } from '../../../support/emulator.js';
import { hour, startKit, type TestKit } from '../../../support/kit.js';

let clock = Date.parse('2026-06-01T08:00:00Z');
let emu: Emulator;
let kit: TestKit;
let source: EventView;
let apiKey: string;

const call = (method: string, input: unknown) => dispatchAdmin(kit.handlers, method, input);

beforeAll(async () => {
  emu = await startEmulator({ chunkDelayMs: 0 });
  kit = await startKit({ now: () => clock });
  const r = await kit.call('resources.create', {
    name: 'Emulated',
    kind: 'azure-openai',
    endpoint: emu.url,
    deployment: 'gpt-4o-mini',
    auth: { type: 'api-key', key: 'k' },
    enabled: true,
  });
  source = (await call('events.create', {
    name: 'Agents lab',
    code: 'agents',
    description: 'Bring a laptop.',
    startsAt: new Date(clock - hour).toISOString(),
    endsAt: new Date(clock + 4 * hour).toISOString(),
    timeZone: 'Europe/Paris',
    dailyRequestCap: 40,
    maxTokenCap: 1000,
    dailyTokenBudget: 20_000,
    capacity: 25,
    joinPassword: 'lemon',
    sharedCode: 'room42',
    allowedOrigins: ['http://localhost:5173'],
    costBudget: { amount: 10, currency: 'eur' },
    resourceIds: [r.id],
    enabled: true,
  })) as EventView;
  apiKey = (await kit.register('agents', { name: 'Ada', password: 'lemon' })).body.apiKey as string;
  await new AzureOpenAI({
    endpoint: kit.apiBase,
    apiKey,
    apiVersion: '2024-10-21',
    maxRetries: 0,
  }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
});
afterAll(async () => {
  await kit?.stop();
  await emu?.close();
});

describe('duplicating an event', () => {
  it('copies resources, limits and options under a new code and new dates, with nobody in it', async () => {
    const nextWeek = clock + 7 * 24 * hour;
    const copy = (await call('events.duplicate', {
      id: source.id,
      startsAt: new Date(nextWeek).toISOString(),
      endsAt: new Date(nextWeek + 5 * hour).toISOString(),
    })) as EventView;
    expect(copy.id).not.toBe(source.id);
    expect(copy.code).not.toBe('agents');
    expect(copy).toMatchObject({
      name: 'Agents lab (copy)',
      description: 'Bring a laptop.',
      timeZone: 'Europe/Paris',
      dailyRequestCap: 40,
      maxTokenCap: 1000,
      dailyTokenBudget: 20_000,
      capacity: 25,
      joinPassword: 'lemon',
      sharedCode: 'room42',
      allowedOrigins: ['http://localhost:5173'],
      costBudget: { amount: 10, currency: 'EUR' },
      resourceIds: source.resourceIds,
      enabled: true,
      attendeeCount: 0,
      live: false,
      startsAt: new Date(nextWeek).toISOString(),
    });
    expect(await kit.call('attendees.list', { eventId: copy.id })).toEqual([]);
    expect((await kit.call('reports.usage', { eventId: copy.id })).totals.requests).toBe(0);
    // Its own name and code when given; a taken code or backwards dates refused.
    const named = (await call('events.duplicate', {
      id: source.id,
      name: 'Agents lab, June 15',
      code: 'agents-2',
      startsAt: new Date(nextWeek + 24 * hour).toISOString(),
      endsAt: new Date(nextWeek + 25 * hour).toISOString(),
    })) as EventView;
    expect(named).toMatchObject({ name: 'Agents lab, June 15', code: 'agents-2' });
    await expect(
      call('events.duplicate', { id: source.id, code: 'AGENTS', startsAt: named.startsAt, endsAt: named.endsAt }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      call('events.duplicate', { id: source.id, startsAt: named.endsAt, endsAt: named.startsAt }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(
      call('events.duplicate', { id: 'evt_gone', startsAt: named.startsAt, endsAt: named.endsAt }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('archiving an event', () => {
  it('refuses while the event has not ended', async () => {
    await expect(call('events.archive', { id: source.id })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('has not ended yet'),
    });
  });

  it('once over: keys, join page and shared code dead, out of the list, no changes, report kept', async () => {
    clock += 5 * hour;
    const archived = (await call('events.archive', { id: source.id })) as EventView;
    expect(archived.archivedAt).toBe(new Date(clock).toISOString());
    expect(archived.live).toBe(false);

    const client = new AzureOpenAI({ endpoint: kit.apiBase, apiKey, apiVersion: '2024-10-21', maxRetries: 0 });
    await expect(
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 403, code: 'event_ended' });
    // Even with its dates moved back into the future a key would not work: the event takes no changes.
    await expect(
      call('events.update', { id: source.id, endsAt: new Date(clock + hour).toISOString() }),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('Unarchive it first') });
    await expect(call('attendees.issue', { eventId: source.id, count: 1 })).rejects.toMatchObject({ code: 'conflict' });
    expect((await kit.register('agents', { name: 'Late', password: 'lemon' })).status).toBe(410);
    const shared = await fetch(
      `${kit.apiBase}/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21`,
      {
        method: 'POST',
        headers: { 'api-key': 'agents@room42/late@example.com', 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      },
    );
    expect(shared.status).toBe(401);
    const usage = await fetch(`${kit.localUrl}/join/agents/usage`, { headers: { 'api-key': apiKey } });
    expect(usage.status).toBe(410);

    const listed = (await call('events.list', {})) as EventView[];
    expect(listed.map((e) => e.id)).not.toContain(source.id);
    const all = (await call('events.list', { includeArchived: true })) as EventView[];
    expect(all.find((e) => e.id === source.id)?.archivedAt).toBeDefined();
    const report = await kit.call('reports.usage', { eventId: source.id });
    expect(report.totals.requests).toBe(1);
    expect(report.attendees.map((a) => a.name)).toEqual(['Ada']);
    expect(await kit.call('attendees.list', { eventId: source.id })).toHaveLength(1);
  });

  it('brings it back into the list when unarchived', async () => {
    const back = (await call('events.unarchive', { id: source.id })) as EventView;
    expect(back.archivedAt).toBeUndefined();
    expect(((await call('events.list', {})) as EventView[]).map((e) => e.id)).toContain(source.id);
    // Its attendees can read their numbers on the join page again.
    const r = await fetch(`${kit.localUrl}/join/agents/usage`, { headers: { 'api-key': apiKey } });
    expect(r.status).toBe(200);
  });
});
