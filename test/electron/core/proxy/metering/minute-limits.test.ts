/**
 * Per-minute limits through the real kit with the official `openai` SDK:
 * requests, tokens and calls in flight per attendee answer `429
 * rate_limited` with `Retry-After`, `retry-after-ms` and the `x-ratelimit-*`
 * headers, every admitted answer carries the attendee's own headers (not the
 * shared resource's), and the SDK's own retry succeeds once the allowance is
 * back. Per-deployment daily caps and per-attendee overrides too.
 */
import { AzureOpenAI, RateLimitError } from 'openai';
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

/** The kit's clock stands still unless a test moves it, so buckets refill only when told. */
let clock = 0;

async function setup(over: Parameters<typeof eventInput>[1], deployments = ['gpt']) {
  emu = await startEmulator({ chunkDelayMs: 0 });
  clock = Date.now();
  kit = await startKit({ now: () => clock });
  const ids: string[] = [];
  for (const deployment of deployments) {
    const r = await kit.call('resources.create', {
      name: deployment,
      kind: 'azure-openai',
      endpoint: emu.url,
      deployment,
      auth: { type: 'api-key', key: 'upstream-key' },
      enabled: true,
    });
    ids.push(r.id);
  }
  const event = await kit.call('events.create', eventInput(ids, over));
  const register = async (name: string) => {
    const reg = await kit!.register(event.code, { name });
    return {
      apiKey: reg.body.apiKey as string,
      attendeeId: (await kit!.call('attendees.list', { eventId: event.id })).find((a) => a.name === name)!.id,
    };
  };
  return { event, register };
}

/** An SDK client whose every HTTP answer (status and headers) is kept, retries included. */
function sdk(apiKey: string, maxRetries = 0, onAnswer?: (r: Response) => void) {
  const answers: Response[] = [];
  const client = new AzureOpenAI({
    endpoint: kit!.apiBase,
    apiKey,
    apiVersion: '2024-10-21',
    maxRetries,
    fetch: async (url, init) => {
      const r = await fetch(url, init);
      answers.push(r);
      onAnswer?.(r);
      return r;
    },
  });
  return { client, answers };
}

const chat = (client: AzureOpenAI, model = 'gpt') =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

async function rateLimitError(p: Promise<unknown>): Promise<RateLimitError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RateLimitError);
  return e as RateLimitError;
}

