/**
 * The attendee's page at `/join/<code>`: phone-first HTML with inline styles
 * and one inline script (no CDN fonts or scripts: venue Wi-Fi may have no
 * internet). The server renders what it knows (event, endpoint, deployments,
 * samples with a key slot, a QR code of this page); the script adds what only
 * the device knows (its time zone, its key). Its data travels as a JSON block,
 * not as script, so the CSP can stay at one script hash.
 */

import { createHash } from 'node:crypto';
import { findKind } from '../../../shared/resource-kinds/table.js';
import type { KitEvent } from '../../../shared/types.js';
import { joinScript } from './join-script.js';
import { KEY_SLOT, type Sample } from './samples.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** JSON that is safe inside a `<script type="application/json">` block. */
const jsonBlock = (v: unknown) =>
  JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

export const joinScriptHash = `'sha256-${createHash('sha256').update(joinScript).digest('base64')}'`;

export interface JoinPageInput {
  event: KitEvent;
  now: number;
  endpoint: string;
  deployments: Array<{ name: string; kind: string }>;
  samples: Sample[];
  env: string;
  /** Where to download the kit's CA certificate, when its HTTPS listener is on. */
  caUrl?: string;
  /** Inline SVG of this page's URL, for passing the page on. */
  qrSvg: string;
}

/** The join page's word for a kind of deployment (its descriptor's). */
const attendeeLabel = (kind: string): string => findKind(kind)?.attendeeLabel ?? kind;

const style = `
:root{color-scheme:light dark;--bg:#f4f5f9;--card:#fff;--ink:#191c2b;--muted:#4f566b;--line:#d5d8e3;--accent:#2747d6;--accent-ink:#fff;--code:#eef0f7;--ok:#136c2e;--warn:#8a4b00;--bad:#b3261e}
@media (prefers-color-scheme:dark){:root{--bg:#12141c;--card:#1c1f2b;--ink:#eceef6;--muted:#aab0c3;--line:#363b4d;--accent:#8ea2ff;--accent-ink:#0d1024;--code:#262a39;--ok:#7ddc97;--warn:#ffc177;--bad:#ff8a80}}
*{box-sizing:border-box}
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:var(--bg);color:var(--ink)}
main{max-width:36rem;margin:0 auto;padding:1rem .85rem 2rem}
.card{background:var(--card);border-radius:14px;padding:1rem 1.1rem;box-shadow:0 1px 3px #0002;margin-bottom:.9rem}
h1{font-size:1.45rem;line-height:1.2;margin:.1rem 0 .4rem}
h2{font-size:1.05rem;margin:0 0 .5rem}
p{margin:.35rem 0}
.muted{color:var(--muted);font-size:.9rem}
#status{display:inline-block;margin-top:.4rem;padding:.3rem .65rem;border-radius:999px;font-weight:600;font-size:.92rem;background:var(--code)}
#status[data-state=live]{color:var(--ok)}#status[data-state=soon]{color:var(--warn)}#status[data-state=ended]{color:var(--bad)}
label{display:block;margin:.7rem 0 .25rem;font-weight:600}
input{width:100%;padding:.75rem;font-size:1rem;border:1px solid var(--line);border-radius:10px;background:var(--card);color:var(--ink)}
button{font:inherit;font-weight:600;min-height:44px;padding:.55rem .9rem;border-radius:10px;border:1px solid var(--accent);background:var(--card);color:var(--accent);cursor:pointer}
button.primary{width:100%;margin-top:1rem;background:var(--accent);color:var(--accent-ink);font-size:1.05rem}
button:disabled{opacity:.6}
button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.row{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center;margin-top:.5rem}
.secret{font:600 1rem/1.35 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all;background:var(--code);padding:.65rem .7rem;border-radius:10px;margin:.3rem 0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88rem;word-break:break-all;background:var(--code);padding:.1rem .3rem;border-radius:5px}
.chips{display:flex;gap:.4rem;flex-wrap:wrap;padding:0;margin:.3rem 0;list-style:none}
.chips li{background:var(--code);border-radius:999px;padding:.2rem .6rem;font-size:.9rem}
[role=tablist]{display:flex;gap:.4rem;flex-wrap:wrap;margin:.2rem 0 .3rem}
[role=tab]{white-space:nowrap;font-size:.85rem;min-height:40px;border-color:var(--line);color:var(--ink)}
[role=tab][aria-selected=true]{background:var(--accent);border-color:var(--accent);color:var(--accent-ink)}
pre code{padding:0;background:none;word-break:normal;font:inherit}
pre{background:var(--code);border-radius:10px;padding:.7rem;overflow-x:auto;font:.78rem/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:.5rem 0;max-height:24rem}
#error,.error{color:var(--bad);font-weight:600;min-height:1.2em}
summary{cursor:pointer;font-weight:600;margin-top:.8rem;padding:.6rem 0}
details button{margin-top:.8rem}
.qr{display:flex;gap:1rem;align-items:center}
.qr svg{width:7.5rem;height:7.5rem;flex:none;background:#fff;border-radius:8px}
a{color:var(--accent)}
.link{border:0;background:none;padding:0;color:var(--muted);text-decoration:underline;font-weight:400;font-size:.9rem;margin-top:.9rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.usage-days{width:100%;border-collapse:collapse;margin:.5rem 0;font-size:.92rem;font-variant-numeric:tabular-nums}
.usage-days th,.usage-days td{text-align:left;padding:.35rem .25rem;border-bottom:1px solid var(--line)}
.usage-days .num{text-align:right}
.usage-days tfoot th,.usage-days tfoot td{font-weight:700;border-bottom:0}
`;

