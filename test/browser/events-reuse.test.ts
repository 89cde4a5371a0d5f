/**
 * Events reused and costs, from the headless console: prices typed into the
 * resource form, a budget into the event form and its progress on the
 * Overview; "Duplicate" on a finished event makes next week's copy with its
 * settings; "Archive" takes a finished event out of the list and kills its
 * keys, "Show archived" and the Reports screen still find it, "Unarchive"
 * brings it back.
 */
import { AzureOpenAI } from 'openai';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopContext, launchChromium, openConsole, shot, startConsoleKit } from '../support/browser.js';
import type { TestKit } from '../support/kit.js';

const hour = 3600_000;
let browser: Browser;
let kit: TestKit;
let finishedKey: string;
let liveKey: string;

beforeAll(async () => {
  browser = await launchChromium();
  kit = await startConsoleKit();
  const r = await kit.call('resources.create', {
    name: 'Offline playground',
    kind: 'playground',
    deployment: 'playground',
    auth: { type: 'none' },
    enabled: true,
  });
  const base = {
    timeZone: 'Europe/Paris',
    dailyRequestCap: 30,
    maxTokenCap: 512,
    resourceIds: [r.id],
    enabled: true,
  };
  await kit.call('events.create', {
    ...base,
    name: 'Monday lab',
    code: 'monday',
    description: 'Bring a laptop.',
    capacity: 12,
    joinPassword: 'lemon',
    startsAt: new Date(Date.now() - 3 * hour).toISOString(),
    endsAt: new Date(Date.now() + 2000).toISOString(),
  });
  await kit.call('events.create', {
    ...base,
    name: 'Live lab',
    code: 'live',
    startsAt: new Date(Date.now() - hour).toISOString(),
    endsAt: new Date(Date.now() + 5 * hour).toISOString(),
  });
  finishedKey = (await kit.register('monday', { name: 'Ada', password: 'lemon' })).body.apiKey as string;
  liveKey = (await kit.register('live', { name: 'Grace' })).body.apiKey as string;
  const call = (key: string) =>
    new AzureOpenAI({
      endpoint: kit.apiBase,
      apiKey: key,
      apiVersion: '2024-10-21',
      maxRetries: 0,
    }).chat.completions.create({ model: 'playground', messages: [{ role: 'user', content: 'Tell me about tokens.' }] });
  await call(finishedKey);
  for (let i = 0; i < 3; i++) await call(liveKey);
  // Monday lab is over from here on.
  await new Promise((ok) => setTimeout(ok, 2100));
});
afterAll(async () => {
  await browser?.close();
  await kit?.stop();
});

