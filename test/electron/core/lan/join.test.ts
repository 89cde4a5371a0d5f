/**
 * Self-registration over HTTP: the abuse limits answer with their codes and
 * messages, registration is idempotent per device (cookie), and "my usage
 * today" reads the counters with the attendee's own key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dayIn } from '../../../../shared/zoned-time.js';
import { eventInput, hour, startKit, type TestKit } from '../../../support/kit.js';

let kit: TestKit;
afterEach(async () => {
  await kit?.stop();
});

async function playgroundEvent(over: Parameters<typeof eventInput>[1] = {}) {
  const r = await kit.call('resources.create', {
    name: 'Playground',
    kind: 'playground',
    deployment: 'playground',
    auth: { type: 'none' },
    enabled: true,
  });
  return kit.call('events.create', eventInput([r.id], over));
}

const post = (code: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${kit.localUrl}/join/${code}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('registration limits', () => {
  it('asks for the join password, and refuses a wrong one', async () => {
    kit = await startKit();
    const e = await playgroundEvent({ joinPassword: 'tulip-42' });
    const none = await post(e.code, { name: 'Ada' });
    expect(none.status).toBe(403);
    expect((await none.json()).error).toEqual({
      code: 'password_required',
      message: 'This event needs a join password. Ask the organizer for it.',
    });
    const wrong = await post(e.code, { password: 'tulip-41' });
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).error.code).toBe('wrong_password');
    const right = await post(e.code, { password: 'tulip-42' });
    expect(right.status).toBe(201);
    expect(kit.store.attendeesOf(e.id)).toHaveLength(1);
  });

  it('closes the door at capacity, with the number in the message', async () => {
    kit = await startKit();
    const e = await playgroundEvent({ capacity: 2 });
    const answers = await Promise.all([post(e.code, {}), post(e.code, {}), post(e.code, {})]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 201, 409]);
    const full = answers.find((r) => r.status === 409);
    expect((await full!.json()).error.message).toContain('full (2 attendees)');
    expect(kit.store.attendeesOf(e.id)).toHaveLength(2);
  });

  it('limits registrations per address, with Retry-After', async () => {
    kit = await startKit({ registrationLimit: { max: 3, windowMs: 60_000, exemptLoopback: false } });
    const e = await playgroundEvent();
    for (let i = 0; i < 3; i++) expect((await post(e.code, {})).status).toBe(201);
    const r = await post(e.code, {});
    expect(r.status).toBe(429);
    const wait = Number(r.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(50);
    expect(wait).toBeLessThanOrEqual(60);
    expect((await r.json()).error).toMatchObject({ code: 'too_many_requests' });
    expect(kit.store.attendeesOf(e.id)).toHaveLength(3);
  });

  it('behind a trusted reverse proxy, limits each attendee by their own address and hands out its scheme', async () => {
    const limit = { max: 2, windowMs: 60_000, exemptLoopback: false };
    kit = await startKit({ registrationLimit: limit, trustedProxies: ['127.0.0.1'] });
    const e = await playgroundEvent();
    const via = (client: string) => ({ 'x-forwarded-for': `${client}, 127.0.0.1`, 'x-forwarded-proto': 'https' });
    for (const client of ['10.0.0.5', '10.0.0.5', '10.0.0.6', '10.0.0.7']) {
      const r = await post(e.code, {}, via(client));
      expect(r.status).toBe(201);
      expect((await r.json()).endpoint).toMatch(/^https:\/\//);
    }
    expect((await post(e.code, {}, via('10.0.0.5'))).status).toBe(429);
    await kit.stop();

    // A kit that trusts no proxy believes no header: the room is one address.
    kit = await startKit({ registrationLimit: limit });
    const f = await playgroundEvent();
    expect((await post(f.code, {}, via('10.0.0.8'))).status).toBe(201);
    const plain = await post(f.code, {}, via('10.0.0.9'));
    expect((await plain.json()).endpoint).toMatch(/^http:\/\//);
    expect((await post(f.code, {}, via('10.0.0.10'))).status).toBe(429);
  });

  it('answers 410 after the end and 404 for an unknown code', async () => {
    kit = await startKit();
    const now = Date.now();
    const e = await playgroundEvent({
      startsAt: new Date(now - 3 * hour).toISOString(),
      endsAt: new Date(now - hour).toISOString(),
    });
    const ended = await post(e.code, {});
    expect(ended.status).toBe(410);
    expect((await ended.json()).error.code).toBe('registration_closed');
    expect((await post('no-such-code', {})).status).toBe(404);
  });
});

describe('one seat per device', () => {
  it('gives the same attendee a fresh key when the same browser registers again', async () => {
    kit = await startKit();
    const e = await playgroundEvent();
    const page = await fetch(`${kit.localUrl}/join/${e.code}`);
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^kit_device=[A-Za-z0-9_-]{32}$/);
    expect(page.headers.get('set-cookie')).toContain('HttpOnly');

    const first = await post(e.code, { name: 'Ada' }, { cookie });
    expect(first.status).toBe(201);
    const a = await first.json();
    const again = await post(e.code, {}, { cookie });
    expect(again.status).toBe(200);
    const b = await again.json();
    expect(b).toMatchObject({ created: false, name: 'Ada' });
    expect(b.apiKey).not.toBe(a.apiKey);
    expect(kit.store.attendeesOf(e.id)).toHaveLength(1);

    const chat = (key: string) =>
      fetch(`${kit.apiBase}/openai/deployments/playground/chat/completions?api-version=2024-10-21`, {
        method: 'POST',
        headers: { 'api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      });
    expect((await chat(a.apiKey)).status).toBe(401);
    expect((await chat(b.apiKey)).status).toBe(200);

    // Another browser (no cookie) is another attendee.
    expect((await post(e.code, {})).status).toBe(201);
    expect(kit.store.attendeesOf(e.id)).toHaveLength(2);
  });
});

describe('my usage today', () => {
  it('reads the counters of the key, and only with a key of this event', async () => {
    kit = await startKit();
    const e = await playgroundEvent({ dailyRequestCap: 50 });
    const other = await playgroundEvent({ code: 'other-event' });
    const me = (await kit.register(e.code)).body.apiKey as string;
    const stranger = (await kit.register(other.code)).body.apiKey as string;
    const attendee = kit.store.attendeesOf(e.id)[0]!;
    const day = dayIn(Date.now(), e.timeZone);
    // Counted the way the proxy counts: through the kit's ledger, today and on another day.
    const slot = kit.ledger.slot(e.id, attendee.id, 'playground', day);
    for (let i = 0; i < 7; i++) kit.ledger.countRequest(slot);
    kit.ledger.countTokens(slot, { promptTokens: 70, completionTokens: 30, totalTokens: 100 });
    kit.ledger.countError(slot);
    const longAgo = kit.ledger.slot(e.id, attendee.id, 'playground', '2001-01-01');
    for (let i = 0; i < 9; i++) kit.ledger.countRequest(longAgo);
    const usage = (key?: string) =>
      fetch(`${kit.localUrl}/join/${e.code}/usage`, { headers: key ? { 'api-key': key } : {} });
    const r = await usage(me);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      day,
      requests: 7,
      requestsLeft: 43,
      dailyRequestCap: 50,
      promptTokens: 70,
      completionTokens: 30,
      totalTokens: 100,
      revoked: false,
    });
    expect((await usage()).status).toBe(401);
    expect((await usage(stranger)).status).toBe(401);
    expect((await usage('apk-not-a-key')).status).toBe(401);
  });
});
