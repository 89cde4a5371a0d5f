/**
 * Printed key cards: the organizer issues N keys through the admin contract
 * and gets a printable page; Chromium prints it to PDF on A4 and on Letter
 * (eight cards a sheet), and each card's QR code, read back from the printed
 * page by a QR decoder, is that card's claim URL, which opens the join page
 * holding the key.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, readQr, screenshotDir } from '../support/browser.js';
import { eventInput, startKit, type TestKit } from '../support/kit.js';

let browser: Browser;
let kit: TestKit;
let eventId: string;

beforeAll(async () => {
  browser = await launchChromium();
  kit = await startKit();
  const r = await kit.call('resources.create', {
    name: 'Playground',
    kind: 'playground',
    deployment: 'playground',
    auth: { type: 'none' },
    enabled: true,
  });
  eventId = (await kit.call('events.create', eventInput([r.id], { name: 'Classroom 4B · Intro to AI' }))).id;
});
afterAll(async () => {
  await browser?.close();
  await kit?.stop();
});

/** Pages in a PDF and the MediaBox of the first one, in points. */
function pdfPages(pdf: Buffer): { count: number; box: number[] } {
  const text = pdf.toString('latin1');
  const count = (text.match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
  const box = /\/MediaBox\s*\[\s*([\d.\s]+)\]/.exec(text)?.[1]?.trim().split(/\s+/).map(Number) ?? [];
  return { count, box };
}

describe.each([
  { paper: 'a4' as const, count: 10, sheets: 2, box: [595.92, 842.88] },
  { paper: 'letter' as const, count: 8, sheets: 1, box: [612, 792] },
])('key cards on $paper', ({ paper, count, sheets, box }) => {
  it(`prints ${count} cards on ${sheets} page(s), and every QR code reads back to its card's claim URL`, async () => {
    const out = await kit.call('attendees.cards', { eventId, count, paper });
    expect(out.keys).toHaveLength(count);
    expect(out.sheets).toBe(sheets);
    expect(
      kit.store.attendeesOf(eventId).filter((a) => out.keys.some((k) => k.attendeeId === a.id && a.issued)),
    ).toHaveLength(count);

    const page = await browser.newPage({ deviceScaleFactor: 3 });
    await page.setContent(out.html);
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    await writeFile(join(screenshotDir, `cards-${paper}.pdf`), pdf);
    const pages = pdfPages(pdf);
    expect(pages.count).toBe(sheets);
    expect(pages.box[2]).toBeCloseTo(box[0]!, -1);
    expect(pages.box[3]).toBeCloseTo(box[1]!, -1);

    // The printed page, rendered with print styles: each card's QR decoded from pixels.
    await page.emulateMedia({ media: 'print' });
    await page
      .locator('.sheet')
      .first()
      .screenshot({ path: join(screenshotDir, `cards-${paper}-sheet1.png`) });
    const cards = page.locator('.card');
    expect(await cards.count()).toBe(count);
    for (let i = 0; i < count; i++) {
      const card = cards.nth(i);
      const decoded = await readQr(card.locator('svg'));
      expect(decoded).toBe(out.keys[i]!.claimUrl);
      expect(await card.locator('.key').textContent()).toBe(out.keys[i]!.apiKey);
      expect(decoded).toContain(`#key=${encodeURIComponent(out.keys[i]!.apiKey)}`);
    }
    expect(await page.locator('.card').first().textContent()).toContain('Classroom 4B · Intro to AI');
    expect(await page.locator('.card').first().textContent()).toContain('(Europe/Paris)');
    await page.close();
  }, 120_000);
});
