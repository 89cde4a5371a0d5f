/**
 * The console's other states, each with a screenshot: no admin token (an
 * error an organizer can act on, not a blank page), a resource whose upstream
 * is down (Test shows the error), a stored secret that is never shown back,
 * printable key cards whose QR codes carry the claim links, and the
 * confirmation before deleting an event.
 */
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopContext, launchChromium, openConsole, readQr, shot, startConsoleKit } from '../support/browser.js';
import { eventInput, type TestKit } from '../support/kit.js';

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

describe('console states', () => {
  it('without the admin token, says how to get in', async () => {
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${kit.adminUrl}/#/events`);
    await page.getByRole('heading', { name: 'Open the console from the kit’s link' }).waitFor();
    await shot(page, '20-no-token');
    await ctx.close();
  });

  it('shows a loading state while the kit answers, and an error with a retry when it does not', async () => {
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let fail = false;
    await page.route('**/admin/api/events.list', async (route) => {
      if (fail) return route.abort('connectionrefused');
      await held;
      return route.continue();
    });
    await openConsole(page, kit, '/events');
    await page.getByRole('status').filter({ hasText: 'Loading events…' }).waitFor();
    await shot(page, '27-loading');
    release();
    await page.getByText('No events yet').waitFor();

    fail = true;
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'The kit is not answering' }).waitFor();
    await shot(page, '28-kit-not-answering');
    fail = false;
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByText('No events yet').waitFor();
    await ctx.close();
  });

  it('shows an unreachable upstream, keeps a stored secret hidden, and edits without resending it', async () => {
    const secret = 'upstream-secret-DO-NOT-SHOW-4821';
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    await openConsole(page, kit, '/resources');
    await page.getByRole('button', { name: 'Add resource' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New resource' });
    await dialog.getByLabel('Name', { exact: true }).fill('Sweden Central');
    await dialog.getByLabel('Endpoint').fill('http://127.0.0.1:9');
    await dialog.getByLabel('Deployment name').fill('gpt-4o-mini');
    await dialog.getByLabel('API key').fill(secret);
    await dialog.getByRole('button', { name: 'Add resource' }).click();
    await dialog.waitFor({ state: 'detached' });

    const row = page.getByRole('row', { name: /Sweden Central/ });
    await row.getByRole('button', { name: /Test connection/ }).click();
    await row
      .getByRole('status')
      .filter({ hasText: /\w{6,}/ })
      .waitFor();
    expect(await row.getByRole('status').textContent()).not.toMatch(/Connected/);
    await row.getByText('Failing').waitFor();
    await shot(page, '21-resource-unreachable');

    await row.getByRole('button', { name: 'Edit Sweden Central' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Sweden Central' });
    await edit.getByText('Stored and hidden').waitFor();
    expect(await page.content()).not.toContain(secret);
    await shot(page, '22-resource-edit-secret-hidden', { fullPage: false });
    await edit.getByLabel('Deployment name').fill('gpt-4o');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    await row.getByText('gpt-4o', { exact: true }).waitFor();
    // The stored key survived an edit that did not resend it.
    const stored = kit.store.resources.find((r) => r.name === 'Sweden Central');
    expect(stored?.auth).toEqual({ type: 'api-key', key: secret });
    await ctx.close();
  });

  it('issues printable key cards whose QR codes open the claim link', async () => {
    const playground = await kit.call('resources.create', {
      name: 'Playground',
      kind: 'playground',
      deployment: 'playground',
      auth: { type: 'none' },
      enabled: true,
    });
    const event = await kit.call('events.create', eventInput([playground.id], { name: 'Cards night', code: 'cards' }));
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    await openConsole(page, kit, `/attendees/${event.id}`);
    await page.getByText('Nobody has registered yet').waitFor();
    await shot(page, '23-attendees-empty');
    await page.getByRole('button', { name: 'Issue key cards' }).click();
    const ask = page.getByRole('dialog', { name: 'Issue key cards' });
    await ask.getByLabel('Number of cards').fill('4');
    await ask.getByRole('button', { name: 'Issue keys' }).click();
    const sheet = page.getByRole('dialog', { name: /4 key cards for Cards night/ });
    await sheet.getByRole('img', { name: 'Claim link for card 1' }).waitFor();
    const claim = await readQr(sheet.getByRole('img', { name: 'Claim link for card 1' }));
    expect(claim).toMatch(new RegExp(`^${kit.localUrl}/join/cards#key=apk-`));
    await shot(page, '24-key-cards', { fullPage: false });
    await sheet.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => page.getByRole('row', { name: /Key card/ }).count()).toBe(4);
    await shot(page, '25-attendees-cards');
    await ctx.close();
  });

  it('asks before deleting an event and says what it does', async () => {
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    await openConsole(page, kit, '/events');
    await page.getByRole('button', { name: 'Delete Cards night' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete Cards night?' });
    await confirm.getByText(/stop working at once/).waitFor();
    await shot(page, '26-delete-confirm', { fullPage: false });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(kit.store.events.some((e) => e.code === 'cards')).toBe(true);
    await page.getByRole('button', { name: 'Delete Cards night' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete event' }).click();
    await page.getByText('No events yet').waitFor();
    expect(kit.store.events.some((e) => e.code === 'cards')).toBe(false);
    await ctx.close();
  });
});
