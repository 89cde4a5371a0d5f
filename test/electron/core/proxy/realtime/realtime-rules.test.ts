/**
 * Realtime sessions under the event's rules, through the real kit: every
 * refusal before the upgrade is an HTTP answer in the SDKs' error shape (the
 * kit's own or upstream's passed along); a session counts as one request
 * against the daily cap and holds a place among the attendee's calls in
 * flight; a revoked key, the event ending, a spent token budget and the
 * event's longest session each close a live session within a second with an
 * `error` event and a readable close reason; a throttled resource fails over;
 * an upstream that never answers is a 504 in bounded time; the kit closing
 * says goodbye with 1001.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  AUDIO_100MS,
  closed,
  openSocket,
  type RealtimeKit,
  refusal,
  startRealtimeKit,
} from '../../../../support/realtime-kit.js';
import { startRealtimeUpstream } from '../../../../support/realtime-upstream.js';

let k: RealtimeKit | undefined;
afterEach(async () => {
  await k?.stop();
  k = undefined;
});

const ga = (kit: RealtimeKit, model = 'gpt-realtime') => `${kit.wsBase}/openai/v1/realtime?model=${model}`;
const asKey = (kit: RealtimeKit) => ({ headers: { 'api-key': kit.apiKey } });

/** Opens a session and waits for its first event. */
async function session(kit: RealtimeKit) {
  const s = await openSocket(ga(kit), asKey(kit));
  await s.ev.next('session.created');
  return s;
}

/** One response: audio committed, response.create, until response.done. */
async function respond(s: Awaited<ReturnType<typeof session>>) {
  s.ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: AUDIO_100MS }));
  s.ws.send(JSON.stringify({ type: 'input_audio_buffer.commit' }));
  s.ws.send(JSON.stringify({ type: 'response.create' }));
  return s.ev.next('response.done');
}

/** Expects the kit to end the session: an `error` event with `code`, then close 1008 with a readable reason. */
async function endedBy(s: Awaited<ReturnType<typeof session>>, code: string, started: number) {
  const err = await s.ev.next('error', 3000);
  const close = await closed(s.ws);
  const elapsed = Date.now() - started;
  expect(err.error).toMatchObject({ type: 'invalid_request_error', code });
  expect(close.code).toBe(1008);
  expect(close.reason.length).toBeGreaterThan(10);
  expect(Buffer.byteLength(close.reason)).toBeLessThanOrEqual(123);
  return { err, close, elapsed };
}

