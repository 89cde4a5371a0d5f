// `npm run bench -- --console`: the organizer console's live traffic screen under load. The built kit
// (out/, in this process) gets RATE traffic records a second for SECONDS, batched by its feed exactly
// as the proxy's records are, while Chromium shows the traffic screen; the page's frames per second,
// long tasks and the rate its tile reports are measured and held to the ranges below. (The browser
// test of the same screen checks what it shows; how smoothly it shows it is measured here, where a
// shared machine's noise can be read beside the numbers.)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromiumLaunchOptions } from '../chromium.mjs';
import { feedAtRate } from './traffic-load.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RATE = 200;
const SECONDS = 6;

/** What the screen must hold at RATE records/s (headless frames run at 60/s when idle). */
export const consoleRanges = { minFps: 15, maxBlockingShare: 0.4, maxLongTaskMs: 1500, rateWithin: 0.3 };

async function once(log) {
  const { createKit } = await import(pathToFileURL(join(root, 'out/main/electron/core/kit.js')).href);
  const { consoleDir } = await import(pathToFileURL(join(root, 'out/main/electron/core/paths.js')).href);
  const { chromium } = await import('playwright');
  const dataDir = mkdtempSync(join(tmpdir(), 'kit-bench-console-'));
  const kit = await createKit({
    demo: false,
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    dataDir,
    consoleDir: consoleDir(),
    env: {},
  });
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      window.perf = { frames: 0, longTasks: [] };
      const tick = () => {
        window.perf.frames++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.perf.longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`${kit.adminUrl}/#token=${kit.adminToken}`);
    await page.evaluate(() => {
      location.hash = '#/traffic';
    });
    await page.getByText('No requests yet').waitFor({ timeout: 30_000 });
    await page.evaluate(() => {
      window.perf.frames = 0;
      window.perf.longTasks = [];
    });
    const load = loadavg()[0];
    const { records: n, seconds: elapsed } = await feedAtRate(kit.feed, RATE, SECONDS);
    const rateText = await page.locator('.stat', { hasText: 'Requests / s' }).locator('.value').textContent();
    await page.waitForTimeout(1200);
    const perf = await page.evaluate(() => window.perf);
    const blockingMs = perf.longTasks.reduce((t, d) => t + Math.max(0, d - 50), 0);
    const row = {
      records: n,
      seconds: Number(elapsed.toFixed(1)),
      fps: Math.round(perf.frames / elapsed),
      longTasks: perf.longTasks.length,
      maxLongTaskMs: Math.round(Math.max(0, ...perf.longTasks)),
      blockingShare: Number((blockingMs / (elapsed * 1000)).toFixed(2)),
      tileRate: Number(rateText),
      load: Number(load.toFixed(1)),
    };
    log(`console: ${JSON.stringify(row)}`);
    return row;
  } finally {
    await browser.close();
    await kit.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function consoleBench({ rounds = 3, log = () => undefined } = {}) {
  const rows = [];
  for (let i = 0; i < rounds; i++) rows.push(await once(log));
  return rows;
}

/** Whether a run holds the ranges: a list of what is out of range (empty when all hold). */
export function consoleMisses(row) {
  const r = consoleRanges;
  const misses = [];
  if (row.fps < r.minFps) misses.push(`${row.fps} frames/s < ${r.minFps}`);
  if (row.blockingShare > r.maxBlockingShare) misses.push(`blocked ${row.blockingShare} of the time`);
  if (row.maxLongTaskMs > r.maxLongTaskMs) misses.push(`a ${row.maxLongTaskMs} ms long task`);
  if (Math.abs(row.tileRate - RATE) > RATE * r.rateWithin) misses.push(`tile showed ${row.tileRate}/s for ${RATE}/s`);
  return misses;
}

export function consoleReport(rows) {
  const lines = [
    `### Console: live traffic at ${RATE} records/s for ${SECONDS} s`,
    '',
    '| run | frames/s | long tasks | worst long task | blocked | tile (req/s) | load | in range |',
    '|---|---|---|---|---|---|---|---|',
  ];
  rows.forEach((r, i) => {
    const misses = consoleMisses(r);
    lines.push(
      `| ${i + 1} | ${r.fps} | ${r.longTasks} | ${r.maxLongTaskMs} ms | ${Math.round(r.blockingShare * 100)}% | ${r.tileRate} | ${r.load} | ${misses.length ? misses.join('; ') : 'yes'} |`,
    );
  });
  return lines.join('\n');
}
