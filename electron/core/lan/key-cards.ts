/**
 * Printed key cards for rooms where attendees have no phone at hand: one card
 * per pre-issued key with the key, the endpoint, the event times and a QR code
 * of the card's claim URL (the join page, holding the key in its fragment).
 * Eight cards to a sheet, laid out in millimetres for A4 or US Letter with
 * dashed cut lines. The page holds live keys, so it is produced only through
 * the admin contract (loopback or IPC), never served on the LAN.
 */
import type { IssuedKey, KitEvent } from '../../../shared/types.js';
import { qrSvg } from './qr.js';

export type Paper = 'a4' | 'letter';

/** Printable area (page minus margins) in mm, and the CSS page size. */
const papers: Record<Paper, { size: string; width: number; height: number }> = {
  a4: { size: 'A4', width: 210 - 16, height: 297 - 16 },
  letter: { size: 'letter', width: 215.9 - 16, height: 279.4 - 16 },
};
export const CARDS_PER_SHEET = 8;

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** "Sat 22 Nov 2026, 09:00 – 17:00 (Europe/Paris)": printed, so in the venue's zone, said explicitly. */
export function eventTimes(event: Pick<KitEvent, 'startsAt' | 'endsAt' | 'timeZone'>): string {
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone: event.timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: event.timeZone, hour: '2-digit', minute: '2-digit' });
  const start = new Date(event.startsAt);
  const end = new Date(event.endsAt);
  const sameDay = day.format(start) === day.format(end);
  return `${day.format(start)}, ${time.format(start)} – ${sameDay ? '' : `${day.format(end)}, `}${time.format(end)} (${event.timeZone})`;
}

export async function keyCardsHtml(input: {
  event: KitEvent;
  keys: IssuedKey[];
  endpoint: string;
  joinUrl: string;
  paper: Paper;
}): Promise<string> {
  const { event, keys, paper } = input;
  const p = papers[paper];
  const cardW = p.width / 2;
  const cardH = p.height / 4;
  const when = eventTimes(event);
  const cards = await Promise.all(
    keys.map(
      async (k, i) => `<article class="card" data-claim-url="${esc(k.claimUrl)}">
<div class="text">
<h2>${esc(event.name)}</h2>
<p class="when">${esc(when)}</p>
<p class="label">API key</p><p class="mono key">${esc(k.apiKey)}</p>
<p class="label">Endpoint</p><p class="mono endpoint">${esc(input.endpoint).replace(/\/api\/v1$/, '<wbr>/api/v1')}</p>
<p class="hint">Scan the code to open your page with this key and ready-made samples, or open ${esc(input.joinUrl)}.</p>
</div>
<div class="qr">${await qrSvg(k.claimUrl, `QR code for card ${i + 1}`)}<p>Card ${i + 1} of ${keys.length}</p></div>
</article>`,
    ),
  );
  const sheets: string[] = [];
  for (let i = 0; i < cards.length; i += CARDS_PER_SHEET) {
    sheets.push(`<section class="sheet">${cards.slice(i, i + CARDS_PER_SHEET).join('\n')}</section>`);
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(event.name)} · ${keys.length} key cards (${p.size})</title>
<style>
@page{size:${p.size};margin:8mm}
*{box-sizing:border-box}
html,body{margin:0;padding:0;background:#fff;color:#000;font:9pt/1.3 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.sheet{width:${p.width}mm;height:${p.height}mm;display:grid;grid-template-columns:repeat(2,${cardW}mm);grid-template-rows:repeat(4,${cardH}mm);break-after:page;overflow:hidden}
.sheet:last-child{break-after:auto}
.card{border:0.3mm dashed #888;padding:4mm;display:flex;gap:3mm;overflow:hidden}
.text{flex:1;min-width:0}
h2{font-size:11pt;margin:0 0 1mm;line-height:1.15}
p{margin:0}
.when{font-size:8pt;margin-bottom:1.5mm}
.label{font-size:7pt;text-transform:uppercase;letter-spacing:.04em;color:#444;margin-top:1mm}
.mono{font:8.5pt/1.25 ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace;word-break:break-all}
.key{font-weight:700;font-size:9pt}
.endpoint{word-break:normal;overflow-wrap:anywhere}
.hint{font-size:7pt;color:#333;margin-top:1.5mm;word-break:break-word}
.qr{width:${Math.min(34, cardH - 14)}mm;flex:none;text-align:center;font-size:7pt;color:#444}
.qr svg{width:100%;height:auto;display:block}
@media screen{body{background:#ddd}.sheet{background:#fff;margin:6mm auto;box-shadow:0 1mm 3mm #0003;padding:0}}
</style></head>
<body>
${sheets.join('\n')}
</body></html>`;
}
