/**
 * Browser tests drive Debian's Chromium through playwright against the real
 * kit serving the built console on its loopback admin listener. Each test
 * gets a fresh kit, data dir and browser context; screenshots go to
 * `test-results/screenshots/` as artifacts.
 */
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright';
import { consoleDir, packageRoot } from '../../electron/core/paths.js';
import { startKit, type TestKit } from '../support/kit.js';

export const screenshotDir = join(packageRoot(), 'test-results', 'screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function startConsoleKit(opts: Parameters<typeof startKit>[0] = {}): Promise<TestKit> {
  return startKit({ consoleDir: consoleDir(), ...opts });
}

export async function desktopContext(browser: Browser): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  ctx.setDefaultTimeout(10_000);
  return ctx;
}

export async function phoneContext(browser: Browser): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  });
  ctx.setDefaultTimeout(10_000);
  return ctx;
}

/** Opens the console the way the CLI's banner says: the token in the URL fragment. */
export async function openConsole(page: Page, kit: TestKit, route = '/'): Promise<void> {
  await page.goto(`${kit.adminUrl}/#token=${kit.adminToken}`);
  if (route !== '/') await page.evaluate((r) => (location.hash = r), `#${route}`);
}

export async function shot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  // Let charts and toasts settle so the artifact shows the state, not a transition.
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: opts.fullPage ?? true });
}

/** Decodes the QR code an element shows, from its pixels: what a phone camera would read. */
export async function readQr(target: Locator): Promise<string | undefined> {
  const png = await target.screenshot();
  const require = createRequire(import.meta.url);
  const { PNG } = require('pngjs') as {
    PNG: { sync: { read(b: Buffer): { width: number; height: number; data: Buffer } } };
  };
  const img = PNG.sync.read(png);
  const qr = require('jsqr') as typeof import('jsqr') & { default?: typeof import('jsqr').default };
  const jsQR = (typeof qr === 'function' ? qr : qr.default) as (
    d: Uint8ClampedArray,
    w: number,
    h: number,
  ) => { data: string } | null;
  return jsQR(new Uint8ClampedArray(img.data), img.width, img.height)?.data;
}