describe('costs, duplicate and archive in the console', () => {
  it('prices a resource, budgets an event, duplicates and archives from the Events screen', async () => {
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await openConsole(page, kit);

    // Prices on the resource.
    await page.getByRole('link', { name: 'Resources' }).click();
    await page.getByRole('button', { name: 'Edit Offline playground' }).click();
    const resDialog = page.getByRole('dialog', { name: /Edit Offline playground/ });
    await resDialog.getByLabel('Input price per 1M tokens').fill('2,5');
    await resDialog.getByLabel('Output price per 1M tokens').fill('10');
    await resDialog.getByLabel('Currency', { exact: true }).fill('xx');
    await resDialog.getByRole('button', { name: 'Save changes' }).click();
    await resDialog.getByText(/three-letter currency/).waitFor();
    await resDialog.getByLabel('Currency', { exact: true }).fill('eur');
    await shot(page, 'reuse-01-resource-prices', { fullPage: false });
    await resDialog.getByRole('button', { name: 'Save changes' }).click();
    await resDialog.waitFor({ state: 'detached' });
    expect((await kit.call('resources.list', {}))[0]?.pricing).toEqual({
      inputPerMillion: 2.5,
      outputPerMillion: 10,
      currency: 'EUR',
    });

    // A budget on the live event, shown against the estimate on the Overview.
    await page.getByRole('link', { name: 'Events', exact: true }).click();
    await page
      .getByRole('row', { name: /Live lab/ })
      .getByRole('button', { name: 'Edit', exact: true })
      .click();
    const evDialog = page.getByRole('dialog', { name: 'Edit Live lab' });
    await evDialog.getByLabel('Cost budget').fill('0.01');
    await evDialog.getByLabel('Budget currency').fill('EUR');
    await evDialog.getByRole('button', { name: 'Save changes' }).click();
    await evDialog.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Overview' }).click();
    const budget = page.getByTestId('budget-live');
    await budget.getByText(/Estimated cost/).waitFor();
    const report = await kit.call('reports.usage', {
      eventId: (await kit.call('events.list', {})).find((e) => e.code === 'live')?.id as string,
    });
    expect(report.costs.budgetUsed).toBeGreaterThan(0);
    expect(await budget.textContent()).toContain(`${Math.round((report.costs.budgetUsed ?? 0) * 100)} %`);
    await shot(page, 'reuse-02-overview-budget');

    // Duplicate the finished lab for next week.
    await page.getByRole('link', { name: 'Events', exact: true }).click();
    const monday = page.getByRole('row', { name: /^Monday lab code monday\b/ });
    await monday.getByText('Ended').waitFor();
    await monday.getByRole('button', { name: 'Duplicate' }).click();
    const dup = page.getByRole('dialog', { name: 'Duplicate Monday lab' });
    await dup.getByLabel('Event name').fill('Monday lab, week 2');
    await dup.getByLabel('Event code').fill('monday-2');
    await shot(page, 'reuse-03-duplicate', { fullPage: false });
    await dup.getByRole('button', { name: 'Create the copy' }).click();
    await dup.waitFor({ state: 'detached' });
    await page
      .getByRole('row', { name: /Monday lab, week 2/ })
      .getByText('Upcoming')
      .waitFor();
    const copy = (await kit.call('events.list', {})).find((e) => e.code === 'monday-2');
    const source = (await kit.call('events.list', {})).find((e) => e.code === 'monday');
    expect(copy).toMatchObject({
      description: 'Bring a laptop.',
      capacity: 12,
      joinPassword: 'lemon',
      dailyRequestCap: 30,
      maxTokenCap: 512,
      resourceIds: source?.resourceIds,
      attendeeCount: 0,
    });
    // Next week's slot, same time of day and length (to the minute: the form's times are minutes).
    const startShift = Date.parse(copy?.startsAt as string) - Date.parse(source?.startsAt as string);
    expect(Math.abs(startShift - 7 * 24 * hour)).toBeLessThan(60_000);
    const length = (e: typeof copy) => Date.parse(e?.endsAt as string) - Date.parse(e?.startsAt as string);
    expect(Math.abs(length(copy) - length(source))).toBeLessThan(60_000);

    // Archive it: gone from the list, its key dead, still in Reports.
    await monday.getByRole('button', { name: 'Archive' }).click();
    const confirm = page.getByRole('dialog', { name: 'Archive Monday lab?' });
    await confirm.getByRole('button', { name: 'Archive event' }).click();
    await monday.waitFor({ state: 'detached' });
    const refused = await new AzureOpenAI({
      endpoint: kit.apiBase,
      apiKey: finishedKey,
      apiVersion: '2024-10-21',
      maxRetries: 0,
    }).chat.completions
      .create({ model: 'playground', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: { status: number; code: string; message: string }) => e);
    expect(refused).toMatchObject({ status: 403, code: 'event_ended' });
    await page.getByLabel('Show archived').check();
    const archived = page.getByRole('row', { name: /^Monday lab code monday\b/ });
    await archived.getByText('Archived', { exact: true }).waitFor();
    await shot(page, 'reuse-04-events-archived');
    await archived.getByRole('link', { name: 'Report' }).click();
    await page.getByRole('heading', { name: 'Reports' }).waitFor();
    expect(await page.getByLabel('Event').locator('optgroup[label="Archived"] option').allTextContents()).toEqual([
      'Monday lab',
    ]);
    await expect.poll(() => page.getByTestId('total-requests').textContent()).toBe('1');

    await page.getByRole('link', { name: 'Events', exact: true }).click();
    await page.getByLabel('Show archived').check();
    await page
      .getByRole('row', { name: /Monday lab/ })
      .first()
      .getByRole('button', { name: 'Unarchive' })
      .click();
    await page.getByLabel('Show archived').uncheck();
    await page
      .getByRole('row', { name: /^Monday lab code/ })
      .getByText('Ended')
      .waitFor();
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
