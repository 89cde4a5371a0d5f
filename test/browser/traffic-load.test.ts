/**
 * Live traffic at 200 requests/s: the kit's feed gets 200 records a second
 * for several seconds (what the proxy pushes under that load) while the
 * console's traffic screen is open; the page takes every batch, keeps its
 * tail bounded and reports a rate. How smoothly it paints meanwhile (frames
 * per second, long tasks) is measured by `npm run bench -- --console`, not
 * asserted here, where a shared machine's load would decide the result.
 */
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedAtRate } from '../../scripts/bench/traffic-load.mjs';
import { desktopContext, launchChromium, openConsole, shot, startConsoleKit } from '../support/browser.js';
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

const RATE = 200;
const SECONDS = 6;

describe('live traffic under load', () => {
  it(`stays responsive at ${RATE} requests/s`, async () => {
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { perf: { frames: number; longTasks: number[] } };
      w.perf = { frames: 0, longTasks: [] };
      const tick = () => {
        w.perf.frames++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.perf.longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await openConsole(page, kit, '/traffic');
    await page.getByText('No requests yet').waitFor();
    const reset = () =>
      page.evaluate(() => {
        const w = window as unknown as { perf: { frames: number; longTasks: number[] } };
        w.perf.frames = 0;
        w.perf.longTasks = [];
      });
    await reset();

    const { records: n, seconds: elapsed } = await feedAtRate(kit.feed, RATE, SECONDS);
    const rateText = await page.locator('.stat', { hasText: 'Requests / s' }).locator('.value').textContent();
    // Let the last batch reach the page and one more redraw happen.
    await page.waitForTimeout(1200);
    const perf = await page.evaluate(
      () => (window as unknown as { perf: { frames: number; longTasks: number[] } }).perf,
    );
    const rows = await page.getByRole('region', { name: 'Recent requests' }).getByRole('row').count();
    await shot(page, '30-traffic-under-load', { fullPage: false });
    console.log(
      `[traffic-load] ${n} records in ${elapsed.toFixed(1)} s: ${perf.frames} frames, ` +
        `${perf.longTasks.length} long tasks, ${rows - 1} tail rows, tile ${rateText}/s`,
    );
    expect(n).toBe(RATE * SECONDS);
    // The tail is bounded (100 rows plus the header) however much arrives.
    expect(rows).toBe(101);
    // The headline rate tile shows what it counted.
    expect(Number(rateText)).toBeGreaterThan(0);
    await ctx.close();
  });
});
