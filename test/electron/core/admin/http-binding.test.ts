/** The loopback admin API: token, validation, error codes, masking, and the Host check. */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKit, type TestKit } from '../../../support/kit.js';

let kit: TestKit;
const call = async (method: string, body: unknown, token = kit.adminToken) => {
  const r = await fetch(`${kit.adminUrl}/admin/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
};

beforeAll(async () => {
  kit = await startKit({ demo: true });
});
afterAll(() => kit?.stop());

describe('admin API over HTTP', () => {
  it('answers kit.info with the ports and the data dir', async () => {
    const r = await call('kit.info', {});
    expect(r.status).toBe(200);
    expect(r.body.port).toBeGreaterThan(0);
    expect(r.body.adminPort).toBeGreaterThan(0);
    expect(r.body.dataDir).toBe(kit.dataDir);
    expect(r.body.lanUrls[0]).toMatch(/^http:\/\//);
  });

  it('refuses a missing or wrong token with 401 unauthorized', async () => {
    const r = await call('kit.info', {}, 'wrong');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('unauthorized');
  });

  it('returns field errors as data: each field with its problem, for the form to place', async () => {
    const r = await call('events.create', { name: 'x', startsAt: 'tomorrow' });
    expect(r.body.error.fields.startsAt).toEqual(expect.any(String));
    expect(Object.keys(r.body.error.fields)).toContain('endsAt');
    const ev = {
      name: 'y',
      startsAt: '2026-06-01T18:00:00Z',
      endsAt: '2026-06-01T08:00:00Z',
      timeZone: 'UTC',
      dailyRequestCap: 0,
      maxTokenCap: 0,
      resourceIds: [],
      enabled: true,
    };
    const order = await call('events.create', ev);
    expect(order.body.error.fields).toEqual({ endsAt: expect.stringContaining('after startsAt') });
    // A rule the service checks itself comes back the same way.
    const res = await call('resources.create', {
      name: 'r',
      kind: 'azure-openai',
      deployment: 'd',
      auth: { type: 'none' },
      enabled: true,
    });
    expect(res.body.error).toEqual({
      code: 'invalid_input',
      message: 'endpoint: a azure-openai resource needs an endpoint URL.',
      fields: { endpoint: 'a azure-openai resource needs an endpoint URL.' },
    });
  });

  it('validates input: 400 invalid_input naming the field', async () => {
    const r = await call('events.create', { name: 'x', startsAt: 'tomorrow' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_input');
    expect(r.body.error.message).toMatch(/startsAt/);
    const tz = await call('events.create', {
      name: 'x',
      startsAt: '2026-06-01T08:00:00Z',
      endsAt: '2026-06-01T18:00:00Z',
      timeZone: 'Mars/Olympus',
      dailyRequestCap: 0,
      maxTokenCap: 0,
      resourceIds: [],
      enabled: true,
    });
    expect(tz.body.error.message).toMatch(/timeZone/);
  });

  it('404 for an unknown method or id, 409 for a taken event code', async () => {
    expect((await call('events.explode', {})).status).toBe(404);
    expect((await call('resources.remove', { id: 'res_nope' })).body.error.code).toBe('not_found');
    const taken = await call('events.create', {
      name: 'Clash',
      code: 'demo',
      startsAt: '2026-06-01T08:00:00Z',
      endsAt: '2026-06-01T18:00:00Z',
      timeZone: 'UTC',
      dailyRequestCap: 0,
      maxTokenCap: 0,
      resourceIds: [],
      enabled: true,
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('conflict');
  });

  it('clears optional event settings with null on update, and keeps what the update does not name', async () => {
    const created = await call('events.create', {
      name: 'Clearable',
      startsAt: '2026-06-01T08:00:00Z',
      endsAt: '2026-06-01T18:00:00Z',
      timeZone: 'Europe/Paris',
      dailyRequestCap: 10,
      maxTokenCap: 100,
      dailyTokenBudget: 5000,
      capacity: 30,
      joinPassword: 'open sesame',
      sharedCode: 'ROOM42',
      resourceIds: [],
      enabled: true,
    });
    expect(created.status).toBe(200);
    const id = created.body.id;
    const cleared = await call('events.update', { id, capacity: null, joinPassword: null, sharedCode: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).not.toHaveProperty('capacity');
    expect(cleared.body).not.toHaveProperty('joinPassword');
    expect(cleared.body).not.toHaveProperty('sharedCode');
    expect(cleared.body.dailyTokenBudget).toBe(5000);
    const listed = (await call('events.list', {})).body.find((e: { id: string }) => e.id === id);
    expect(listed.capacity).toBeUndefined();
    expect(listed.dailyTokenBudget).toBe(5000);
    // null is for clearing what may be absent; a required field cannot be cleared.
    const bad = await call('events.update', { id, name: null });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/name/);
  });

  it('never shows a secret back, and keeps it when the mask is sent back', async () => {
    const created = await call('resources.create', {
      name: 'Azure',
      kind: 'azure-openai',
      endpoint: 'https://example.openai.azure.com',
      deployment: 'gpt-4o',
      auth: { type: 'api-key', key: 'the-real-upstream-key' },
      enabled: true,
    });
    expect(created.status).toBe(200);
    expect(JSON.stringify(created.body)).not.toContain('the-real-upstream-key');
    const list = await call('resources.list', {});
    expect(JSON.stringify(list.body)).not.toContain('the-real-upstream-key');
    const masked = created.body.auth.key;
    await call('resources.update', { id: created.body.id, name: 'Azure EU', auth: { type: 'api-key', key: masked } });
    expect(kit.store.resource(created.body.id)?.auth).toEqual({ type: 'api-key', key: 'the-real-upstream-key' });
  });

  it('issues printed-card keys once, and they work like registered ones', async () => {
    const demo = (await call('events.list', {})).body.find((e: { code: string }) => e.code === 'demo');
    const issued = await call('attendees.issue', { eventId: demo.id, count: 3 });
    expect(issued.body).toHaveLength(3);
    expect(issued.body[0].claimUrl).toContain(`/join/demo#key=`);
    const r = await fetch(`${kit.apiBase}/openai/deployments/playground/chat/completions`, {
      method: 'POST',
      headers: { 'api-key': issued.body[0].apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(r.status).toBe(200);
    const listed = await call('attendees.list', { eventId: demo.id });
    expect(JSON.stringify(listed.body)).not.toContain(issued.body[0].apiKey);
  });

  it('refuses a non-loopback Host header (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${kit.adminUrl}/admin/api/kit.info`, {
        method: 'POST',
        headers: { host: 'evil.example:80', authorization: `Bearer ${kit.adminToken}` },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });

  it('streams live traffic as server-sent events', async () => {
    const ctl = new AbortController();
    const r = await fetch(`${kit.adminUrl}/admin/api/traffic/stream`, {
      headers: { authorization: `Bearer ${kit.adminToken}` },
      signal: ctl.signal,
    });
    expect(r.headers.get('content-type')).toContain('text/event-stream');
    const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
    await fetch(`${kit.apiBase}/openai/deployments/playground/chat/completions`, { method: 'POST', body: '{}' });
    let text = '';
    for (let i = 0; i < 20 && !text.includes('event: traffic'); i++) text += (await reader.read()).value ?? '';
    ctl.abort();
    expect(text).toContain('event: traffic');
    expect(text).toContain('missing_api_key');
  });
});
