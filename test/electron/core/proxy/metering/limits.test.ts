/**
 * The event's limits through the real kit: the daily request cap (which
 * requests count, Retry-After to the venue's midnight across both DST
 * changes), the max-token cap (refused above it, applied upstream when the
 * request sets none) and the daily token budget.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, json, startEmulator } from '../../../../support/emulator.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';

let emu: Emulator;
let kit: TestKit | undefined;
let clock = 0;

beforeEach(async () => {
  emu = await startEmulator({ chunkDelayMs: 0 });
});
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
  await emu.close();
});

async function setup(over: Parameters<typeof eventInput>[1], at?: number) {
  if (at !== undefined) clock = at;
  kit = await startKit(at === undefined ? {} : { now: () => clock });
  const resource = await kit.call('resources.create', {
    name: 'Emulated',
    kind: 'azure-openai',
    endpoint: emu.url,
    deployment: 'gpt',
    auth: { type: 'api-key', key: 'upstream-key' },
    enabled: true,
  });
  const event = await kit.call('events.create', eventInput([resource.id], over));
  const reg = await kit.register(event.code, { name: 'Ada' });
  expect(reg.status).toBe(201);
  return { event, resource, apiKey: reg.body.apiKey as string };
}

async function post(apiKey: string, payload: unknown, path = '/openai/deployments/gpt/chat/completions') {
  const r = await fetch(`${kit?.apiBase}${path}?api-version=2024-10-21`, {
    method: 'POST',
    headers: { 'api-key': apiKey, 'content-type': 'application/json' },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  const text = await r.text();
  const body = (text ? JSON.parse(text) : {}) as { error: { code: string; message: string } };
  return { status: r.status, headers: r.headers, text, body };
}

const hello = { messages: [{ role: 'user', content: 'hi' }] };
const chatCalls = () => emu.received.filter((r) => r.path.endsWith('/chat/completions')).length;

describe('daily request cap', () => {
  it('counts forwarded POSTs incl. upstream errors, not refused requests, and answers 429 with Retry-After', async () => {
    const { apiKey, event } = await setup({ dailyRequestCap: 3 });
    expect((await post(apiKey, hello)).status).toBe(200);
    emu.override(
      () => true,
      (_r, res) => json(res, 400, { error: { code: 'content_filter', message: 'no' } }),
    );
    expect((await post(apiKey, hello)).status).toBe(400); // an upstream error still counts
    // Refused by the kit itself: none of these count.
    expect((await post(apiKey, '{not json')).status).toBe(400);
    expect((await post(apiKey, hello, '/openai/deployments/nope/chat/completions')).status).toBe(404);
    const noKey = await fetch(`${kit?.apiBase}/openai/deployments/gpt/chat/completions`, {
      method: 'POST',
      body: '{}',
    });
    expect(noKey.status).toBe(401);
    expect((await post(apiKey, hello)).status).toBe(200);

    const refused = await post(apiKey, hello);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('daily_cap_reached');
    expect(refused.body.error.message).toContain('3 requests');
    expect(refused.body.error.message).toMatch(/resets at .*Europe\/Paris/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(25 * 3600);
    expect(chatCalls()).toBe(3); // the refused call never reached upstream

    const report = await kit!.call('usage.report', { eventId: event.id });
    expect(report.attendees[0]).toMatchObject({ requests: 3, errors: 1 });
    const [attendee] = await kit!.call('attendees.list', { eventId: event.id });
    expect(attendee?.requestsToday).toBe(3);
  });

  it('lets only the cap through when calls arrive together', async () => {
    const { apiKey } = await setup({ dailyRequestCap: 4 });
    const results = await Promise.all(Array.from({ length: 10 }, () => post(apiKey, hello)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(4);
    expect(results.filter((r) => r.status === 429)).toHaveLength(6);
    expect(chatCalls()).toBe(4);
  });

  it('resets at midnight in the event zone, on the 23-hour spring-forward day', async () => {
    // Paris springs forward on 2026-03-29 at 02:00 local (01:00 UTC): that day lasts 23 hours.
    const { apiKey } = await setup(
      { dailyRequestCap: 1, startsAt: '2026-03-27T00:00:00Z', endsAt: '2026-04-02T00:00:00Z' },
      Date.parse('2026-03-28T22:30:00Z'), // 23:30 in Paris (UTC+1)
    );
    expect((await post(apiKey, hello)).status).toBe(200);
    const before = await post(apiKey, hello);
    expect(before.status).toBe(429);
    expect(before.headers.get('retry-after')).toBe('1800'); // midnight is 23:00 UTC
    expect(before.body.error.message).toContain('2026-03-28T23:00:00.000Z');

    clock = Date.parse('2026-03-28T23:00:00Z'); // local midnight: a new day, a new allowance
    expect((await post(apiKey, hello)).status).toBe(200);
    const next = await post(apiKey, hello);
    expect(next.status).toBe(429);
    // The next midnight is 2026-03-29T22:00Z (UTC+2 by then): 23 hours, not 24.
    expect(next.headers.get('retry-after')).toBe(String(23 * 3600));
    expect(next.body.error.message).toContain('2026-03-29T22:00:00.000Z');
  });

  it('resets at midnight in the event zone, on the 25-hour fall-back day', async () => {
    // Paris falls back on 2026-10-25 at 03:00 local (01:00 UTC): that day lasts 25 hours.
    const { apiKey, event } = await setup(
      { dailyRequestCap: 1, startsAt: '2026-10-23T00:00:00Z', endsAt: '2026-10-28T00:00:00Z' },
      Date.parse('2026-10-24T22:00:00Z'), // 00:00 on the 25th in Paris (UTC+2)
    );
    expect((await post(apiKey, hello)).status).toBe(200);
    clock = Date.parse('2026-10-25T22:59:59Z'); // 23:59:59 local (UTC+1 by now): still the same day
    const late = await post(apiKey, hello);
    expect(late.status).toBe(429);
    expect(late.headers.get('retry-after')).toBe('1');
    expect((await kit!.call('usage.report', { eventId: event.id, day: '2026-10-25' })).attendees[0]?.requests).toBe(1);
    clock = Date.parse('2026-10-25T23:00:00Z');
    expect((await post(apiKey, hello)).status).toBe(200);
    expect((await kit!.call('usage.report', { eventId: event.id })).day).toBe('2026-10-26');
  });
});

describe('max tokens cap', () => {
  it('refuses any output-token field above the cap, before counting or forwarding', async () => {
    const { apiKey, event } = await setup({ maxTokenCap: 100, dailyRequestCap: 10 });
    for (const field of ['max_tokens', 'max_completion_tokens', 'max_output_tokens']) {
      const r = await post(apiKey, { ...hello, [field]: 101 });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('max_tokens_exceeded');
      expect(r.body.error.message).toContain(field);
      expect(r.body.error.message).toContain('100');
    }
    const odd = await post(apiKey, { ...hello, max_tokens: '50' });
    expect(odd.status).toBe(400);
    expect(odd.body.error.code).toBe('invalid_request');
    expect(chatCalls()).toBe(0);
    expect((await kit!.call('usage.report', { eventId: event.id })).attendees).toHaveLength(0);
  });

  it('forwards a request within the cap as the client sent it, byte for byte', async () => {
    const { apiKey } = await setup({ maxTokenCap: 100 });
    const raw = '{"messages":[{"role":"user","content":"hi"}],  "max_completion_tokens": 100}';
    expect((await post(apiKey, raw)).status).toBe(200);
    expect(emu.received.at(-1)?.body.toString()).toBe(raw);
  });

  it('applies the cap upstream when the request sets no limit, in the field the api-version takes', async () => {
    const { apiKey } = await setup({ maxTokenCap: 64 });
    expect((await post(apiKey, hello)).status).toBe(200);
    expect(emu.received.at(-1)?.json).toEqual({ ...hello, max_completion_tokens: 64 });
  });

  it('leaves requests alone when the event sets no cap', async () => {
    const { apiKey } = await setup({ maxTokenCap: 0 });
    expect((await post(apiKey, { ...hello, max_tokens: 100_000 })).status).toBe(200);
    expect(emu.received.at(-1)?.json).toEqual({ ...hello, max_tokens: 100_000 });
  });
});

describe('daily token budget', () => {
  it('answers 429 token_budget_reached once the day’s tokens reach the budget', async () => {
    const { apiKey } = await setup({ dailyTokenBudget: 30 });
    expect((await post(apiKey, hello)).status).toBe(200); // 18 tokens
    expect((await post(apiKey, hello)).status).toBe(200); // 36 tokens: over, but it was under when it started
    const r = await post(apiKey, hello);
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('token_budget_reached');
    expect(r.body.error.message).toContain('30 tokens');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(chatCalls()).toBe(2);
  });
});

describe('limits reach every family without per-route code', () => {
  it('caps OpenAI v1 chat and asks its streams for usage; caps AI inference chat without stream_options', async () => {
    emu.route('POST', /^\/models\/chat\/completions$/, (r, res) => {
      const body = r.json as { stream?: boolean };
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(
          `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'hi there' } }] })}\n\ndata: [DONE]\n\n`,
        );
      } else json(res, 200, { choices: [{ index: 0, message: { role: 'assistant', content: 'ok' } }] });
    });
    kit = await startKit();
    const compat = await kit.call('resources.create', {
      name: 'Local',
      kind: 'openai-compatible',
      endpoint: `${emu.url}/v1`,
      deployment: 'llama',
      auth: { type: 'none' },
      enabled: true,
    });
    const inference = await kit.call('resources.create', {
      name: 'Inference',
      kind: 'azure-inference',
      endpoint: `${emu.url}/models`,
      deployment: 'phi',
      auth: { type: 'api-key', key: 'k' },
      enabled: true,
    });
    const event = await kit.call(
      'events.create',
      eventInput([compat.id, inference.id], { maxTokenCap: 42, dailyRequestCap: 3 }),
    );
    const apiKey = (await kit.register(event.code, { name: 'Ada' })).body.apiKey as string;
    const send = (path: string, body: unknown) =>
      fetch(`${kit?.apiBase}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, text: await r.text() }));

    expect((await send('/openai/v1/chat/completions', { model: 'llama', ...hello, stream: true })).status).toBe(200);
    expect(emu.received.at(-1)?.json).toMatchObject({ max_tokens: 42, stream_options: { include_usage: true } });

    const streamed = await send('/models/chat/completions', { model: 'phi', ...hello, stream: true });
    expect(streamed.status).toBe(200);
    expect(emu.received.at(-1)?.path).toBe('/models/chat/completions');
    expect(emu.received.at(-1)?.json).toMatchObject({ max_tokens: 42 });
    expect((emu.received.at(-1)?.json as { stream_options?: unknown } | undefined)?.stream_options).toBeUndefined();

    expect((await send('/models/chat/completions', { model: 'phi', ...hello, max_tokens: 43 })).status).toBe(400);
    expect((await send('/openai/v1/chat/completions', { model: 'llama', ...hello })).status).toBe(200);
    // Three counted (the refused one is not): the cap is shared across families.
    const capped = await send('/models/chat/completions', { model: 'phi', ...hello });
    expect(capped.status).toBe(429);
    expect(JSON.parse(capped.text).error.code).toBe('daily_cap_reached');
    let report = await kit.call('usage.report', { eventId: event.id });
    expect(Object.fromEntries(report.deployments.map((d) => [d.deployment, d.requests]))).toEqual({ llama: 2, phi: 1 });
    // The inference stream reported no usage: the tokenizer counted it, once its tables had loaded
    // (on first use, after the answer went out), so the count may land a moment later.
    const phiTokens = () => report.deployments.find((d) => d.deployment === 'phi')?.completionTokens ?? 0;
    for (let i = 0; i < 100 && phiTokens() === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      report = await kit.call('usage.report', { eventId: event.id });
    }
    expect(phiTokens()).toBeGreaterThan(0);
  });
});
