/**
 * The Reports screen in the headless console, on a kit whose clock the test
 * moves across two days in Paris: SDK calls through the kit to the emulator,
 * then the screen's totals checked against `usage.report` summed over the
 * days and against the emulator's own count; a date range; sorting by a
 * column; each CSV download opened and parsed back and compared with
 * `reports.usage`; the JSON export; estimated costs with a budget.
 */
import { readFile } from 'node:fs/promises';
import { AzureOpenAI } from 'openai';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageRangeReport } from '../../shared/types.js';
import { desktopContext, launchChromium, openConsole, shot, startConsoleKit } from '../support/browser.js';
import { csvRecords } from '../support/csv.js';
import { type Emulator, startEmulator } from '../support/emulator.js';
import type { TestKit } from '../support/kit.js';

// 2026-06-01 09:00 in Paris; the event runs two days.
const START = Date.parse('2026-06-01T07:00:00Z');
let clock = START;
let browser: Browser;
let emu: Emulator;
let kit: TestKit;
let eventId: string;

const people = ['Ada Lovelace', 'Grace Hopper', 'Zoë "Z" Müller, Jr.', 'Alan Turing'];

beforeAll(async () => {
  browser = await launchChromium();
  emu = await startEmulator({ chunkDelayMs: 0 });
  kit = await startConsoleKit({ now: () => clock });
  const chat = await kit.call('resources.create', {
    name: 'Sweden Central',
    kind: 'azure-openai',
    endpoint: emu.url,
    deployment: 'gpt-4o-mini',
    auth: { type: 'api-key', key: 'upstream' },
    enabled: true,
    pricing: { inputPerMillion: 150, outputPerMillion: 600, currency: 'EUR' },
  });
  const embed = await kit.call('resources.create', {
    name: 'Embeddings',
    kind: 'azure-openai',
    endpoint: emu.url,
    deployment: 'text-embedding-3-small',
    auth: { type: 'api-key', key: 'upstream' },
    enabled: true,
    pricing: { inputPerMillion: 20, outputPerMillion: 0, currency: 'EUR' },
  });
  const event = await kit.call('events.create', {
    name: 'Agents workshop',
    code: 'agents',
    startsAt: new Date(START).toISOString(),
    endsAt: new Date(START + 33 * 3600_000).toISOString(),
    timeZone: 'Europe/Paris',
    dailyRequestCap: 0,
    maxTokenCap: 0,
    resourceIds: [chat.id, embed.id],
    enabled: true,
    costBudget: { amount: 0.05, currency: 'EUR' },
  });
  eventId = event.id;
  const keys: string[] = [];
  for (const name of people) keys.push((await kit.register('agents', { name })).body.apiKey as string);
  const client = (i: number) =>
    new AzureOpenAI({ endpoint: kit.apiBase, apiKey: keys[i], apiVersion: '2024-10-21', maxRetries: 0 });
  const say = (i: number) =>
    client(i).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  // Day 1: Ada 3 chats, Grace 1 chat and 2 embeddings, Zoë 1 streamed chat.
  clock = START + 30 * 60_000;
  for (let n = 0; n < 3; n++) await say(0);
  await say(1);
  for (let n = 0; n < 2; n++) await client(1).embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
  const s = await client(2).chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'stream' }],
    stream: true,
  });
  for await (const _ of s);
  // Day 2: Ada once more, Grace 2 chats; Alan never calls.
  clock = START + 26 * 3600_000;
  await say(0);
  await say(1);
  await say(1);
});
afterAll(async () => {
  await browser?.close();
  await kit?.stop();
  await emu?.close();
});

/** What the emulator served: every POST, and the usage its answers carried (its fixed numbers per kind). */
function emulatorCount() {
  let requests = 0;
  let tokens = 0;
  for (const r of emu.received) {
    if (r.method !== 'POST') continue;
    requests++;
    tokens += r.path.endsWith('/embeddings') ? 5 : (r.json as { stream?: boolean }).stream ? 17 : 18;
  }
  return { requests, tokens };
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: await readFile(path as string, 'utf8') };
}

const numberIn = async (page: Page, testId: string) =>
  Number(((await page.getByTestId(testId).textContent()) ?? '').replace(/[^\d.]/g, ''));

