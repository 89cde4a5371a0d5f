/**
 * The join page on a phone: register, copy the JavaScript sample and run it
 * against the kit, reload (the key stays), claim a printed card's key, read
 * the page's own QR code, and show each state (not started, live, ended,
 * refused) in a screenshot.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AzureOpenAI } from 'openai';
import type { Browser } from 'playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dayIn, isoInZone } from '../../shared/zoned-time.js';
import { launchChromium, phoneContext, readQr, shot } from '../support/browser.js';
import { parseCsv } from '../support/csv.js';
import { eventInput, hour, startKit, type TestKit } from '../support/kit.js';

const run = promisify(execFile);
let browser: Browser;
let kit: TestKit;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await kit?.stop();
});

async function playgroundEvent(over: Parameters<typeof eventInput>[1] = {}) {
  const r = await kit.call('resources.create', {
    name: 'Playground',
    kind: 'playground',
    deployment: 'playground',
    auth: { type: 'none' },
    enabled: true,
  });
  return kit.call(
    'events.create',
    eventInput([r.id], {
      name: 'GenAI Workshop · Lyon',
      description: 'Build a chat app in an afternoon.',
      dailyRequestCap: 200,
      maxTokenCap: 1024,
      ...over,
    }),
  );
}

describe('join page on a phone', () => {
  it('registers, and the copied JavaScript sample gets an answer through the kit', async () => {
    kit = await startKit();
    const e = await playgroundEvent();
    const context = await phoneContext(browser, kit.localUrl);
    const page = await context.newPage();
    await page.goto(`${kit.localUrl}/join/${e.code}`);
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/^Live now · ends in/);
    expect(await page.locator('#when').textContent()).toMatch(/–/);
    await shot(page, 'join-1-live-before-registering');

    await page.getByLabel('Your name').fill('Grace');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.locator('#key').waitFor({ state: 'visible' });
    const key = (await page.locator('#key').textContent()) ?? '';
    expect(key).toMatch(/^apk-/);
    expect(await page.locator('#hello').textContent()).toBe('Welcome, Grace!');
    expect(await page.locator('#endpoint').textContent()).toBe(`${kit.localUrl}/api/v1`);
    await shot(page, 'join-2-registered');

    await page.getByRole('button', { name: 'Copy key' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

    await page.getByRole('tab', { name: 'JavaScript', exact: true }).click();
    expect(await page.getByRole('tab', { name: 'JavaScript', exact: true }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('button', { name: 'Copy sample' }).click();
    await expect.poll(() => page.locator('#copy-sample').textContent()).toBe('Copied ✓');
    const sample = await page.evaluate(() => navigator.clipboard.readText());
    expect(sample).toContain(key);
    expect(sample).not.toContain('__YOUR_API_KEY__');
    await shot(page, 'join-3-javascript-sample');

    // Run the copied sample from inside the repo so `import 'openai'` resolves.
    const dir = await mkdtemp(join(process.cwd(), '.cache-sample-'));
    try {
      await writeFile(join(dir, 'chat.mjs'), sample);
      const { stdout } = await run(process.execPath, [join(dir, 'chat.mjs')], {
        timeout: 30_000,
        env: { PATH: process.env.PATH ?? '' },
      });
      expect(stdout.trim().length).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const traffic = kit.feed.recent(10).filter((t) => t.path.endsWith('/chat/completions'));
    expect(traffic.at(-1)).toMatchObject({ status: 200, attendeeName: 'Grace', deployment: 'playground' });

    await page.reload();
    await page.locator('#key').waitFor({ state: 'visible' });
    expect(await page.locator('#key').textContent()).toBe(key);
    await expect
      .poll(() => page.locator('#usage').textContent())
      .toMatch(/^Today: 1 of 200 requests \(199 left\) · [1-9]\d* tokens/);
    expect(await page.locator('#register').isHidden()).toBe(true);
    await context.close();
  });

  it('shows a countdown before the start, and its QR code reads back to the page', async () => {
    kit = await startKit();
    const now = Date.now();
    const e = await playgroundEvent({
      startsAt: new Date(now + 25 * 60_000).toISOString(),
      endsAt: new Date(now + 4 * hour).toISOString(),
    });
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(`${kit.localUrl}/join/${e.code}`);
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/^Starts in 2[45] min \d+ s/);
    expect(await page.locator('#status').getAttribute('data-state')).toBe('soon');
    await shot(page, 'join-4-not-started');
    expect(await readQr(page.locator('footer svg'))).toBe(`${kit.localUrl}/join/${e.code}`);
    await context.close();
  });

  it('says when the event has ended and offers no form', async () => {
    kit = await startKit();
    const now = Date.now();
    const e = await playgroundEvent({
      startsAt: new Date(now - 5 * hour).toISOString(),
      endsAt: new Date(now - hour).toISOString(),
    });
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(`${kit.localUrl}/join/${e.code}`);
    await expect.poll(() => page.locator('#status').textContent()).toBe('This event has ended');
    expect(await page.locator('#register-form').isHidden()).toBe(true);
    expect(await page.locator('#closed').isVisible()).toBe(true);
    await shot(page, 'join-5-ended');
    await context.close();
  });

  it('shows the refusal messages: wrong password, then a full event', async () => {
    kit = await startKit();
    const e = await playgroundEvent({ joinPassword: 'tulip-42', capacity: 1 });
    await kit.register(e.code, { password: 'tulip-42' });
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(`${kit.localUrl}/join/${e.code}`);
    await page.getByLabel('Join password').fill('tulip-41');
    await page.getByRole('button', { name: 'Register' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('The join password is not right. Ask the organizer for it.');
    await shot(page, 'join-6-wrong-password');
    await page.getByLabel('Join password').fill('tulip-42');
    await page.getByRole('button', { name: 'Register' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('This event is full (1 attendees). Ask the organizer.');
    await shot(page, 'join-7-full');
    await context.close();
  });

  it('opens a printed card claim URL holding its key, without keeping it in the address bar', async () => {
    kit = await startKit();
    const e = await playgroundEvent();
    const [card] = await kit.call('attendees.issue', { eventId: e.id, count: 1 });
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(card!.claimUrl.replace(/^http:\/\/[^/]+/, kit.localUrl));
    await page.locator('#key').waitFor({ state: 'visible' });
    expect(await page.locator('#key').textContent()).toBe(card!.apiKey);
    expect(await page.locator('#claimed').isVisible()).toBe(true);
    expect(page.url()).not.toContain('#key=');
    await page.getByRole('tab', { name: 'curl' }).click();
    expect(await page.locator('#sample-code').textContent()).toContain(`api-key: ${card!.apiKey}`);
    await shot(page, 'join-8-claimed-card');
    await context.close();
  });

  it('covers the whole event in "my usage", per day, and downloads the attendee\'s own CSV', async () => {
    kit = await startKit();
    const tz = 'Asia/Tokyo';
    const now = Date.now();
    const e = await playgroundEvent({
      timeZone: tz,
      startsAt: new Date(now - 50 * hour).toISOString(),
      endsAt: new Date(now + 2 * hour).toISOString(),
    });
    const context = await phoneContext(browser, kit.localUrl);
    const page = await context.newPage();
    await page.goto(`${kit.localUrl}/join/${e.code}`);
    await page.getByLabel('Your name').fill('Hedy, "the inventor"');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.locator('#key').waitFor({ state: 'visible' });
    const key = ((await page.locator('#key').textContent()) ?? '').trim();
    const sdk = new AzureOpenAI({ endpoint: kit.apiBase, apiKey: key, apiVersion: '2024-10-21', maxRetries: 0 });
    for (let i = 0; i < 2; i++)
      await sdk.chat.completions.create({ model: 'playground', messages: [{ role: 'user', content: 'Hi' }] });
    // Two days ago in the venue's zone: counted then (as the ledger would have), read back from the store.
    const attendeeId = kit.store.attendeesOf(e.id)[0]?.id as string;
    const earlier = now - 48 * hour;
    await kit.ledger.flush();
    await kit.store.addUsage([
      {
        eventId: e.id,
        attendeeId,
        deployment: 'playground',
        day: dayIn(earlier, tz),
        requests: 5,
        promptTokens: 50,
        completionTokens: 25,
        totalTokens: 75,
        errors: 1,
        firstCallAt: new Date(earlier).toISOString(),
        lastCallAt: new Date(earlier + hour).toISOString(),
      },
    ]);
    kit.ledger.reload();

    await page.getByRole('button', { name: 'Refresh usage' }).click();
    const days = page.locator('#usage-days tbody tr');
    await expect.poll(() => days.count()).toBe(2);
    expect(await days.first().getAttribute('data-day')).toBe(dayIn(earlier, tz));
    expect(await days.last().getAttribute('data-day')).toBe(dayIn(now, tz));
    expect(await page.locator('#usage-total-requests').textContent()).toBe('7');
    await page.locator('#usage-days').scrollIntoViewIfNeeded();
    await shot(page, 'join-12-my-usage-whole-event');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download my usage (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${e.code}-my-usage.csv`);
    const text = await readFile((await download.path()) as string, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual([
      'Day',
      'Deployment',
      'Requests',
      'Prompt tokens',
      'Completion tokens',
      'Total tokens',
      'Errors',
      'First call',
      'Last call',
    ]);
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      [dayIn(earlier, tz), 'playground', '5'],
      [dayIn(now, tz), 'playground', '2'],
    ]);
    // Venue time with its offset, whatever the phone's zone (New York here).
    expect(rows[0]?.[7]).toBe(isoInZone(new Date(earlier).toISOString(), tz));
    expect(rows[0]?.[7]).toMatch(/\+09:00$/);
    // The file's numbers are the page's: the same counters.
    const mine = (await (
      await fetch(`${kit.localUrl}/join/${e.code}/usage`, { headers: { 'api-key': key } })
    ).json()) as { eventTotals: { requests: number; totalTokens: number } };
    expect(rows.reduce((n, r) => n + Number(r[2]), 0)).toBe(mine.eventTotals.requests);
    expect(rows.reduce((n, r) => n + Number(r[5]), 0)).toBe(mine.eventTotals.totalTokens);
    // Nobody else's numbers: another key of the event, or none, gets no file.
    expect((await fetch(`${kit.localUrl}/join/${e.code}/usage.csv`)).status).toBe(401);
    await context.close();
  });

  it('with HTTPS on, hands out the HTTPS endpoint and offers the CA certificate', async () => {
    kit = await startKit({ httpsPort: 0 });
    const e = await playgroundEvent();
    const context = await phoneContext(browser, kit.localUrl);
    const page = await context.newPage();
    await page.goto(`${kit.localUrl}/join/${e.code}`);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.locator('#key').waitFor({ state: 'visible' });
    expect(await page.locator('#endpoint').textContent()).toBe(`${kit.localHttpsUrl}/api/v1`);
    const link = page.getByRole('link', { name: "Download the kit's CA certificate" });
    expect(await link.getAttribute('href')).toBe('/join/ca.pem');
    await page.getByRole('tab', { name: 'Python', exact: true }).click();
    expect(await page.locator('#sample-code').textContent()).toContain('SSL_CERT_FILE');
    await shot(page, 'join-9-https');
    await context.close();
  });
});

describe('shared code on the join page', () => {
  it('builds the <event>@<code>/<email> key, checks it, and keeps it', async () => {
    kit = await startKit();
    const e = await playgroundEvent({ code: 'hack-lyon', sharedCode: 'tulip2026' });
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(`${kit.localUrl}/join/${e.code}`);
    await page.getByText('Got a shared code from the organizer?').click();
    await page.getByLabel('Shared code').fill('tulip2025');
    await page.getByLabel('Your email').fill('ada@example.com');
    await page.getByRole('button', { name: 'Use the shared code' }).click();
    await expect
      .poll(() => page.locator('#shared-error').textContent())
      .toBe('That shared code is not right for this event.');
    await shot(page, 'join-10-shared-code-wrong');
    await page.getByLabel('Shared code').fill('tulip2026');
    await page.getByRole('button', { name: 'Use the shared code' }).click();
    await page.locator('#key').waitFor({ state: 'visible' });
    expect(await page.locator('#key').textContent()).toBe('hack-lyon@tulip2026/ada@example.com');
    expect(await page.locator('#hello').textContent()).toBe('Welcome, ada@example.com!');
    await page.reload();
    await page.locator('#key').waitFor({ state: 'visible' });
    expect(await page.locator('#key').textContent()).toBe('hack-lyon@tulip2026/ada@example.com');
    await context.close();
  });
});