describe('requests per minute', () => {
  it('answers 429 with the headers the SDKs read; the SDK retries by itself once the bucket refills', async () => {
    const { register } = await setup({ requestsPerMinute: 60 });
    const { apiKey } = await register('Ada');
    // Upstream's own rate headers describe the shared resource: the attendee sees theirs instead.
    emu!.override(
      () => true,
      (_r, res) => json(res, 200, chatCompletion('gpt', 'hi'), { 'x-ratelimit-remaining-requests': '999' }),
      60,
    );
    const { client, answers } = sdk(apiKey);
    for (let i = 0; i < 60; i++) await chat(client);
    expect(answers[0]?.headers.get('x-ratelimit-limit-requests')).toBe('60');
    expect(answers[0]?.headers.get('x-ratelimit-remaining-requests')).toBe('59');
    expect(answers[0]?.headers.get('x-ratelimit-reset-requests')).toBe('1s');
    expect(answers[59]?.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(answers[59]?.headers.get('x-ratelimit-reset-requests')).toBe('1m0s');

    const e = await rateLimitError(chat(client));
    expect(e.status).toBe(429);
    expect(e.code).toBe('rate_limited');
    expect(e.message).toContain('60 requests per minute');
    expect(e.headers.get('retry-after')).toBe('1');
    expect(e.headers.get('retry-after-ms')).toBe('1000');
    expect(e.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const upstreamCalls = emu!.received.length;

    // The SDK's own retry: it waits what retry-after-ms says (while it waits, a second passes on the kit's clock).
    const started = Date.now();
    const retrying = sdk(apiKey, 2, (r) => {
      if (r.status === 429) clock += Number(r.headers.get('retry-after-ms'));
    });
    const done = await chat(retrying.client);
    expect(done.choices[0]?.message.content).toBeTruthy();
    expect(retrying.answers.map((r) => r.status)).toEqual([429, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(emu!.received.length).toBe(upstreamCalls + 1); // refused calls never reached upstream
  });

  it('counts a refused call nowhere: not in the day, not in the minute', async () => {
    const { event, register } = await setup({ requestsPerMinute: 2, dailyRequestCap: 10 });
    const { apiKey } = await register('Ada');
    const { client } = sdk(apiKey);
    await chat(client);
    await chat(client);
    await rateLimitError(chat(client));
    await rateLimitError(chat(client));
    const [row] = (await kit!.call('usage.report', { eventId: event.id })).attendees;
    expect(row?.requests).toBe(2);
    clock += 30_000;
    await chat(client);
    await rateLimitError(chat(client));
  });
});

describe('tokens per minute', () => {
  it('books real usage after the answer; the next call waits for the refill and the SDK retry gets through', async () => {
    const { register } = await setup({ tokensPerMinute: 600 });
    const { apiKey } = await register('Ada');
    emu!.override(
      () => true,
      (_r, res) =>
        json(res, 200, {
          ...chatCompletion('gpt', 'a long answer'),
          usage: { prompt_tokens: 20, completion_tokens: 600, total_tokens: 620 },
        }),
    );
    const { client, answers } = sdk(apiKey);
    await chat(client);
    expect(answers[0]?.headers.get('x-ratelimit-limit-tokens')).toBe('600');
    expect(Number(answers[0]?.headers.get('x-ratelimit-remaining-tokens'))).toBeGreaterThan(550); // the estimate
    const e = await rateLimitError(chat(client));
    expect(e.code).toBe('rate_limited');
    expect(e.message).toContain('600 tokens per minute');
    expect(e.headers.get('x-ratelimit-remaining-tokens')).toBe('0');
    // 20 tokens of debt and the next prompt's estimate, at 10 tokens a second.
    const waitMs = Number(e.headers.get('retry-after-ms'));
    expect(waitMs).toBeGreaterThan(2000);
    expect(waitMs).toBeLessThan(10_000);

    const retrying = sdk(apiKey, 1, (r) => {
      if (r.status === 429) clock += Number(r.headers.get('retry-after-ms'));
    });
    await chat(retrying.client);
    expect(retrying.answers.map((r) => r.status)).toEqual([429, 200]);
  });
});

describe('calls in flight', () => {
  it('refuses a second concurrent call; the SDK retry succeeds once the first one is done', async () => {
    const { register } = await setup({ concurrentRequests: 1 });
    const { apiKey } = await register('Ada');
    emu!.override(
      () => true,
      async (_r, res) => {
        await new Promise((ok) => setTimeout(ok, 1500));
        json(res, 200, chatCompletion('gpt', 'slow'));
      },
    );
    const slow = chat(sdk(apiKey).client);
    await new Promise((ok) => setTimeout(ok, 200)); // the slow call is in flight
    const second = sdk(apiKey, 4);
    const [a, b] = await Promise.all([slow, chat(second.client)]);
    expect(a.choices[0]?.message.content).toBe('slow');
    expect(b.choices[0]?.message.content).toBeTruthy();
    const statuses = second.answers.map((r) => r.status);
    expect(statuses[0]).toBe(429);
    expect(statuses.at(-1)).toBe(200);
    expect(second.answers[0]?.headers.get('retry-after')).toBe('1');
  });
});

describe('per-attendee overrides and per-deployment daily caps', () => {
  it('an override replaces the event limit (0 = none), null goes back to it', async () => {
    const { event, register } = await setup({ requestsPerMinute: 1, dailyRequestCap: 100 });
    const speaker = await register('Speaker');
    const team = await register('Team');
    const view = await kit!.call('attendees.update', {
      attendeeId: speaker.attendeeId,
      limits: { requestsPerMinute: 0, dailyRequestCap: 3 },
    });
    expect(view.limits).toEqual({ requestsPerMinute: 0, dailyRequestCap: 3 });
    const s = sdk(speaker.apiKey).client;
    await chat(s);
    await chat(s);
    await chat(s); // no per-minute limit for the speaker
    const capped = await chat(s).catch((e: unknown) => e as RateLimitError);
    expect((capped as RateLimitError).code).toBe('daily_cap_reached'); // their own cap of 3
    expect((capped as RateLimitError).headers.get('x-should-retry')).toBe('false');

    const t = sdk(team.apiKey).client;
    await chat(t);
    await rateLimitError(chat(t)); // the event's 1 per minute
    await kit!.call('attendees.update', { attendeeId: team.attendeeId, limits: { requestsPerMinute: 5 } });
    await chat(t);

    const cleared = await kit!.call('attendees.update', {
      attendeeId: speaker.attendeeId,
      limits: { requestsPerMinute: null, dailyRequestCap: null },
    });
    expect(cleared.limits).toBeUndefined();
    clock += 60_000;
    await chat(s); // the event's cap of 100 holds for them again, and its 1 a minute
    await rateLimitError(chat(s));
    const listed = await kit!.call('attendees.list', { eventId: event.id });
    expect(listed.find((a) => a.id === team.attendeeId)?.limits).toEqual({ requestsPerMinute: 5 });
  });

  it('an unknown attendee is a 404, a bad value a 400', async () => {
    await setup({});
    await expect(kit!.call('attendees.update', { attendeeId: 'att_nope', limits: {} })).rejects.toMatchObject({
      code: 'not_found',
    });
    const res = await fetch(`${kit!.adminUrl}/admin/api/attendees.update`, {
      method: 'POST',
      headers: { authorization: `Bearer ${kit!.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ attendeeId: 'x', limits: { requestsPerMinute: -1 } }),
    });
    expect(res.status).toBe(400);
  });

  it('a deployment with a daily cap of its own refuses past it while the others still answer', async () => {
    const { register } = await setup({ deploymentDailyCaps: { images: 2 } }, ['gpt', 'images']);
    const { apiKey } = await register('Ada');
    const { client } = sdk(apiKey);
    await chat(client, 'images');
    await chat(client, 'images');
    const e = await rateLimitError(chat(client, 'images'));
    expect(e.code).toBe('daily_cap_reached');
    expect(e.message).toContain('2 requests to "images"');
    await chat(client, 'gpt');
  });
});
