/**
 * The organizer's event day in the headless console, end to end: add the
 * playground resource, create an event, put its QR code on the projector, an
 * attendee registers from a phone through that QR URL, SDK calls show up in
 * live traffic, the organizer revokes the key, and the next call is refused.
 */
import { AzureOpenAI } from 'openai';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  desktopContext,
  launchChromium,
  openConsole,
  phoneContext,
  readQr,
  shot,
  startConsoleKit,
} from '../support/browser.js';
import type { TestKit } from '../support/kit.js';

let browser: Browser;
let kit: TestKit;

beforeAll(async () => {
  browser = await launchChromium();
  kit = await startConsoleKit();
});
afterAll(async () => {
  await browser?.close();
  await kit?.stop();
});

describe('organizer flow in the headless console', () => {
  it('goes from an empty kit to a revoked attendee key', async () => {
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));

    await openConsole(page, kit);
    await expect.poll(() => page.url()).not.toContain('token=');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('No live event').waitFor();
    await shot(page, '01-overview-empty');

    // Resources: validation first, then the playground model.
    await page.getByRole('link', { name: 'Resources' }).click();
    await page.getByText('No resources yet').waitFor();
    await shot(page, '02-resources-empty');
    await page.getByRole('button', { name: 'Add resource' }).first().click();
    const resDialog = page.getByRole('dialog', { name: 'New resource' });
    await resDialog.getByRole('button', { name: 'Add resource' }).click();
    await resDialog.getByText('The resource needs an endpoint URL.').waitFor();
    await shot(page, '03-resource-form-errors', { fullPage: false });
    await resDialog.getByLabel('Name', { exact: true }).fill('Offline playground');
    await resDialog.getByLabel('Kind', { exact: true }).selectOption('playground');
    await resDialog.getByLabel('Deployment name').fill('playground');
    await resDialog.getByRole('button', { name: 'Add resource' }).click();
    await resDialog.waitFor({ state: 'detached' });
    const resRow = page.getByRole('row', { name: /Offline playground/ });
    await resRow.getByRole('button', { name: /Test connection/ }).click();
    await resRow.getByText(/Connected · \d+/).waitFor();
    await shot(page, '04-resources');

    // Events: create one in Paris time.
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByText('No events yet').waitFor();
    await page.getByRole('button', { name: 'New event' }).click();
    const evDialog = page.getByRole('dialog', { name: 'New event' });
    await evDialog.getByLabel('Event name').fill('Agents workshop');
    await evDialog.getByLabel('Description').fill('Build your first agent with the official SDKs.');
    await evDialog.getByLabel('Time zone').fill('Europe/Paris');
    await evDialog.getByLabel('Event code').fill('agents');
    expect(await evDialog.getByRole('checkbox', { name: /Offline playground/ }).isChecked()).toBe(true);
    await shot(page, '05-event-form', { fullPage: false });
    await evDialog.getByRole('button', { name: 'Create event' }).click();
    await evDialog.waitFor({ state: 'detached' });
    const evRow = page.getByRole('row', { name: /Agents workshop/ });
    await evRow.getByText('Live').waitFor();
    await shot(page, '06-events');

    // Projector: the QR code must decode to the join URL shown beside it.
    await evRow.getByRole('link', { name: 'QR code' }).click();
    const joinUrlText = (await page.getByTestId('join-url').textContent())?.trim() ?? '';
    expect(joinUrlText).toBe(`${kit.localUrl}/join/agents`);
    expect(await page.getByTestId('event-code').textContent()).toBe('agents');
    const qrImage = page.getByRole('img', { name: /QR code for/ });
    await qrImage.waitFor();
    const qrUrl = await readQr(qrImage);
    expect(qrUrl).toBe(joinUrlText);
    await shot(page, '07-projector', { fullPage: false });

    // An attendee scans it with a phone and registers.
    const phone = await (await phoneContext(browser)).newPage();
    await phone.goto(qrUrl as string);
    await phone
      .getByRole('heading', { name: /Agents workshop/ })
      .first()
      .waitFor();
    await phone.getByLabel(/name/i).first().fill('Grace');
    await phone
      .getByRole('button', { name: /register|join|get/i })
      .first()
      .click();
    await phone
      .getByText(/apk-[A-Za-z0-9_-]{20,}/)
      .first()
      .waitFor();
    const apiKey = /apk-[A-Za-z0-9_-]{32}/.exec((await phone.content()) ?? '')?.[0];
    expect(apiKey).toBeTruthy();
    await shot(phone, '08-phone-registered');
    await phone.context().close();

    // SDK calls from Node with the key the phone got.
    const client = new AzureOpenAI({ endpoint: kit.apiBase, apiKey, apiVersion: '2025-01-01-preview', maxRetries: 0 });
    for (let i = 0; i < 3; i++) {
      const r = await client.chat.completions.create({
        model: 'playground',
        messages: [{ role: 'user', content: `Hello ${i}` }],
      });
      expect(r.choices[0]?.message.content).toBeTruthy();
    }
    const stream = await client.chat.completions.create({
      model: 'playground',
      messages: [{ role: 'user', content: 'Stream please' }],
      stream: true,
    });
    for await (const _ of stream) {
      // drain
    }

    // Live traffic shows them, filterable by attendee.
    await page.goto(`${kit.adminUrl}/#/traffic`);
    const tail = page.getByRole('region', { name: 'Recent requests' });
    await expect.poll(() => tail.getByRole('row', { name: /Grace/ }).count(), { timeout: 10_000 }).toBe(4);
    await tail.getByLabel('Filter by attendee').selectOption('Grace');
    await tail.getByLabel('Filter by status').selectOption('errors');
    await tail.getByText('No request matches the filters').waitFor();
    await tail.getByLabel('Filter by status').selectOption('all');
    await shot(page, '09-traffic');

    // Attendees: usage today, then revoke.
    await page.getByRole('link', { name: 'Attendees' }).click();
    const gRow = page.getByRole('row', { name: /Grace/ });
    await gRow.getByText('Active').waitFor();
    // Three calls and a stream, counted in the event's day (the list refreshes every few seconds).
    await expect.poll(() => gRow.getByRole('cell').nth(3).textContent(), { timeout: 10_000 }).toMatch(/^4\b/);
    await shot(page, '10-attendees');
    await gRow.getByRole('button', { name: 'Revoke Grace' }).click();
    const confirm = page.getByRole('dialog', { name: /Revoke Grace/ });
    await shot(page, '11-revoke-confirm', { fullPage: false });
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await gRow.getByText('Revoked').waitFor();

    // The next call is refused with the documented code.
    const refused = await client.chat.completions
      .create({ model: 'playground', messages: [{ role: 'user', content: 'Still there?' }] })
      .then(
        () => undefined,
        (e: { status?: number; code?: string }) => e,
      );
    expect(refused?.status).toBe(401);
    expect(refused?.code).toBe('key_revoked');

    await page.getByRole('link', { name: 'Live traffic' }).click();
    await tail.getByText('key_revoked').first().waitFor();
    await shot(page, '12-traffic-after-revoke');

    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Agents workshop' }).waitFor();
    await shot(page, '13-overview-live');

    expect(consoleErrors).toEqual([]);
    await ctx.close();
  });
});