export function joinPage(p: JoinPageInput): string {
  const { event } = p;
  const data = {
    code: event.code,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    timeZone: event.timeZone,
    serverNow: p.now,
    endpoint: p.endpoint,
    keySlot: KEY_SLOT,
    samples: p.samples,
    env: p.env,
  };
  const caps = [
    event.dailyRequestCap ? `${event.dailyRequestCap} requests a day` : 'no daily request cap',
    event.maxTokenCap ? `up to ${event.maxTokenCap} tokens per call` : '',
  ].filter(Boolean);
  const tabs = p.samples
    .map(
      (s, i) =>
        `<button type="button" role="tab" id="tab-${esc(s.id)}" data-sample="${esc(s.id)}" aria-controls="sample-panel" aria-selected="${i === 0}">${esc(s.label)}</button>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${esc(event.name)} · join</title>
<style>${style}</style></head>
<body><main>
<header class="card" aria-labelledby="event-name">
<h1 id="event-name">${esc(event.name)}</h1>
${event.description ? `<p>${esc(event.description)}</p>` : ''}
<p><strong id="when"></strong><br><span id="zone" class="muted"></span></p>
<p id="status" role="status"></p>
</header>

<section id="register" class="card" aria-labelledby="register-title">
<h2 id="register-title">Get your API key</h2>
<form id="register-form" novalidate>
<label for="name">Your name <span class="muted">(optional)</span></label>
<input id="name" name="name" autocomplete="name" maxlength="80">
${event.joinPassword ? '<label for="password">Join password</label><input id="password" name="password" type="password" autocomplete="off" required>' : ''}
<button id="register-button" class="primary" type="submit">Register</button>
<p id="error" role="alert"></p>
<p class="muted">Your key stays on this device. ${esc(caps.join(' · '))}.</p>
</form>
<p id="closed" hidden>Registration is closed: this event has ended.</p>
${
  event.sharedCode
    ? `<details id="shared"><summary>Got a shared code from the organizer?</summary>
<form id="shared-form" novalidate>
<label for="shared-code">Shared code</label><input id="shared-code" name="sharedCode" autocomplete="off" autocapitalize="off" required>
<label for="identity">Your email</label><input id="identity" name="identity" type="email" autocomplete="email" autocapitalize="off" required>
<button id="shared-button" type="submit">Use the shared code</button>
<p id="shared-error" class="error" role="alert"></p>
</form></details>`
    : ''
}
</section>

<section id="mine" class="card" aria-labelledby="hello" tabindex="-1" hidden>
<h2 id="hello">You are registered.</h2>
<p id="claimed" class="muted" hidden>This key came from your printed card.</p>
<p>Your API key <span class="muted">(private: do not share it)</span></p>
<p id="key" class="secret"></p>
<div class="row"><button id="copy-key" type="button">Copy key</button><button id="download-env" type="button">Download .env</button></div>
<p style="margin-top:.9rem">Endpoint</p>
<p class="secret" id="endpoint">${esc(p.endpoint)}</p>
<div class="row"><button id="copy-endpoint" type="button">Copy endpoint</button>${
    p.caUrl ? `<a href="${esc(p.caUrl)}" download="ai-proxy-kit-ca.pem">Download the kit's CA certificate</a>` : ''
  }</div>
${p.caUrl ? '<p class="muted">HTTPS uses the kit\'s own certificate authority: save the certificate next to your code; the samples and .env point to it.</p>' : ''}
<p style="margin-top:.9rem">Deployments</p>
<ul class="chips">${p.deployments.map((d) => `<li>${esc(d.name)} <span class="muted">${esc(attendeeLabel(d.kind))}</span></li>`).join('')}</ul>
<p style="margin-top:.9rem">My usage</p>
<p id="usage" aria-live="polite">…</p>
<table id="usage-days" class="usage-days" hidden><caption class="sr">My usage per day of the event</caption>
<thead><tr><th scope="col">Day</th><th scope="col" class="num">Requests</th><th scope="col" class="num">Tokens</th></tr></thead>
<tbody></tbody>
<tfoot><tr><th scope="row">Whole event</th><td class="num" id="usage-total-requests"></td><td class="num" id="usage-total-tokens"></td></tr></tfoot></table>
<div class="row"><button id="refresh-usage" type="button">Refresh usage</button><button id="download-usage" type="button">Download my usage (CSV)</button></div>
<div><button id="forget" class="link" type="button">Forget my key on this device</button></div>
</section>

<section id="samples" class="card" aria-labelledby="samples-title" hidden>
<h2 id="samples-title">Try it</h2>
<div id="tabs" role="tablist" aria-label="Sample language">${tabs}</div>
<div id="sample-panel" role="tabpanel" tabindex="0">
<p class="muted">Run: <code id="sample-run"></code></p>
<pre><code id="sample-code">Register to see your samples with your key filled in.</code></pre>
<div class="row"><button id="copy-sample" type="button">Copy sample</button><button id="download-sample" type="button">Download</button></div>
</div>
</section>

<footer class="card qr" aria-label="Share this page">
${p.qrSvg}
<p class="muted">Neighbour without the link? Let them scan this code to open this page.</p>
</footer>
<p id="live" class="sr" aria-live="polite"></p>
</main>
<script type="application/json" id="kit-data">${jsonBlock(data)}</script>
<script>${joinScript}</script></body></html>`;
}
