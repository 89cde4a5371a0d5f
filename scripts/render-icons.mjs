// Renders the app icon (build/icon.png, 1024 px, for electron-builder on every OS) and the tray
// icon (resources/tray.png and tray@2x.png) from one SVG, with the same Chromium the browser
// tests use. Run by hand after changing the mark: `node scripts/render-icons.mjs`.
import { chromium } from 'playwright';

const mark = (size, detail) => `
<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 512 512">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
    <stop offset="0" stop-color="#5b7cff"/><stop offset="1" stop-color="#8f5bff"/></linearGradient></defs>
  <rect x="${detail ? 32 : 0}" y="${detail ? 32 : 0}" width="${detail ? 448 : 512}" height="${detail ? 448 : 512}" rx="${detail ? 100 : 110}" fill="url(#g)"/>
  ${[
    [104, 104],
    [288, 104],
    [104, 288],
  ]
    .map(
      ([x, y]) =>
        `<rect x="${x + 14}" y="${y + 14}" width="92" height="92" rx="14" fill="none" stroke="#fff" stroke-width="28"/>
         <rect x="${x + 44}" y="${y + 44}" width="32" height="32" rx="6" fill="#fff"/>`,
    )
    .join('')}
  <rect x="300" y="300" width="40" height="40" rx="8" fill="#fff"/>
  <rect x="364" y="364" width="40" height="40" rx="8" fill="#fff"/>
  <rect x="364" y="300" width="40" height="40" rx="8" fill="#fff" opacity="${detail ? 0.55 : 1}"/>
  <rect x="300" y="364" width="40" height="40" rx="8" fill="#fff" opacity="${detail ? 0.55 : 1}"/>
</svg>`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox'],
});
try {
  for (const [file, size, detail] of [
    ['build/icon.png', 1024, true],
    ['resources/tray.png', 16, false],
    ['resources/tray@2x.png', 32, false],
  ]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<html><body style="margin:0;background:transparent">${mark(size, detail)}</body></html>`);
    await page.screenshot({ path: file, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await page.close();
    console.log(`wrote ${file}`);
  }
} finally {
  await browser.close();
}
