/**
 * Backup and restore from the headless console, between two kits: "Back up…"
 * asks for a passphrase twice (too short and mismatched refused beside the
 * fields, a strength hint as it is typed) and downloads the sealed file; on
 * a second kit, "Restore…" takes the file, refuses a wrong passphrase beside
 * the field and a foreign file above the form, shows what the backup holds,
 * and "Replace everything" brings the event over, where the attendee's key
 * works.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AzureOpenAI } from 'openai';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopContext, launchChromium, openConsole, shot, startConsoleKit } from '../support/browser.js';
import type { TestKit } from '../support/kit.js';

const PASS = 'lantern quiet orbit mango';
let browser: Browser;
let first: TestKit;
let second: TestKit;
let key: string;
let backupPath: string;

const chat = (kit: TestKit) =>
  new AzureOpenAI({
    endpoint: kit.apiBase,
    apiKey: key,
    apiVersion: '2024-10-21',
    maxRetries: 0,
  }).chat.completions.create({ model: 'playground', messages: [{ role: 'user', content: 'Hello' }] });

beforeAll(async () => {
  browser = await launchChromium();
  first = await startConsoleKit();
  second = await startConsoleKit();
  const r = await first.call('resources.create', {
    name: 'Offline playground',
    kind: 'playground',
    deployment: 'playground',
    auth: { type: 'none' },
    enabled: true,
  });
  await first.call('events.create', {
    name: 'Data science bootcamp',
    code: 'bootcamp',
    timeZone: 'Europe/Paris',
    startsAt: new Date(Date.now() - 3600_000).toISOString(),
    endsAt: new Date(Date.now() + 5 * 3600_000).toISOString(),
    dailyRequestCap: 50,
    maxTokenCap: 512,
    resourceIds: [r.id],
    enabled: true,
  });
  key = (await first.register('bootcamp', { name: 'Katherine' })).body.apiKey as string;
  await chat(first);
});
afterAll(async () => {
  await browser?.close();
  await first?.stop();
  await second?.stop();
});

async function consoleAt(kit: TestKit): Promise<{ page: Page; errors: string[] }> {
  const ctx = await desktopContext(browser);
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openConsole(page, kit, '/backup');
  await page.getByRole('heading', { name: 'Backup', level: 1 }).waitFor();
  return { page, errors };
}

describe('backup and restore in the console', () => {
  it('backs up with a passphrase typed twice and downloads the sealed file', { timeout: 120_000 }, async () => {
    const { page, errors } = await consoleAt(first);
    await shot(page, 'backup-screen');
    await page.getByRole('button', { name: 'Back up…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Back up this kit' });
    const pass = dialog.getByLabel('Passphrase', { exact: true });
    const again = dialog.getByLabel('The same passphrase again');

    await pass.fill('short');
    await dialog.getByRole('button', { name: 'Back up' }).click();
    await expect.poll(() => dialog.textContent()).toContain('Use at least 10 characters.');

    await pass.fill('aaaaaaaaaaaa');
    await expect.poll(() => dialog.getByTestId('strength').getAttribute('class')).toContain('weak');
    await pass.fill(PASS);
    await expect.poll(() => dialog.getByTestId('strength').getAttribute('class')).toContain('strong');
    await again.fill(`${PASS}!`);
    await dialog.getByRole('button', { name: 'Back up' }).click();
    await expect.poll(() => dialog.textContent()).toContain('The two passphrases differ.');
    await again.fill(PASS);
    await shot(page, 'backup-dialog');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Back up' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^ai-proxy-kit-backup-\d{4}-\d\d-\d\d-\d{4}\.aipkbackup$/);
    backupPath = join(tmpdir(), `console-${Date.now()}.aipkbackup`);
    await download.saveAs(backupPath);
    const text = await readFile(backupPath, 'utf8');
    expect(JSON.parse(text).format).toBe('ai-proxy-kit-backup');
    for (const clear of [key, 'Katherine', 'Data science bootcamp', PASS]) expect(text).not.toContain(clear);

    await expect.poll(() => page.getByTestId('last-backup').textContent()).toContain('Data science bootcamp');
    await shot(page, 'backup-saved');
    expect(errors).toEqual([]);
  });

  it('restores on another kit after the passphrase, showing what it holds first', { timeout: 120_000 }, async () => {
    const { page, errors } = await consoleAt(second);
    const pick = async (path: string) => {
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        dialog.getByRole('button', { name: /Choose (backup file|another)…/ }).click(),
      ]);
      await chooser.setFiles(path);
    };
    await page.getByRole('button', { name: 'Restore…' }).click();
    const dialog = page.getByRole('dialog');

    // A file that is not a backup: refused above the form, nothing changed.
    const foreign = join(tmpdir(), `notes-${Date.now()}.aipkbackup`);
    await writeFile(foreign, 'attendee,requests\nAda,3\n');
    await pick(foreign);
    await dialog.getByLabel('Passphrase').fill(PASS);
    await dialog.getByRole('button', { name: 'Open backup' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('not an AI Proxy Kit backup');

    await pick(backupPath);
    await expect.poll(() => dialog.getByTestId('restore-file').textContent()).toMatch(/\.aipkbackup$/);
    await dialog.getByLabel('Passphrase').fill('lantern quiet orbit melon');
    await dialog.getByRole('button', { name: 'Open backup' }).click();
    await expect.poll(() => dialog.textContent()).toContain('That passphrase does not open this backup.');
    await shot(page, 'restore-wrong-passphrase');
    expect(second.store.events).toEqual([]);

    await dialog.getByLabel('Passphrase').fill(PASS);
    await dialog.getByRole('button', { name: 'Open backup' }).click();
    const summary = dialog.getByTestId('backup-summary');
    await expect.poll(() => summary.textContent()).toContain('Data science bootcamp');
    expect(await summary.textContent()).toMatch(/Attendees\s*1/);
    await shot(page, 'restore-review');
    expect(second.store.events).toEqual([]);

    await dialog.getByRole('button', { name: 'Replace everything' }).click();
    await expect.poll(() => page.getByTestId('restored').textContent()).toContain('The previous store is kept as');
    await shot(page, 'restore-done');
    expect(second.store.events.map((e) => e.name)).toEqual(['Data science bootcamp']);

    await page.evaluate(() => (location.hash = '#/events'));
    await expect.poll(() => page.locator('main').textContent()).toContain('Data science bootcamp');
    // The attendee's key from the first kit works on this one.
    expect((await chat(second)).choices[0]?.message.content).toBeTruthy();
    expect(errors).toEqual([]);
  });
});
