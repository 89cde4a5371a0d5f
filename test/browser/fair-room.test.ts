/**
 * A fair room from the console: the resource form's calls in flight
 * upstream (shown on the resource's row), the event form's per-minute limits, longest realtime session and
 * per-deployment daily caps (saved, shown again on edit, cleared), and one
 * attendee's own limits set on the Attendees screen taking effect on the next
 * real SDK call through the kit, then cleared back to the event's.
 */
import { AzureOpenAI, RateLimitError } from 'openai';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopContext, launchChromium, openConsole, shot, startConsoleKit } from '../support/browser.js';
import { type Emulator, startEmulator } from '../support/emulator.js';
import type { TestKit } from '../support/kit.js';

let browser: Browser;
let kit: TestKit;
let emu: Emulator;

beforeAll(async () => {
  browser = await launchChromium();
  emu = await startEmulator({ chunkDelayMs: 0 });
  kit = await startConsoleKit();
});
afterAll(async () => {
  await browser?.close();
  await kit?.stop();
  await emu?.close();
});

describe('fair-room settings in the console', () => {
  it('saves the limits, and an attendee override set on the Attendees screen governs the next SDK call', async () => {
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    const pageErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await openConsole(page, kit, '/resources');

    // Two resources: chat with a limit of calls in flight upstream, and images.
    for (const [name, deployment, inFlight] of [
      ['Chat', 'gpt-4o-mini', '8'],
      ['Images', 'dall-e-3', ''],
    ] as const) {
      await page.getByRole('button', { name: 'Add resource' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'New resource' });
      await dialog.getByLabel('Name', { exact: true }).fill(name);
      await dialog.getByLabel('Endpoint').fill(emu.url);
      await dialog.getByLabel('Deployment name').fill(deployment);
      await dialog.getByLabel('API key').fill('upstream-secret-key-123');
      await dialog.getByLabel('Calls in flight upstream').fill(inFlight);
      if (inFlight) await shot(page, 'fair-01-resource-in-flight', { fullPage: false });
      await dialog.getByRole('button', { name: 'Add resource' }).click();
      await dialog.waitFor({ state: 'detached' });
    }
    // The limited resource's row says how many of its places are taken.
    await page.getByRole('row', { name: /Chat/ }).getByText('0 of 8 in flight').waitFor();
    const resources = await kit.call('resources.list', {});
    expect(resources.find((r) => r.name === 'Chat')?.maxInFlight).toBe(8);
    expect(resources.find((r) => r.name === 'Images')?.maxInFlight).toBeUndefined();

    // The event: per-minute limits, the longest session, a daily cap of images; a typo is refused beside its field.
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByRole('button', { name: 'New event' }).click();
    const ev = page.getByRole('dialog', { name: 'New event' });
    await ev.getByLabel('Event name').fill('Fair room');
    await ev.getByLabel('Event code').fill('fair');
    await ev.getByLabel('Requests per minute').fill('30');
    await ev.getByLabel('Tokens per minute').fill('50000');
    await ev.getByLabel('Calls in flight').fill('4');
    await ev.getByLabel('Longest realtime session (minutes)').fill('15');
    await ev.getByLabel('Daily cap for dall-e-3').fill('10');
    await ev.getByLabel('Daily cap for gpt-4o-mini').fill('1.5');
    await ev.getByRole('button', { name: 'Create event' }).click();
    await ev.getByText('Whole numbers per deployment, or empty for no cap of its own.').waitFor();
    await ev.getByLabel('Daily cap for gpt-4o-mini').fill('');
    await ev.getByLabel('Requests per minute').scrollIntoViewIfNeeded();
    await shot(page, 'fair-02-event-limits', { fullPage: false });
    await ev.getByRole('button', { name: 'Create event' }).click();
    await ev.waitFor({ state: 'detached' });
    const [event] = await kit.call('events.list', {});
    expect(event).toMatchObject({
      requestsPerMinute: 30,
      tokensPerMinute: 50000,
      concurrentRequests: 4,
      maxSessionMinutes: 15,
      deploymentDailyCaps: { 'dall-e-3': 10 },
    });

    // Editing shows them again; emptying one clears it.
    await page
      .getByRole('row', { name: /Fair room/ })
      .getByRole('button', { name: 'Edit' })
      .click();
    const edit = page.getByRole('dialog', { name: 'Edit Fair room' });
    expect(await edit.getByLabel('Requests per minute').inputValue()).toBe('30');
    expect(await edit.getByLabel('Daily cap for dall-e-3').inputValue()).toBe('10');
    await edit.getByLabel('Tokens per minute').fill('');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    const saved = (await kit.call('events.list', {})).find((e) => e.id === event!.id)!;
    expect(saved.tokensPerMinute).toBeUndefined();
    expect(saved.requestsPerMinute).toBe(30);

    // An attendee, and an override of one request per minute from the Attendees screen.
    const reg = await kit.register('fair', { name: 'Speaker' });
    const apiKey = reg.body.apiKey as string;
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Attendees' }).click();
    const row = page.getByRole('row', { name: /Speaker/ });
    await row.getByText("event's").waitFor();
    await row.getByRole('button', { name: 'Limits for Speaker' }).click();
    const limits = page.getByRole('dialog', { name: 'Limits for Speaker' });
    expect(await limits.getByLabel('Requests per minute').getAttribute('placeholder')).toBe('event: 30');
    await limits.getByLabel('Requests per minute').fill('1');
    await limits.getByLabel('Requests per day').fill('1000');
    await shot(page, 'fair-03-attendee-limits', { fullPage: false });
    await limits.getByRole('button', { name: 'Save limits' }).click();
    await limits.waitFor({ state: 'detached' });
    await row.getByText('1 req/min').waitFor();
    await row.getByText(/^1,?000 req\/day$/).waitFor();
    await shot(page, 'fair-04-attendee-row');

    // The next calls: one goes through, the second is refused with the headers the SDKs read.
    const answers: Response[] = [];
    const client = new AzureOpenAI({
      endpoint: kit.apiBase,
      apiKey,
      apiVersion: '2024-10-21',
      maxRetries: 0,
      fetch: async (url, init) => {
        const r = await fetch(url, init);
        answers.push(r);
        return r;
      },
    });
    const chat = () =>
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await chat();
    expect(answers[0]?.headers.get('x-ratelimit-limit-requests')).toBe('1');
    const refused = await chat().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(RateLimitError);
    expect((refused as RateLimitError).code).toBe('rate_limited');
    const h = answers[1]?.headers;
    expect(h?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(Number(h?.get('retry-after'))).toBeGreaterThan(0);

    // Cleared from the console: the event's 30 a minute applies again at once.
    await row.getByRole('button', { name: 'Limits for Speaker' }).click();
    await limits.getByLabel('Requests per minute').fill('');
    await limits.getByRole('button', { name: 'Save limits' }).click();
    await limits.waitFor({ state: 'detached' });
    await row.getByText('1 req/min').waitFor({ state: 'detached' });
    await chat();
    expect(answers.at(-1)?.headers.get('x-ratelimit-limit-requests')).toBe('30');
    const [attendee] = await kit.call('attendees.list', { eventId: event!.id });
    expect(attendee?.limits).toEqual({ dailyRequestCap: 1000 });

    expect(pageErrors).toEqual([]);
    await ctx.close();
  });
});
