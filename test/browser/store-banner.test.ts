/**
 * The store's state in the console, on every screen: a red banner while the
 * kit cannot save (with the cause and what to do), gone once a write lands
 * again; after a start that recovered a damaged store, a notice saying from
 * when, which the organizer can dismiss; after a lost secret key, the
 * resources to re-enter, named in the notice and marked in the list.
 */
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopContext, launchChromium, openConsole, shot, startConsoleKit } from '../support/browser.js';
import { FaultyFiles } from '../support/faulty-files.js';
import { eventInput } from '../support/kit.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('the store banner', () => {
  it('shows on every screen while the kit cannot save, and goes when it saves again', async () => {
    const files = new FaultyFiles();
    const kit = await startConsoleKit({ storeFiles: files, log: () => undefined });
    const ctx = await desktopContext(browser);
    try {
      const r = await kit.call('resources.create', {
        name: 'Playground',
        kind: 'playground',
        deployment: 'playground',
        auth: { type: 'none' },
        enabled: true,
      });
      const event = await kit.call('events.create', eventInput([r.id], { name: 'Hackathon', code: 'hack' }));
      files.fault = { at: 'write', offset: 0, errno: 'ENOSPC' };
      await expect(kit.register(event.code)).resolves.toMatchObject({ status: 503 });

      const page = await ctx.newPage();
      await openConsole(page, kit, '/events');
      const banner = page.getByRole('alert').filter({ hasText: 'The kit cannot save: the disk is full.' });
      await banner.waitFor();
      expect(await banner.textContent()).toContain('Free some space on the disk');
      await shot(page, '60-store-cannot-save');
      await page.evaluate(() => {
        location.hash = '#/resources';
      });
      await page.getByRole('heading', { name: 'Resources' }).waitFor();
      await banner.waitFor();

      // A change the organizer tries meanwhile is refused with the same words.
      files.fault = undefined;
      await kit.call('events.update', { id: event.id, name: 'Hackathon (saved again)' });
      await banner.waitFor({ state: 'detached', timeout: 10_000 });
    } finally {
      await ctx.close();
      await kit.stop();
    }
  });

  it('says the kit started from a snapshot, until the organizer dismisses it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kit-banner-'));
    let kit = await startConsoleKit({ dataDir });
    await kit.call('events.create', eventInput([], { name: 'Saved before', code: 'before' }));
    await kit.stop();
    kit = await startConsoleKit({ dataDir }); // this start keeps a snapshot with the event
    await kit.stop();
    await truncate(join(dataDir, 'store.json'), 100);
    kit = await startConsoleKit({ dataDir, log: () => undefined });
    const ctx = await desktopContext(browser);
    try {
      const page = await ctx.newPage();
      await openConsole(page, kit, '/events');
      const notice = page.getByRole('status').filter({ hasText: 'The kit recovered its store at start.' });
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(/store\.json could not be used: it is not whole JSON/);
      await page.getByText('Saved before').waitFor();
      await shot(page, '61-store-recovered');
      await notice.getByRole('button', { name: 'Dismiss' }).click();
      await notice.waitFor({ state: 'detached' });
      await page.reload();
      await page.getByText('Saved before').waitFor();
      expect(await notice.count()).toBe(0);
    } finally {
      await ctx.close();
      await kit.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('names the resources whose secret must be entered again after the secret key was lost', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kit-banner-'));
    let kit = await startConsoleKit({ dataDir });
    await kit.call('resources.create', {
      name: 'Sweden Central',
      kind: 'azure-openai',
      endpoint: 'https://sweden.openai.azure.com',
      deployment: 'gpt-4o-mini',
      auth: { type: 'api-key', key: 'upstream-key-that-was-sealed' },
      enabled: true,
    });
    await kit.stop();
    await rm(join(dataDir, 'secret.key'));
    kit = await startConsoleKit({ dataDir, log: () => undefined });
    const ctx = await desktopContext(browser);
    try {
      const page = await ctx.newPage();
      await openConsole(page, kit, '/resources');
      await page.getByRole('status').filter({ hasText: 'The upstream secrets of "Sweden Central"' }).waitFor();
      const row = page.getByRole('row').filter({ hasText: 'Sweden Central' });
      await row.getByText('Secret needed').waitFor();
      await shot(page, '62-store-secret-needed');
    } finally {
      await ctx.close();
      await kit.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