describe('refusals before the upgrade are HTTP answers in the SDK error shape', () => {
  it('no key, a wrong key, two different keys, a revoked key, an ended event', async () => {
    k = await startRealtimeKit();
    expect(await refusal(ga(k))).toMatchObject({ status: 401, body: { error: { code: 'missing_api_key' } } });
    expect(await refusal(ga(k), { headers: { 'api-key': 'apk-nope' } })).toMatchObject({
      status: 401,
      body: { error: { code: 'invalid_api_key' } },
    });
    expect(
      await refusal(`${ga(k)}&api-key=apk-other`, { protocols: [`openai-insecure-api-key.${k.apiKey}`] }),
    ).toMatchObject({ status: 401, body: { error: { code: 'conflicting_api_keys' } } });
    // A shared-code key (event@code/email) cannot be a subprotocol token: the answer says where to put it.
    const raw = await rawHandshake(
      k,
      'Sec-WebSocket-Protocol: realtime, openai-insecure-api-key.demo@x/ada@example.com',
    );
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('api-key query parameter');
    await k.kit.call('attendees.revoke', { attendeeId: k.attendeeId });
    expect(await refusal(ga(k), asKey(k))).toMatchObject({ status: 401, body: { error: { code: 'key_revoked' } } });
    await k.kit.call('attendees.restore', { attendeeId: k.attendeeId });
    await k.kit.call('events.update', { id: k.eventId, enabled: false });
    expect(await refusal(ga(k), asKey(k))).toMatchObject({ status: 403, body: { error: { code: 'event_disabled' } } });
    expect(k.rt.connections).toHaveLength(0);
  });

  it('an unknown deployment, a playground deployment, a browser origin the event does not list', async () => {
    k = await startRealtimeKit({ event: { allowedOrigins: ['http://localhost:5173'] } });
    const unknown = await refusal(ga(k, 'nope'), asKey(k));
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'deployment_not_found' } } });
    expect(unknown.body.error.message).toContain("This event's realtime deployments: gpt-realtime.");
    const playground = await refusal(ga(k, 'playground'), asKey(k));
    expect(playground.status).toBe(404);
    expect(playground.body.error.message).toContain('Playground (offline) resource, which has no Realtime API');
    const foreign = await refusal(ga(k), { headers: { 'api-key': k.apiKey, origin: 'http://evil.example' } });
    expect(foreign).toMatchObject({ status: 403, body: { error: { code: 'origin_not_allowed' } } });
    expect(await refusal(`${k.wsBase}/openai/v2/realtime`, asKey(k))).toMatchObject({ status: 404 });
    const ok = await openSocket(ga(k), { headers: { 'api-key': k.apiKey, origin: 'http://localhost:5173' } });
    ok.ws.close();
    await closed(ok.ws);
  });

  it("passes upstream's own refusal along, and counts it as the request it was", async () => {
    k = await startRealtimeKit();
    k.rt.refuseNext(400, {
      error: {
        code: 'OperationNotSupported',
        message: 'The realtime operation does not work with the specified model.',
      },
    });
    const r = await refusal(ga(k), asKey(k));
    expect(r).toMatchObject({ status: 400, body: { error: { code: 'OperationNotSupported' } } });
    const report = await k.kit.call('usage.report', { eventId: k.eventId });
    expect(report.attendees[0]).toMatchObject({ requests: 1, errors: 1 });
  });
});

