/**
 * The attendee's page at `/join/<code>`: plain HTML with one small script, no
 * external fonts or scripts (venue Wi-Fi may have no internet). It registers,
 * then shows the key, the endpoint and the deployments, and keeps the key on
 * this device so a reload shows it again.
 */
import { createHash } from 'node:crypto';
import type { KitEvent } from '../../../shared/types.js';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const script = `
const root = document.getElementById('join');
const code = root.dataset.code;
const store = 'ai-proxy-kit:' + code;
const fmt = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
for (const el of document.querySelectorAll('[data-time]')) el.textContent = fmt(el.dataset.time);
function show(a) {
  document.getElementById('form').hidden = true;
  const out = document.getElementById('result');
  out.hidden = false;
  out.querySelector('[data-key]').textContent = a.apiKey;
  out.querySelector('[data-endpoint]').textContent = a.endpoint;
  out.querySelector('[data-deployments]').textContent = a.deployments.map((d) => d.name).join(', ');
}
const saved = localStorage.getItem(store);
if (saved) show(JSON.parse(saved));
document.getElementById('form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const r = await fetch(location.pathname, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: f.get('name') || undefined, password: f.get('password') || undefined }) });
  const body = await r.json();
  if (!r.ok) { document.getElementById('error').textContent = body.error.message; return; }
  localStorage.setItem(store, JSON.stringify(body));
  show(body);
});
document.getElementById('copy').addEventListener('click', () =>
  navigator.clipboard.writeText(document.querySelector('[data-key]').textContent));
`;

export const joinScriptHash = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;

export function joinPage(event: KitEvent): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(event.name)} · AI Proxy Kit</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f5f6fa;color:#1c2033}
main{max-width:34rem;margin:0 auto;padding:1.5rem}
.card{background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 1px 3px #0002;margin-bottom:1rem}
h1{font-size:1.5rem;margin:.25rem 0}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.7rem;font-size:1rem;border:1px solid #ccd;border-radius:8px}
button{margin-top:1rem;width:100%;padding:.8rem;font-size:1rem;border:0;border-radius:8px;background:#3557e8;color:#fff;font-weight:600}
code{word-break:break-all;background:#eef;padding:.2rem .35rem;border-radius:4px}
#error{color:#b3261e}
</style></head>
<body><main id="join" data-code="${esc(event.code)}">
<div class="card"><h1>${esc(event.name)}</h1>
<p><span data-time="${esc(event.startsAt)}"></span> – <span data-time="${esc(event.endsAt)}"></span></p>
${event.description ? `<p>${esc(event.description)}</p>` : ''}</div>
<form id="form" class="card">
<label for="name">Your name (optional)</label><input id="name" name="name" autocomplete="name">
${event.joinPassword ? '<label for="password">Join password</label><input id="password" name="password" type="password" required>' : ''}
<button type="submit">Register</button><p id="error" role="alert"></p></form>
<section id="result" class="card" hidden>
<p>Your API key</p><p><code data-key></code></p><button id="copy" type="button">Copy key</button>
<p>Endpoint: <code data-endpoint></code></p><p>Deployments: <span data-deployments></span></p></section>
</main><script>${script}</script></body></html>`;
}
