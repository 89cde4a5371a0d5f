/**
 * CORS on `/api/v1` through the real kit, as a browser would see it:
 * preflights answered without a key (the SDKs' headers allowed, nothing
 * more), the headers on every answer including errors, an upstream's own
 * CORS headers never passed on, an event's `allowedOrigins` enforced before
 * upstream, and nothing of it on the admin listener, on `/join` or on calls
 * that carry no `Origin`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dispatchAdmin } from '../../../../../electron/core/admin/dispatch.js';
import { type Emulator, json, startEmulator } from '../../../../support/emulator.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';

let emu: Emulator;
let kit: TestKit | undefined;

afterEach(async () => {
  await kit?.stop();
  kit = undefined;
  await emu?.close();
});

const LAB = 'http://localhost:5173';
const chat = '/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21';
const hello = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] });

async function setup(allowedOrigins?: string[]) {
  emu = await startEmulator({ chunkDelayMs: 0 });
  kit = await startKit();
  const r = await kit.call('resources.create', {
    name: 'Azure',
    kind: 'azure-openai',
    endpoint: emu.url,
    deployment: 'gpt-4o-mini',
    auth: { type: 'api-key', key: 'upstream' },
    enabled: true,
  });
  const event = await kit.call('events.create', eventInput([r.id], allowedOrigins ? { allowedOrigins } : {}));
  const apiKey = (await kit.register(event.code)).body.apiKey as string;
  return { apiKey, event };
}

const preflight = (origin: string | undefined, requestHeaders = 'api-key, content-type') =>
  fetch(`${kit?.apiBase}${chat}`, {
    method: 'OPTIONS',
    headers: {
      ...(origin ? { origin } : {}),
      'access-control-request-method': 'POST',
      'access-control-request-headers': requestHeaders,
    },
  });

const post = (apiKey: string, origin?: string) =>
  fetch(`${kit?.apiBase}${chat}`, {
    method: 'POST',
    headers: { 'api-key': apiKey, 'content-type': 'application/json', ...(origin ? { origin } : {}) },
    body: hello,
  });

describe('preflight', () => {
  it('is answered without a key, for the SDKs’ headers and no others, never with credentials', async () => {
    await setup();
    const r = await preflight(
      LAB,
      'Authorization, api-key, Content-Type, x-stainless-os, x-stainless-retry-count, openai-beta, x-ms-useragent, x-ms-client-request-id, x-mine',
    );
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE');
    expect(r.headers.get('access-control-allow-headers')?.split(', ')).toEqual([
      'authorization',
      'api-key',
      'content-type',
      'x-stainless-os',
      'x-stainless-retry-count',
      'openai-beta',
      'x-ms-useragent',
      'x-ms-client-request-id',
    ]);
    expect(Number(r.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(r.headers.get('access-control-allow-credentials')).toBeNull();
    // Preflights are not traffic: nothing to show the organizer, nothing counted.
    expect(kit?.feed.recent(10)).toHaveLength(0);
  });

  it('lets a public page reach the venue LAN when Chromium asks (Private Network Access)', async () => {
    await setup();
    const r = await fetch(`${kit?.apiBase}${chat}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://lab.example', 'access-control-request-private-network': 'true' },
    });
    expect(r.headers.get('access-control-allow-private-network')).toBe('true');
  });

  it('names no origin for a page no enabled event accepts', async () => {
    await setup([LAB]);
    const listed = await preflight(LAB);
    expect(listed.headers.get('access-control-allow-origin')).toBe(LAB);
    expect(listed.headers.get('vary')).toContain('Origin');
    const other = await preflight('http://localhost:3000');
    expect(other.status).toBe(204);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('calls from a page', () => {
  it('carry the headers on answers and on errors, and upstream’s own CORS headers are not passed on', async () => {
    const { apiKey } = await setup();
    emu.override(
      () => true,
      (r, res) =>
        json(
          res,
          200,
          { choices: [], model: String((r.json as { model?: string })?.model) },
          {
            'access-control-allow-origin': 'https://upstream.example',
            'x-request-id': 'req-1',
          },
        ),
    );
    const ok = await post(apiKey, LAB);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    expect(ok.headers.get('x-request-id')).toBe('req-1');
    const exposed = ok.headers.get('access-control-expose-headers') ?? '';
    for (const h of ['retry-after', 'x-request-id', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-tokens'])
      expect(exposed).toContain(h);

    const unauthorized = await post('apk-nope', LAB);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe('*');
    const missing = await fetch(`${kit?.apiBase}/openai/nothing-here`, { headers: { origin: LAB } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('are held to the event’s allowed origins before upstream; SDK calls without Origin are untouched', async () => {
    const { apiKey } = await setup([LAB]);
    const listed = await post(apiKey, LAB);
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe(LAB);
    const other = await post(apiKey, 'http://localhost:3000');
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');
    expect(emu.received).toHaveLength(1);
    const sdk = await post(apiKey);
    expect(sdk.status).toBe(200);
    for (const h of ['access-control-allow-origin', 'access-control-expose-headers', 'vary'])
      expect(sdk.headers.get(h), h).toBeNull();
  });
});

describe('never elsewhere', () => {
  it('the admin listener and /join answer no CORS headers', async () => {
    const { event } = await setup();
    const k = kit as TestKit;
    for (const [url, method] of [
      [`${k.adminUrl}/admin/api/resources.list`, 'OPTIONS'],
      [`${k.adminUrl}/admin/api/resources.list`, 'POST'],
      [`${k.localUrl}/join/${event.code}`, 'OPTIONS'],
      [`${k.localUrl}/join/${event.code}`, 'POST'],
      [`${k.localUrl}/join/${event.code}/usage`, 'GET'],
    ] as const) {
      const r = await fetch(url, {
        method,
        headers: { origin: LAB, 'access-control-request-method': 'POST', 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      expect(r.headers.get('access-control-allow-origin'), `${method} ${url}`).toBeNull();
      expect(r.headers.get('access-control-allow-credentials'), `${method} ${url}`).toBeNull();
    }
  });
});

describe('the event setting', () => {
  it('takes origins only, stores them as browsers send them, and clears with null', async () => {
    const { event } = await setup();
    const admin = (input: Record<string, unknown>) =>
      dispatchAdmin((kit as TestKit).handlers, 'events.update', { id: event.id, ...input }) as Promise<{
        allowedOrigins?: string[];
      }>;
    for (const bad of ['http://localhost:5173/app', 'ftp://files.example', '*', 'localhost:5173']) {
      await expect(admin({ allowedOrigins: [bad] }), bad).rejects.toMatchObject({ code: 'invalid_input' });
    }
    const set = await admin({ allowedOrigins: ['HTTP://LocalHost:5173/', 'https://lab.example:443'] });
    expect(set.allowedOrigins).toEqual(['http://localhost:5173', 'https://lab.example']);
    const cleared = await admin({ allowedOrigins: null });
    expect(cleared.allowedOrigins).toBeUndefined();
  });
});
