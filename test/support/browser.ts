/**
 * Browser tests run Debian's Chromium through playwright with a phone-sized
 * viewport and a fresh context (fresh storage) per test. Screenshots land in
 * `test-results/screens/` so a person can look at each state.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright';

// jsqr is CommonJS with an ES-style default in its typings: take whichever shape the loader hands over.
type Decode = typeof import('jsqr').default;
const jsQR: Decode = (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

export const SCREENS = join(process.cwd(), 'test-results', 'screens');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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

/** A phone: 390×844 CSS px, touch, 2× pixels, clipboard allowed. */
export async function phoneContext(browser: Browser, origin?: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'en-US',
    timezoneId: 'America/New_York',
  });
  if (origin) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  return context;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENS, { recursive: true });
  const path = join(SCREENS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Decodes the QR code shown in `target` (rendered by the page itself into a canvas, then read by jsQR). */
export async function readQr(page: Page, target: Locator): Promise<string | undefined> {
  const png = (await target.screenshot()).toString('base64');
  const pixels = await page.evaluate(async (b64) => {
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
