/**
 * `reports.usage` through the real kit: three days of SDK calls on a clock
 * the test moves (Paris time, across midnight), checked against the
 * emulator's own count of requests and tokens, against `usage.report` summed
 * over the days, and for the first and last call of each attendee; a range
 * of days, attendees who never called, and estimated costs in one currency,
 * with a budget, and with two currencies (no totals).
 */
import { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchAdmin } from '../../../../electron/core/admin/dispatch.js';
import type { ResourceView } from '../../../../shared/contract.js';
import type { UsageRangeReport } from '../../../../shared/types.js';
import { type Emulator, startEmulator } from '../../../support/emulator.js';
import { startKit, type TestKit } from '../../../support/kit.js';

const API_VERSION = '2024-10-21';
// 2026-06-01 09:00 in Paris (UTC+2); the event runs three days.
const START = Date.parse('2026-06-01T07:00:00Z');
let clock = START;
let emu: Emulator;
let kit: TestKit;
let eventId: string;
let keys: Record<string, string>;
let resourceId: string;

beforeAll(async () => {
  emu = await startEmulator({ chunkDelayMs: 0 });
  kit = await startKit({ now: () => clock });
  // Through the contract's validation, as the console calls it: the currency is stored upper case.
  const resource = (await dispatchAdmin(kit.handlers, 'resources.create', {
    name: 'Emulated',
    kind: 'azure-openai',
    endpoint: emu.url,
    deployment: 'gpt-4o-mini',
    auth: { type: 'api-key', key: 'upstream-key' },
    enabled: true,
    pricing: { inputPerMillion: 150, outputPerMillion: 600, currency: 'eur' },
  })) as ResourceView;
  resourceId = resource.id;
  const embed = await kit.call('resources.create', {
    name: 'Embeddings',
    kind: 'azure-openai',
    endpoint: emu.url,
    deployment: 'embed',
    auth: { type: 'api-key', key: 'upstream-key' },
    enabled: true,
  });
  const event = await kit.call('events.create', {
    name: 'Three days',
    code: 'three',
    startsAt: new Date(START).toISOString(),
    endsAt: new Date(START + 2 * 86_400_000 + 9 * 3600_000).toISOString(),
    timeZone: 'Europe/Paris',
    dailyRequestCap: 0,
    maxTokenCap: 0,
    resourceIds: [resource.id, embed.id],
    enabled: true,
    costBudget: { amount: 1, currency: 'EUR' },
  });
  eventId = event.id;
  keys = {};
  for (const name of ['Ada', 'Grace', 'Idle'])
    keys[name] = (await kit.register('three', { name })).body.apiKey as string;
});
afterAll(async () => {
  await kit?.stop();
  await emu?.close();
});

const client = (key: string) =>
  new AzureOpenAI({ endpoint: kit.apiBase, apiKey: key, apiVersion: API_VERSION, maxRetries: 0 });
const chat = (key: string, stream = false, content = 'hi') =>
  stream
    ? client(key)
        .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], stream: true })
        .then(async (s) => {
          for await (const _ of s);
        })
    : client(key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });

/** What the emulator itself served: requests and the usage it reported (its fixed numbers per kind of call). */
function emulatorCount() {
  let requests = 0;
  let prompt = 0;
  let completion = 0;
  for (const r of emu.received) {
    if (r.method !== 'POST') continue;
    requests++;
    // The refused call reports no usage.
    if (JSON.stringify(r.json).includes('refuse me')) continue;
    if (r.path.endsWith('/embeddings')) prompt += 5;
    else if ((r.json as { stream?: boolean }).stream) {
      prompt += 11;
      completion += 6;
    } else {
      prompt += 11;
      completion += 7;
    }
  }
  return { requests, promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion };
}

