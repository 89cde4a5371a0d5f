/**
 * A voice lab in the browser: a page served from another origin opens the
 * Realtime API through the kit with the browser's own WebSocket, the key in
 * the `openai-insecure-api-key.<key>` subprotocol (browsers cannot set
 * headers), and holds a session against the emulated Azure upstream: audio
 * appended, a response with its deltas and usage. The organizer's Live
 * traffic shows the session open with its tokens, then closed with its reason.
 * The key never reaches upstream.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleDir } from '../../electron/core/paths.js';
import { desktopContext, launchChromium, openConsole, shot } from '../support/browser.js';
import { AUDIO_100MS, type RealtimeKit, startRealtimeKit } from '../support/realtime-kit.js';

/** What the lab page's script puts on `window`. */
interface VoiceLab {
  voice(url: string, key: string, audio: string): Promise<{ protocol: string; types: string[]; usage: unknown }>;
  hangUp(): Promise<{ code: number; reason: string }>;
}

const LAB_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Voice lab</title>
<style>body{font:16px system-ui;margin:2rem;max-width:40rem}pre{background:#f4f4f5;padding:1rem;white-space:pre-wrap}</style>
</head><body><h1>Voice lab</h1><p>A realtime session through the kit…</p><pre id="out"></pre>
<script>
const log = (line) => { document.getElementById('out').textContent += line + '\\n'; };
let sock;
window.voice = (url, key, audio) => new Promise((resolve, reject) => {
  sock = new WebSocket(url, ['realtime', 'openai-insecure-api-key.' + key]);
  const types = [];
  sock.onerror = () => reject(new Error('socket error'));
  sock.onmessage = (m) => {
    const e = JSON.parse(m.data);
    types.push(e.type);
    log(e.type);
    if (e.type === 'session.created') {
      for (let i = 0; i < 3; i++) sock.send(JSON.stringify({ type: 'input_audio_buffer.append', audio }));
      sock.send(JSON.stringify({ type: 'input_audio_buffer.commit' }));
    }
    if (e.type === 'input_audio_buffer.committed') sock.send(JSON.stringify({ type: 'response.create' }));
    if (e.type === 'response.done') resolve({ protocol: sock.protocol, types, usage: e.response.usage });
  };
});
window.hangUp = () => new Promise((resolve) => {
  sock.onclose = (e) => resolve({ code: e.code, reason: e.reason });
  sock.close(1000, 'lab over');
});
</script></body></html>`;

let browser: Browser;
let k: RealtimeKit;
let lab: Server;

beforeAll(async () => {
  browser = await launchChromium();
  k = await startRealtimeKit({ kit: { consoleDir: consoleDir() } });
  lab = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(LAB_PAGE));
  await new Promise<void>((resolve) => lab.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await browser?.close();
  await k?.stop();
  await new Promise((resolve) => lab?.close(resolve));
});

describe('a browser voice lab', () => {
  it('holds a session with the key in the subprotocol, shown live in the console until it closes', async () => {
    const ctx = await desktopContext(browser);
    const page = await ctx.newPage();
    await page.goto(`http://127.0.0.1:${(lab.address() as AddressInfo).port}/`);
    const url = `${k.wsBase}/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-realtime`;
    const result = await page.evaluate(([u, key, audio]) => (window as unknown as VoiceLab).voice(u, key, audio), [
      url,
      k.apiKey,
      AUDIO_100MS,
    ] as const);
    // The kit answers the subprotocol the browser needs back, never the one carrying the key.
    expect(result.protocol).toBe('realtime');
    expect(result.types[0]).toBe('session.created');
    expect(result.types).toContain('response.audio.delta');
    expect(result.usage).toMatchObject({ total_tokens: 200 });
    await shot(page, 'realtime-01-voice-lab');

    const conn = k.rt.connections.at(-1);
    expect(conn?.rawHandshake).not.toContain(k.apiKey);
    expect(conn?.headers['sec-websocket-protocol']).toBeUndefined();
    expect(conn?.headers['api-key']).toBe('upstream-secret-key-123');

    // The organizer sees it in Live traffic: open, with its tokens.
    const con = await ctx.newPage();
    await openConsole(con, k.kit, '/traffic');
    const sessions = con.getByRole('region', { name: 'Realtime sessions' });
    const row = sessions.getByRole('row', { name: /Ada/ });
    await row.getByText('Open').waitFor();
    await row.getByRole('cell', { name: '200', exact: true }).waitFor();
    await sessions.getByText('1 open · 0 recently closed').waitFor();
    await shot(con, 'realtime-02-traffic-session-open');

    expect(await page.evaluate(() => (window as unknown as VoiceLab).hangUp())).toEqual({
      code: 1000,
      reason: 'lab over',
    });
    await row.getByText('Closed 1000 · lab over').waitFor();
    await con.getByRole('region', { name: 'Recent requests' }).getByText('session closed').first().waitFor();
    await shot(con, 'realtime-03-traffic-session-closed');

    const report = await k.kit.call('usage.report', { eventId: k.eventId });
    expect(report.attendees[0]).toMatchObject({ requests: 1, totalTokens: 200 });
    await ctx.close();
  });
});
