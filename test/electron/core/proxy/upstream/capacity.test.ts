/**
 * A resource's limit of calls in flight through the real kit: upstream never
 * sees more than the limit at once, a light attendee's call is served before
 * a heavy attendee's backlog, a wait past the bound is `429 rate_limited`
 * (not counted, never sent), a call whose client leaves while queued leaves
 * the queue, and an upstream 429 still rests the resource.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chatCompletion, type Emulator, json, startEmulator } from '../../../../support/emulator.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';

let emu: Emulator | undefined;
let kit: TestKit | undefined;

afterEach(async () => {
  await kit?.stop();
  await emu?.close();
  kit = undefined;
  emu = undefined;
});

/** An emulator whose chat answers take `ms`, counting the calls it holds at once. */
async function slowUpstream(ms: number) {
  emu = await startEmulator();
  const seen = { now: 0, most: 0, order: [] as string[] };
  emu.override(
    () => true,
    async (r, res) => {
      seen.now += 1;
      seen.most = Math.max(seen.most, seen.now);
      await new Promise((ok) => setTimeout(ok, ms));
      seen.now -= 1;
      seen.order.push(String((r.json as { user?: string }).user));
      json(res, 200, chatCompletion('gpt', 'ok'));
    },
    1000,
  );
  return seen;
}

async function setup(maxInFlight: number, opts: Parameters<typeof startKit>[0] = {}) {
  kit = await startKit(opts);
  const resource = await kit.call('resources.create', {
    name: 'Shared quota',
    kind: 'azure-openai',
    endpoint: emu!.url,
    deployment: 'gpt',
    auth: { type: 'api-key', key: 'upstream-key' },
    maxInFlight,
    enabled: true,
  });
  const event = await kit.call('events.create', eventInput([resource.id]));
  const keys: Record<string, string> = {};
  for (const name of ['heavy', 'light']) keys[name] = (await kit.register(event.code, { name })).body.apiKey as string;
  return { resource, event, keys };
}

function call(apiKey: string, user: string, signal?: AbortSignal) {
  return fetch(`${kit!.apiBase}/openai/deployments/gpt/chat/completions?api-version=2024-10-21`, {
    method: 'POST',
    headers: { 'api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], user }),
    ...(signal ? { signal } : {}),
  });
}

describe('a resource with a limit of calls in flight', () => {
  it('never sends more than the limit at once, and serves a light attendee before a heavy backlog', async () => {
    const seen = await slowUpstream(150);
    const { keys } = await setup(2);
    const heavy = Array.from({ length: 10 }, (_, i) => call(keys.heavy as string, `heavy${i}`));
    await new Promise((ok) => setTimeout(ok, 50)); // the heavy backlog is queued first
    const light = call(keys.light as string, 'light');
    // The organizer's resource list shows the limit at work: the places taken and the calls waiting.
    await expect
      .poll(
        async () => {
          const load = (await kit!.call('resources.list', {}))[0]?.load;
          return load?.inFlight === 2 ? load.queued : 0;
        },
        { timeout: 5000, interval: 20 },
      )
      .toBeGreaterThan(0);
    const answers = await Promise.all([...heavy, light]);
    expect((await kit!.call('resources.list', {}))[0]?.load).toEqual({ inFlight: 0, queued: 0 });
    expect(answers.map((r) => r.status)).toEqual(Array(11).fill(200));
    expect(seen.most).toBe(2);
    // Two heavy calls were in flight; the next place went to the heavy line, the one after to the light call
    // (one turn), not after the eight heavy calls queued before it.
    expect(seen.order.indexOf('light')).toBeLessThanOrEqual(4);
  });

  it('refuses a call that waited too long with 429 rate_limited, uncounted and never sent', async () => {
    await slowUpstream(1500);
    const { keys, event } = await setup(1, { routing: { capacity: { maxWaitMs: 200 } } });
    const first = call(keys.heavy as string, 'first');
    await new Promise((ok) => setTimeout(ok, 100));
    const second = await call(keys.light as string, 'second');
    expect(second.status).toBe(429);
    const body = (await second.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toMatch(/"gpt" is busy: the organizer lets 1 calls at a time reach it/);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(second.headers.get('retry-after-ms')).toBeTruthy();
    expect((await first).status).toBe(200);
    expect(emu!.received.map((r) => (r.json as { user?: string }).user)).toEqual(['first']);
    const report = await kit!.call('usage.report', { eventId: event.id });
    expect(report.attendees.find((a) => a.name === 'light')?.requests ?? 0).toBe(0);
  });

  it('lets a queued call whose client went away leave the queue', async () => {
    await slowUpstream(600);
    const { keys, resource } = await setup(1);
    const first = call(keys.heavy as string, 'first');
    await new Promise((ok) => setTimeout(ok, 100));
    const ac = new AbortController();
    const gone = call(keys.light as string, 'gone', ac.signal).catch(() => 'aborted');
    await new Promise((ok) => setTimeout(ok, 100));
    expect(kit!.upstream.capacity.view(resource.id)).toEqual({ inFlight: 1, queued: 1 });
    ac.abort();
    expect(await gone).toBe('aborted');
    await new Promise((ok) => setTimeout(ok, 50));
    expect(kit!.upstream.capacity.view(resource.id)).toEqual({ inFlight: 1, queued: 0 });
    expect((await first).status).toBe(200);
    expect(emu!.received.map((r) => (r.json as { user?: string }).user)).toEqual(['first']);
  });

  it('still rests the resource after an upstream 429', async () => {
    emu = await startEmulator();
    emu.override(
      () => true,
      (_r, res) => json(res, 429, { error: { code: '429', message: 'slow down' } }, { 'retry-after': '30' }),
    );
    const { keys, resource } = await setup(4);
    expect((await call(keys.heavy as string, 'x')).status).toBe(429);
    const [view] = (await kit!.call('resources.list', {})).filter((r) => r.id === resource.id);
    expect(view?.health?.state).toBe('cooling-down');
    expect(view?.maxInFlight).toBe(4);
    const cleared = await kit!.call('resources.update', { id: resource.id, maxInFlight: null });
    expect(cleared.maxInFlight).toBeUndefined();
  });
});