describe('reports.usage', () => {
  let whole: UsageRangeReport;
  const firstAda = START + 60_000;
  const lastAda = START + 2 * 86_400_000 + 3600_000;

  beforeAll(async () => {
    // Day 1: Ada twice (one streamed), Grace once and an embedding.
    clock = firstAda;
    await chat(keys.Ada as string);
    clock += 60_000;
    await chat(keys.Ada as string, true);
    await chat(keys.Grace as string);
    await client(keys.Grace as string).embeddings.create({ model: 'embed', input: 'vectors' });
    // Day 2, 23:30 Paris: still day 2 in the venue, day 2 in UTC too; then 00:30 Paris = day 3, day 2 in UTC.
    clock = Date.parse('2026-06-02T21:30:00Z');
    await chat(keys.Grace as string);
    clock = lastAda;
    await chat(keys.Ada as string);
    // An upstream error counts as a request and an error.
    emu.override(
      (r) => r.method === 'POST',
      (_r, res) => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'content_filter', message: 'filtered' } }));
      },
    );
    await expect(chat(keys.Grace as string, false, 'refuse me')).rejects.toMatchObject({ status: 400 });
    whole = await kit.call('reports.usage', { eventId });
  });

  it('covers the whole event by default, one row per day, zero days included', () => {
    expect(whole).toMatchObject({
      from: '2026-06-01',
      to: '2026-06-03',
      eventFrom: '2026-06-01',
      eventTo: '2026-06-03',
    });
    expect(whole.days.map((d) => [d.day, d.requests])).toEqual([
      ['2026-06-01', 4],
      ['2026-06-02', 1],
      ['2026-06-03', 2],
    ]);
  });

  it('totals what the emulator served, and what usage.report says day by day', async () => {
    const served = emulatorCount();
    expect(whole.totals).toMatchObject({ ...served, errors: 1, attendees: 3, activeAttendees: 2 });
    const sum = { requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, errors: 0 };
    for (const d of whole.days) {
      const day = await kit.call('usage.report', { eventId, day: d.day });
      for (const a of day.attendees) for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += a[k];
      expect(d.requests).toBe(day.attendees.reduce((n, a) => n + a.requests, 0));
    }
    expect(sum).toEqual({ ...served, errors: 1 });
    const byDeployment = Object.fromEntries(whole.deployments.map((d) => [d.deployment, d.totalTokens]));
    expect(byDeployment).toEqual({ 'gpt-4o-mini': served.totalTokens - 5, embed: 5 });
  });

  it('gives every attendee a row, with their first and last call, revoked or not', async () => {
    const ada = whole.attendees.find((a) => a.name === 'Ada');
    expect(ada).toMatchObject({
      requests: 3,
      firstCallAt: new Date(firstAda).toISOString(),
      lastCallAt: new Date(lastAda).toISOString(),
      revoked: false,
    });
    expect(whole.attendees.find((a) => a.name === 'Idle')).toMatchObject({
      requests: 0,
      totalTokens: 0,
      firstCallAt: null,
      lastCallAt: null,
    });
    const grace = whole.attendees.find((a) => a.name === 'Grace');
    await kit.call('attendees.revoke', { attendeeId: grace?.attendeeId as string });
    const after = await kit.call('reports.usage', { eventId });
    expect(after.attendees.find((a) => a.name === 'Grace')).toMatchObject({ revoked: true, requests: 4, errors: 1 });
    await kit.call('attendees.restore', { attendeeId: grace?.attendeeId as string });
  });

  it('narrows to a range of days, and refuses a range that is not one', async () => {
    const day2 = await kit.call('reports.usage', { eventId, from: '2026-06-02', to: '2026-06-03' });
    expect(day2.days.map((d) => d.day)).toEqual(['2026-06-02', '2026-06-03']);
    expect(day2.totals.requests).toBe(3);
    expect(day2.attendees.find((a) => a.name === 'Ada')).toMatchObject({
      requests: 1,
      firstCallAt: new Date(lastAda).toISOString(),
    });
    await expect(kit.call('reports.usage', { eventId, from: '2026-06-03', to: '2026-06-01' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(kit.call('reports.usage', { eventId, from: '2020-01-01', to: '2026-01-01' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('estimates costs from the resource prices, with the budget used', () => {
    // 150 EUR per 1M input, 600 per 1M output on the chat deployment; embeddings unpriced.
    const chatRow = whole.deployments.find((d) => d.deployment === 'gpt-4o-mini');
    const expected = (chatRow!.promptTokens * 150 + chatRow!.completionTokens * 600) / 1e6;
    expect(chatRow?.cost).toBeCloseTo(expected, 9);
    expect(chatRow?.price).toEqual({ inputPerMillion: 150, outputPerMillion: 600, currency: 'EUR' });
    expect(whole.totals.cost).toBeCloseTo(expected, 9);
    expect(whole.attendees.reduce((n, a) => n + (a.cost ?? 0), 0)).toBeCloseTo(expected, 6);
    expect(whole.days.reduce((n, d) => n + (d.cost ?? 0), 0)).toBeCloseTo(expected, 6);
    expect(whole.costs).toMatchObject({ currency: 'EUR', currencies: ['EUR'], unpriced: ['embed'] });
    expect(whole.costs.budgetUsed).toBeCloseTo(expected / 1, 9);
  });

  it('shows no totals when prices use two currencies, and each deployment in its own', async () => {
    const usd = await kit.call('resources.create', {
      name: 'Other',
      kind: 'azure-openai',
      endpoint: emu.url,
      deployment: 'embed',
      auth: { type: 'api-key', key: 'upstream-key' },
      enabled: true,
      pricing: { inputPerMillion: 0.02, outputPerMillion: 0, currency: 'USD' },
    });
    const event = await kit.call('events.list', {}).then((l) => l.find((e) => e.id === eventId));
    await kit.call('events.update', { id: eventId, resourceIds: [...(event?.resourceIds ?? []), usd.id] });
    const mixed = await kit.call('reports.usage', { eventId });
    expect(mixed.costs).toMatchObject({ currencies: ['EUR', 'USD'] });
    expect(mixed.costs.currency).toBeUndefined();
    expect(mixed.totals.cost).toBeUndefined();
    expect(mixed.attendees.every((a) => a.cost === undefined)).toBe(true);
    expect(mixed.deployments.find((d) => d.deployment === 'embed')).toMatchObject({
      price: { currency: 'USD' },
      cost: 1e-7,
    });
    // Clearing a price takes the resource out of the estimate.
    await kit.call('resources.update', { id: usd.id, pricing: null });
    expect((await kit.call('reports.usage', { eventId })).costs.currency).toBe('EUR');
    expect((await kit.call('resources.list', {})).find((r) => r.id === resourceId)?.pricing?.currency).toBe('EUR');
  });
});
