/**
 * A browser lab: a page served from another origin (another local port)
 * streams a chat completion through the kit with `fetch`, reads a 401 and a
 * 429 it provoked (errors carry the CORS headers too), and a page on an
 * origin its event does not list is refused, by the browser and, before any
 * upstream call, by the kit.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, shot } from '../support/browser.js';
import { eventInput, startKit, type TestKit } from '../support/kit.js';

/** What the lab page's script puts on `window`. */
interface Lab {
  lab(endpoint: string, key: string): Promise<{ status: number; text: string; chunks: number; type: string }>;
  refusal(endpoint: string, key: string): Promise<{ status: number; body: unknown; retryAfter: string | null }>;
  attempt(endpoint: string, key: string): Promise<{ status?: number; code?: string; error?: string }>;
}

let browser: Browser;
let kit: TestKit;
const labs: Server[] = [];
const keys = { open: '', listed: '', capped: '' };

/** The lab page: its script calls the kit as a workshop's own page would, and writes what it saw. */
const LAB_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Browser lab</title>
<style>body{font:16px system-ui;margin:2rem;max-width:40rem}pre{background:#f4f4f5;padding:1rem;white-space:pre-wrap}</style>
</head><body><h1>Browser lab</h1><p>Streaming a chat completion through the kit…</p><pre id="out"></pre>
<script>
async function chat(endpoint, key, body) {
  const r = await fetch(endpoint + '/openai/deployments/playground/chat/completions?api-version=2024-10-21', {
    method: 'POST',
    headers: { 'api-key': key, 'content-type': 'application/json', 'x-stainless-lang': 'js' },
    body: JSON.stringify(body),
  });
  return r;
}
window.lab = async (endpoint, key) => {
  const r = await chat(endpoint, key, { messages: [{ role: 'user', content: 'Hello from the lab' }], stream: true });
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '', text = '', chunks = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let i;
    while ((i = buffer.indexOf('\\n\\n')) >= 0) {
      const event = buffer.slice(0, i); buffer = buffer.slice(i + 2);
      const data = event.replace(/^data: /, '');
      if (data === '[DONE]') continue;
      const delta = JSON.parse(data).choices[0]?.delta?.content;
      if (delta) { text += delta; chunks++; document.getElementById('out').textContent = text; }
    }
  }
  return { status: r.status, text, chunks, type: r.headers.get('content-type') };
};
window.refusal = async (endpoint, key) => {
  const r = await chat(endpoint, key, { messages: [{ role: 'user', content: 'hi' }] });
  return { status: r.status, body: await r.json(), retryAfter: r.headers.get('retry-after') };
};
window.attempt = async (endpoint, key) => {
  try {
    const r = await chat(endpoint, key, { messages: [{ role: 'user', content: 'hi' }] });
    return { status: r.status, code: (await r.json()).error?.code };
  } catch (e) { return { error: e.name }; }
};
</script></body></html>`;

async function lab(): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(LAB_PAGE);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  labs.push(server);
  // localhost, not 127.0.0.1: a different host from the kit's, so every call is cross-origin.
  return `http://localhost:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  browser = await launchChromium();
  kit = await startKit();
  const playground = await kit.call('resources.create', {
    name: 'Playground',
    kind: 'playground',
    deployment: 'playground',
    auth: { type: 'none' },
    enabled: true,
  });
  const open = await kit.call('events.create', eventInput([playground.id], { name: 'Open lab' }));
  keys.open = (await kit.register(open.code)).body.apiKey as string;
  const capped = await kit.call('events.create', eventInput([playground.id], { dailyRequestCap: 1 }));
  keys.capped = (await kit.register(capped.code)).body.apiKey as string;
});
afterAll(async () => {
  await browser?.close();
  await kit?.stop();
  await Promise.all(labs.map((s) => new Promise((ok) => s.close(ok))));
});

async function openLab(origin: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(origin);
  return page;
}

describe('a browser lab on another origin', () => {
  it('streams a chat completion through the kit with fetch', async () => {
    const page = await openLab(await lab());
    const seen = await page.evaluate(
      ([e, k]) => (window as unknown as Lab).lab(e as string, k as string),
      [kit.apiBase, keys.open],
    );
    expect(seen).toMatchObject({ status: 200, type: 'text/event-stream' });
    expect(seen.text).toContain('This is the offline playground model');
    expect(seen.chunks).toBeGreaterThan(5);
    await shot(page, 'cors-1-browser-lab-streamed');
  });

  it('reads the kit’s errors: 401 for a wrong key, 429 with Retry-After at the cap', async () => {
    const page = await openLab(await lab());
    const call = (key: string) =>
      page.evaluate(([e, k]) => (window as unknown as Lab).refusal(e as string, k as string), [kit.apiBase, key]);
    expect(await call('apk-wrong')).toMatchObject({ status: 401, body: { error: { code: 'invalid_api_key' } } });
    expect((await call(keys.capped)).status).toBe(200);
    const capped = await call(keys.capped);
    expect(capped).toMatchObject({ status: 429, body: { error: { code: 'daily_cap_reached' } } });
    expect(Number(capped.retryAfter)).toBeGreaterThan(0);
  });

  it('is refused on an origin its event does not list, by the browser and by the kit before upstream', async () => {
    const listedOrigin = await lab();
    const otherOrigin = await lab();
    const playground = (await kit.call('resources.list', {})).find((r) => r.deployment === 'playground');
    const listed = await kit.call(
      'events.create',
      eventInput([playground?.id as string], { allowedOrigins: [listedOrigin] }),
    );
    keys.listed = (await kit.register(listed.code)).body.apiKey as string;

    const ok = await openLab(listedOrigin);
    const seen = await ok.evaluate(
      ([e, k]) => (window as unknown as Lab).lab(e as string, k as string),
      [kit.apiBase, keys.listed],
    );
    expect(seen.status).toBe(200);

    const other = await openLab(otherOrigin);
    const attempt = () =>
      other.evaluate(
        ([e, k]) => (window as unknown as Lab).attempt(e as string, k as string),
        [kit.apiBase, keys.listed],
      );
    // Other events on this kit take any origin, so the browser may read the kit's refusal.
    expect(await attempt()).toEqual({ status: 403, code: 'origin_not_allowed' });
    // With only the listed event open, no answer names this origin: the browser itself blocks the call.
    for (const e of await kit.call('events.list', {}))
      if (e.id !== listed.id) await kit.call('events.update', { id: e.id, enabled: false });
    expect(await attempt()).toEqual({ error: 'TypeError' });
    // Neither reached the playground: the kit refused the first before upstream; the second never left the
    // browser (its preflight's answer named no origin).
    const refused = kit.feed.recent(5).filter((r) => r.errorCode === 'origin_not_allowed');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    await shot(other, 'cors-2-origin-not-listed');
  });
});