describe('the Reports screen', () => {
  it('shows totals that add up, narrows to a range, sorts, and exports CSV and JSON that parse back', async () => {
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await openConsole(page, kit);
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports' }).waitFor();
    await page.getByTestId('total-requests').waitFor();

    // Totals: the emulator's own count, and usage.report summed over the event's days.
    const served = emulatorCount();
    const days = ['2026-06-01', '2026-06-02'];
    let requests = 0;
    let tokens = 0;
    for (const day of days) {
      const r = await kit.call('usage.report', { eventId, day });
      requests += r.attendees.reduce((n, a) => n + a.requests, 0);
      tokens += r.attendees.reduce((n, a) => n + a.totalTokens, 0);
    }
    expect({ requests, tokens }).toEqual(served);
    expect(await numberIn(page, 'total-requests')).toBe(served.requests);
    expect(await page.getByTestId('total-tokens').textContent()).toBe(String(served.tokens));
    expect(await page.getByTestId('active-attendees').textContent()).toBe('3');
    await page.getByTestId('total-cost').waitFor();
    await page.getByRole('progressbar', { name: 'Budget used' }).waitFor();
    await page.getByRole('img', { name: 'Requests per day' }).locator('canvas').first().waitFor();
    await shot(page, 'reports-01-whole-event');

    // The attendee table, sorted by requests (most first), then by name.
    const table = page.getByRole('table', { name: 'Usage per attendee' });
    const names = async () =>
      (await table.locator('tbody tr td:first-child .cell-title').allTextContents()).map((s) => s.trim());
    expect(await names()).toEqual(['Grace Hopper', 'Ada Lovelace', 'Zoë "Z" Müller, Jr.', 'Alan Turing']);
    await table.getByRole('button', { name: /^Attendee/ }).click();
    expect(await table.getByRole('columnheader', { name: /^Attendee/ }).getAttribute('aria-sort')).toBe('ascending');
    expect(await names()).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Zoë "Z" Müller, Jr.']);
    await table.getByRole('button', { name: /^Tokens/ }).click();
    expect(await table.getByRole('columnheader', { name: /^Tokens/ }).getAttribute('aria-sort')).toBe('descending');
    expect((await names())[0]).toBe('Ada Lovelace');
    await table.getByRole('button', { name: /^Tokens/ }).click();
    expect((await names())[0]).toBe('Alan Turing');

    // Search narrows the table, accents ignored; the CSV keeps every row.
    await page.getByLabel('Search attendees').fill('zoe');
    expect(await names()).toEqual(['Zoë "Z" Müller, Jr.']);
    const whole = await kit.call('reports.usage', { eventId });
    const csv = await downloaded(page, () => page.getByRole('button', { name: 'Export attendees as CSV' }).click());
    expect(csv.name).toBe('agents-attendees-2026-06-01_2026-06-02.csv');
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    const rows = csvRecords(csv.text);
    expect(rows).toHaveLength(4);
    for (const a of whole.attendees) {
      const row = rows.find((r) => r.Attendee === a.name);
      expect(row).toMatchObject({
        Requests: String(a.requests),
        'Total tokens': String(a.totalTokens),
        Errors: String(a.errors),
        Revoked: 'no',
        'Estimated cost (EUR)': String(a.cost),
      });
      if (a.firstCallAt)
        expect(Date.parse(row?.['First call'] ?? '')).toBe(Math.floor(Date.parse(a.firstCallAt) / 1000) * 1000);
      else expect(row?.['First call']).toBe('');
    }
    // Venue time with its offset: 09:30 in Paris (UTC+2) on the first day.
    expect(rows.find((r) => r.Attendee === 'Ada Lovelace')?.['First call']).toBe('2026-06-01T09:30:00+02:00');
    expect(rows.reduce((n, r) => n + Number(r.Requests), 0)).toBe(served.requests);
    await page.getByLabel('Search attendees').fill('');

    const dep = csvRecords(
      (await downloaded(page, () => page.getByRole('button', { name: 'Export deployments as CSV' }).click())).text,
    );
    expect(Object.fromEntries(dep.map((d) => [d.Deployment, Number(d['Total tokens'])]))).toEqual({
      'gpt-4o-mini': served.tokens - 10,
      'text-embedding-3-small': 10,
    });
    const dayRows = csvRecords(
      (await downloaded(page, () => page.getByRole('button', { name: 'Export days as CSV' }).click())).text,
    );
    expect(dayRows.map((d) => [d.Day, Number(d.Requests)])).toEqual([
      ['2026-06-01', 7],
      ['2026-06-02', 3],
    ]);
    const json = await downloaded(page, () => page.getByRole('button', { name: 'Export JSON' }).click());
    const parsed = JSON.parse(json.text) as UsageRangeReport;
    expect({ ...parsed, generatedAt: '' }).toEqual({ ...whole, generatedAt: '' });

    // A range: the second day only.
    await page.getByLabel('From').fill('2026-06-02');
    await expect.poll(() => numberIn(page, 'total-requests')).toBe(3);
    const day2 = await kit.call('reports.usage', { eventId, from: '2026-06-02', to: '2026-06-02' });
    expect(await page.getByTestId('total-tokens').textContent()).toBe(String(day2.totals.totalTokens));
    expect(await names()).toContain('Grace Hopper');
    const ranged = await downloaded(page, () => page.getByRole('button', { name: 'Export attendees as CSV' }).click());
    expect(ranged.name).toBe('agents-attendees-2026-06-02_2026-06-02.csv');
    expect(csvRecords(ranged.text).find((r) => r.Attendee === 'Grace Hopper')?.Requests).toBe('2');
    await shot(page, 'reports-02-one-day');
    await page.getByRole('button', { name: 'Whole event' }).click();
    await expect.poll(() => numberIn(page, 'total-requests')).toBe(served.requests);

    expect(errors).toEqual([]);
    await ctx.close();
  });
});
