/**
 * Shared-code keys (`<event>@<shared code>/<email>`, as in the Azure AI
 * Proxy): the official AzureOpenAI client works with one straight away, each
 * person becomes one attendee (usage and revocation per person), a wrong code
 * or an event without a shared code is an unknown key, and the join page
 * builds and checks such a key.
 */
import { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSharedCodeKey } from '../../../../electron/core/registration/shared-code.js';
import { eventInput, startKit, type TestKit } from '../../../support/kit.js';

let kit: TestKit;
let code: string;
let eventId: string;
let plainCode: string;

beforeAll(async () => {
  kit = await startKit();
  const r = await kit.call('resources.create', {
    name: 'Playground',
    kind: 'playground',
    deployment: 'playground',
    auth: { type: 'none' },
    enabled: true,
  });
  const e = await kit.call('events.create', eventInput([r.id], { code: 'hack-lyon', sharedCode: 'tulip2026' }));
  code = e.code;
  eventId = e.id;
  plainCode = (await kit.call('events.create', eventInput([r.id], { code: 'no-shared' }))).code;
});
afterAll(async () => {
  await kit?.stop();
});

const chat = (apiKey: string) =>
  new AzureOpenAI({ endpoint: kit.apiBase, apiKey, apiVersion: '2024-10-21', maxRetries: 0 }).chat.completions.create({
    model: 'playground',
    messages: [{ role: 'user', content: 'hello' }],
  });

describe('shared-code keys', () => {
  it('parses the Azure AI Proxy form only', () => {
    expect(parseSharedCodeKey('hack-lyon@tulip2026/ada@example.com')).toEqual({
      event: 'hack-lyon',
      code: 'tulip2026',
      identity: 'ada@example.com',
    });
    expect(parseSharedCodeKey('apk-abcdef')).toBeUndefined();
    expect(parseSharedCodeKey('hack-lyon@tulip2026/')).toBeUndefined();
    expect(parseSharedCodeKey('hack-lyon@tulip2026/a b')).toBeUndefined();
  });

  it('lets the official client in with <event>@<code>/<email>, one attendee per person', async () => {
    const ada = `${code}@tulip2026/ada@example.com`;
    const r = await chat(ada);
    expect(r.choices[0]?.message.content?.length).toBeGreaterThan(0);
    await chat(ada);
    await chat(`${code.toUpperCase()}@tulip2026/bob@example.com`);
    const people = await kit.call('attendees.list', { eventId });
    expect(people.map((a) => a.name).sort()).toEqual(['ada@example.com', 'bob@example.com']);
    const adaRow = people.find((a) => a.name === 'ada@example.com');
    expect(adaRow?.requestsToday).toBe(2);
    expect(adaRow?.keyHint).not.toContain('tulip2026');
    expect(JSON.stringify(kit.store.attendees)).not.toContain('tulip2026');
  });

  it('refuses a wrong shared code, and an event without one', async () => {
    await expect(chat(`${code}@tulip2025/ada@example.com`)).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
    });
    await expect(chat(`${plainCode}@tulip2026/ada@example.com`)).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
    });
    expect(kit.store.attendeesOf(eventId)).toHaveLength(2);
  });

  it('revokes one person without touching the others', async () => {
    const eve = `${code}@tulip2026/eve@example.com`;
    await chat(eve);
    const row = (await kit.call('attendees.list', { eventId })).find((a) => a.name === 'eve@example.com');
    await kit.call('attendees.revoke', { attendeeId: row!.id });
    await expect(chat(eve)).rejects.toMatchObject({ status: 401, code: 'key_revoked' });
    expect((await chat(`${code}@tulip2026/ada@example.com`)).choices).toHaveLength(1);
  });

  it('answers "my usage" for a shared-code key, adding the person on first use', async () => {
    const r = await fetch(`${kit.localUrl}/join/${code}/usage`, {
      headers: { 'api-key': `${code}@tulip2026/zoe@example.com` },
    });
    expect(r.status).toBe(200);
    expect((await r.json()).requests).toBe(0);
    expect(kit.store.attendeesOf(eventId).some((a) => a.name === 'zoe@example.com')).toBe(true);
    const bad = await fetch(`${kit.localUrl}/join/${code}/usage`, {
      headers: { 'api-key': `${code}@wrong/zoe@example.com` },
    });
    expect(bad.status).toBe(401);
  });
});
