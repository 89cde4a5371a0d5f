/**
 * Browser tests drive Debian's Chromium through playwright (the flags the
 * machine needs), against the real kit: the join page on its LAN listener or
 * the built console on its loopback admin listener. Each test gets a fresh
 * context (fresh storage). Screenshots land in `test-results/screenshots/`
 * so a person can look at each state.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright';
import { consoleDir, packageRoot } from '../../electron/core/paths.js';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';
import { startKit, type TestKit } from './kit.js';

// jsqr is CommonJS with an ES-style default in its typings: take whichever shape the loader hands over.
type Decode = typeof import('jsqr').default;
const jsQR: Decode = (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

export const screenshotDir = join(packageRoot(), 'test-results', 'screenshots');

/** How long a locator waits before failing: generous, the machine is shared. */
const ACTION_TIMEOUT_MS = 15_000;

export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions());
}

/** A kit serving the built console. */
export async function startConsoleKit(opts: Parameters<typeof startKit>[0] = {}): Promise<TestKit> {
  return startKit({ consoleDir: consoleDir(), ...opts });
}

export async function desktopContext(browser: Browser): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  ctx.setDefaultTimeout(ACTION_TIMEOUT_MS);
  return ctx;
}

/** A phone: 390×844 CSS px, touch, 2× pixels, an iPhone's browser; the clipboard allowed for `origin`. */
export async function phoneContext(browser: Browser, origin?: string): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'en-US',
    timezoneId: 'America/New_York',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  });
  ctx.setDefaultTimeout(ACTION_TIMEOUT_MS);
  if (origin) await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  return ctx;
}

/** Opens the console the way the CLI's banner says: the token in the URL fragment. */
export async function openConsole(page: Page, kit: TestKit, route = '/'): Promise<void> {
  await page.goto(`${kit.adminUrl}/#token=${kit.adminToken}`);
  if (route !== '/') await page.evaluate((r) => (location.hash = r), `#${route}`);
}

export async function shot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  // Let charts and toasts settle so the picture shows the state, not a transition.
  await page.waitForTimeout(150);
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: opts.fullPage ?? true });
  return path;
}

/**
 * Decodes the QR code an element shows, from its pixels: what a phone camera
 * would read. The page itself turns the screenshot into pixels (a canvas),
 * so no image library is needed here.
 */
export async function readQr(target: Locator): Promise<string | undefined> {
  const png = (await target.screenshot()).toString('base64');
  const pixels = await target.page().evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const g = c.getContext('2d');
    if (!g) throw new Error('no 2d canvas');
    g.drawImage(img, 0, 0);
    // Pixels travel back as base64: a JSON array of millions of numbers is slow.
    const bytes = g.getImageData(0, 0, c.width, c.height).data;
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { w: c.width, h: c.height, data: btoa(s) };
  }, png);
  return jsQR(new Uint8ClampedArray(Buffer.from(pixels.data, 'base64')), pixels.w, pixels.h)?.data;
}