describe('limits', () => {
  it('a session is one request against the daily cap and holds a place among calls in flight', async () => {
    k = await startRealtimeKit({ event: { dailyRequestCap: 2, concurrentRequests: 1 } });
    const first = await session(k);
    const busy = await refusal(ga(k), asKey(k));
    expect(busy).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
    expect(busy.headers['retry-after']).toBe('1');
    first.ws.close();
    await closed(first.ws);
    await new Promise((r) => setTimeout(r, 100));
    const second = await session(k); // its place is free again
    second.ws.close();
    await closed(second.ws);
    const capped = await refusal(ga(k), asKey(k));
    expect(capped).toMatchObject({ status: 429, body: { error: { code: 'daily_cap_reached' } } });
    expect(Number(capped.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('the 101 of a limited event carries the x-ratelimit headers', async () => {
    k = await startRealtimeKit({ event: { requestsPerMinute: 10 } });
    const ws = new WebSocket(ga(k), asKey(k));
    const headers = await new Promise<IncomingHttpHeaders>((resolve) =>
      ws.once('upgrade', (res) => resolve(res.headers)),
    );
    expect(headers['x-ratelimit-limit-requests']).toBe('10');
    expect(headers['x-ratelimit-remaining-requests']).toBe('9');
    ws.close();
    await closed(ws);
  });
});

describe('the kit ends live sessions within a second', () => {
  it('when the key is revoked', async () => {
    k = await startRealtimeKit();
    const s = await session(k);
    const started = Date.now();
    await k.kit.call('attendees.revoke', { attendeeId: k.attendeeId });
    const { err, close, elapsed } = await endedBy(s, 'key_revoked', started);
    expect(err.error).toMatchObject({ message: 'This API key has been revoked by the organizer.' });
    expect(close.reason).toBe('This API key has been revoked by the organizer.');
    expect(elapsed).toBeLessThan(1500);
    await new Promise((r) => setTimeout(r, 100));
    expect(k.rt.connections[0]?.closed?.code).toBe(1000);
  });

  it('when the event ends', async () => {
    k = await startRealtimeKit();
    const s = await session(k);
    const started = Date.now();
    await k.kit.call('events.update', { id: k.eventId, endsAt: new Date(Date.now() - 1).toISOString() });
    const { elapsed, close } = await endedBy(s, 'event_ended', started);
    expect(close.reason).toMatch(/^The event ended at /);
    expect(elapsed).toBeLessThan(1500);
  });

  it('when the token budget is spent, right after the response.done that spent it', async () => {
    k = await startRealtimeKit({ event: { dailyTokenBudget: 300 } });
    const s = await session(k);
    expect(((await respond(s)).response as { usage: { total_tokens: number } }).usage.total_tokens).toBe(200);
    const started = Date.now();
    await respond(s).catch((e) => {
      throw new Error(`${e}; saw ${s.ev.seen.map((x) => x.type).join(', ')}`);
    }); // 400 tokens: over the budget
    const { elapsed } = await endedBy(s, 'token_budget_reached', started);
    expect(elapsed).toBeLessThan(1500);
    const report = await k.kit.call('usage.report', { eventId: k.eventId });
    expect(report.attendees[0]).toMatchObject({ requests: 1, totalTokens: 400 });
    expect(await refusal(ga(k), asKey(k))).toMatchObject({
      status: 429,
      body: { error: { code: 'token_budget_reached' } },
    });
  });

  it("at the event's longest session", async () => {
    let clock = Date.now();
    k = await startRealtimeKit({ event: { maxSessionMinutes: 1 }, kit: { now: () => clock } });
    const s = await session(k);
    clock += 59_000;
    await new Promise((r) => setTimeout(r, 700));
    expect(s.ws.readyState).toBe(s.ws.OPEN);
    clock += 1_000;
    const started = Date.now();
    const { err, elapsed } = await endedBy(s, 'session_expired', started);
    expect(String((err.error as { message: string }).message)).toContain('limit of 1 minutes');
    expect(elapsed).toBeLessThan(1500);
  });

  it('when the kit stops: 1001 going away', async () => {
    k = await startRealtimeKit();
    const s = await session(k);
    const bye = closed(s.ws);
    await k.stop();
    k = undefined;
    expect((await bye).code).toBe(1001);
  });
});

describe('upstream trouble', () => {
  it('fails over from a throttled resource to another behind the same name, and rests the throttled one', async () => {
    // A constant draw keeps the event's order: the first resource is tried first.
    k = await startRealtimeKit({ kit: { routing: { random: () => 0.5 } } });
    const other = await startRealtimeUpstream();
    try {
      const second = await k.kit.call('resources.create', {
        name: 'Voice B',
        kind: 'azure-openai',
        endpoint: other.url,
        deployment: 'gpt-realtime',
        auth: { type: 'api-key', key: 'upstream-secret-key-123' },
        enabled: true,
      });
      const event = (await k.kit.call('events.list', {}))[0]!;
      await k.kit.call('events.update', { id: event.id, resourceIds: [...event.resourceIds, second.id] });
      k.rt.refuseNext(429, { error: { code: '429', message: 'Rate limit' } }, { 'retry-after': '20' });
      const s = await session(k);
      expect(k.rt.connections).toHaveLength(0);
      expect(other.connections).toHaveLength(1);
      const health = (await k.kit.call('resources.list', {})).find((r) => r.id === k?.resourceId)?.health;
      expect(health?.state).toBe('cooling-down');
      s.ws.close();
      await closed(s.ws);
    } finally {
      await other.close();
    }
  });

  it('answers 504 in bounded time when upstream never finishes the handshake', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
    try {
      k = await startRealtimeKit({ kit: { timeouts: { connectMs: 300 } } });
      const port = (silent.address() as { port: number }).port;
      await k.kit.call('resources.update', { id: k.resourceId, endpoint: `http://127.0.0.1:${port}` });
      const started = Date.now();
      const r = await refusal(ga(k), asKey(k));
      expect(r).toMatchObject({ status: 504, body: { error: { code: 'upstream_timeout' } } });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });
});

/** A handshake written by hand (for headers no WebSocket client would send), and the kit's answer. */
function rawHandshake(kit: RealtimeKit, extra: string): Promise<string> {
  const port = Number(new URL(kit.kit.localUrl).port);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(
        `GET /api/v1/openai/v1/realtime?model=gpt-realtime HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n\r\n`,
      ),
    );
    let text = '';
    socket.on('data', (d) => {
      text += d.toString();
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}
