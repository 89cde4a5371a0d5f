/**
 * Upstream auth: an Entra-protected emulator route reached through the kit
 * with a token from each credential type (the token source injected at the
 * one seam, no network), the right scope per service, tokens cached and
 * refreshed before expiry, and failures reported without secrets.
 */
import {
  AzureCliCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  credentialFor,
  credentialHeaders,
  IdentityTokenSource,
  scopeFor,
} from '../../../../../electron/core/proxy/upstream/credentials.js';
import type { EntraMode, Resource, ResourceKind } from '../../../../../shared/types.js';
import { chatCompletion, type Emulator, json, startEmulator } from '../../../../support/emulator.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';

const modes: EntraMode[] = ['default', 'azure-cli', 'service-principal', 'managed-identity', 'workload-identity'];
const SECRET = 'sp-secret-value-never-shown';

const entraResource = (mode: EntraMode, over: Partial<Resource> = {}): Resource => ({
  id: `res_${mode}`,
  name: `Entra ${mode}`,
  kind: 'azure-openai',
  endpoint: 'https://x.openai.azure.com',
  deployment: mode,
  auth: { type: 'entra', mode, tenantId: 'tenant-1', clientId: 'client-1', clientSecret: SECRET },
  enabled: true,
  createdAt: '2026-01-01T00:00:00Z',
  ...over,
});

/** Fake @azure/identity credentials: the token names the mode and scope it was issued for. */
function fakeIdentity(now: () => number, lifetimeMs = 3600_000) {
  const calls: Array<{ mode: string; scope: string }> = [];
  const make = (r: Resource): TokenCredential => {
    const mode = r.auth.type === 'entra' ? r.auth.mode : 'none';
    return {
      async getToken(scopes) {
        const scope = String(Array.isArray(scopes) ? scopes[0] : scopes);
        calls.push({ mode, scope });
        return { token: `tok:${mode}:${scope}:${calls.length}`, expiresOnTimestamp: now() + lifetimeMs };
      },
    };
  };
  return { calls, make };
}

describe('Entra ID through the kit', () => {
  let emu: Emulator;
  let kit: TestKit;
  const clock = { t: Date.now() };
  const identity = fakeIdentity(() => clock.t);

  beforeAll(async () => {
    emu = await startEmulator({ chunkDelayMs: 0 });
    // The protected route: only a bearer token issued for the Cognitive Services scope gets in.
    emu.route('POST', /^\/openai\/deployments\/[^/]+\/chat\/completions$/, (r, res) => {
      const auth = r.headers.authorization ?? '';
      const mode = r.path.split('/')[3];
      if (
        r.headers['api-key'] ||
        !auth.startsWith(`Bearer tok:${mode}:https://cognitiveservices.azure.com/.default:`)
      ) {
        json(res, 401, { error: { code: 'PermissionDenied', message: 'token required' } });
        return;
      }
      json(res, 200, chatCompletion(mode ?? '', `hello ${mode}`));
    });
    kit = await startKit({ tokens: new IdentityTokenSource(() => clock.t, identity.make) });
  });
  afterAll(async () => {
    await kit?.stop();
    await emu?.close();
  });

  it('reaches the protected route with a token from each credential type', async () => {
    const ids: string[] = [];
    for (const mode of modes) {
      const r = await kit.call('resources.create', {
        name: `Entra ${mode}`,
        kind: 'azure-openai',
        endpoint: emu.url,
        deployment: mode,
        auth:
          mode === 'service-principal'
            ? { type: 'entra', mode, tenantId: 't', clientId: 'c', clientSecret: SECRET }
            : { type: 'entra', mode },
        enabled: true,
      });
      ids.push(r.id);
    }
    const event = await kit.call('events.create', eventInput(ids));
    const apiKey = (await kit.register(event.code, { name: 'Ada' })).body.apiKey as string;
    const client = new AzureOpenAI({ endpoint: kit.apiBase, apiKey, apiVersion: '2024-10-21', maxRetries: 0 });
    for (const mode of modes) {
      const r = await client.chat.completions.create({ model: mode, messages: [{ role: 'user', content: 'hi' }] });
      expect(r.choices[0]?.message.content).toBe(`hello ${mode}`);
    }
    expect(identity.calls.map((c) => c.mode)).toEqual(modes);
    expect(new Set(identity.calls.map((c) => c.scope))).toEqual(
      new Set(['https://cognitiveservices.azure.com/.default']),
    );
    // The attendee's key never went upstream.
    expect(emu.received.some((r) => JSON.stringify(r.headers).includes(apiKey))).toBe(false);

    // Cached: more calls, no new sign-in.
    for (let i = 0; i < 3; i++)
      await client.chat.completions.create({ model: 'azure-cli', messages: [{ role: 'user', content: 'hi' }] });
    expect(identity.calls).toHaveLength(modes.length);
  });
});

describe('IdentityTokenSource', () => {
  it('caches per resource and scope, and refreshes before expiry with one request for concurrent callers', async () => {
    let now = 1_000_000;
    const identity = fakeIdentity(() => now);
    const source = new IdentityTokenSource(() => now, identity.make);
    const r = entraResource('azure-cli');
    const first = await source.getToken(r, 'scope-a');
    expect((await source.getToken(r, 'scope-a')).token).toBe(first.token);
    expect(identity.calls).toHaveLength(1);
    await source.getToken(r, 'scope-b'); // another service, another token
    expect(identity.calls).toHaveLength(2);

    now += 54 * 60_000; // six minutes before expiry: still served from the cache
    expect((await source.getToken(r, 'scope-a')).token).toBe(first.token);
    now += 2 * 60_000; // four minutes before expiry: refresh, once, for everyone asking
    const again = await Promise.all(Array.from({ length: 5 }, () => source.getToken(r, 'scope-a')));
    expect(new Set(again.map((t) => t.token)).size).toBe(1);
    expect(again[0]?.token).not.toBe(first.token);
    expect(identity.calls).toHaveLength(3);
  });

  it('keeps serving a still-valid token when a refresh fails, and retries the refresh', async () => {
    let now = 0;
    let failing = false;
    let issued = 0;
    const source = new IdentityTokenSource(
      () => now,
      () => ({
        async getToken() {
          if (failing) throw new Error('AADSTS50058: login service unreachable');
          issued += 1;
          return { token: `t${issued}`, expiresOnTimestamp: now + 3600_000 };
        },
      }),
    );
    const r = entraResource('azure-cli');
    expect((await source.getToken(r, 's')).token).toBe('t1');
    failing = true;
    now = 56 * 60_000; // inside the refresh margin, four minutes left
    expect((await source.getToken(r, 's')).token).toBe('t1');
    failing = false;
    now += 31_000; // the grace period is over: try again, and succeed
    expect((await source.getToken(r, 's')).token).toBe('t2');
    failing = true;
    now += 3600_000; // t2 expired and sign-in fails: now it is an error
    await expect(source.getToken(r, 's')).rejects.toMatchObject({ code: 'upstream_auth_failed' });
  });

  it('signs in afresh when the resource’s auth settings change', async () => {
    const identity = fakeIdentity(() => 0);
    const source = new IdentityTokenSource(() => 0, identity.make);
    await source.getToken(entraResource('azure-cli'), 's');
    await source.getToken(entraResource('azure-cli', { auth: { type: 'entra', mode: 'managed-identity' } }), 's');
    expect(identity.calls.map((c) => c.mode)).toEqual(['azure-cli', 'managed-identity']);
  });

  it('reports a failed sign-in as upstream_auth_failed, actionable and without the secret, and retries next time', async () => {
    let fail = true;
    const source = new IdentityTokenSource(Date.now, () => ({
      async getToken() {
        if (fail)
          throw Object.assign(new Error(`AADSTS7000215: Invalid client secret provided (${SECRET}).`), {
            name: 'AuthenticationError',
          });
        return { token: 'good', expiresOnTimestamp: Date.now() + 3600_000 };
      },
    }));
    const r = entraResource('service-principal');
    const err = (await source.getToken(r, 's').catch((e: unknown) => e)) as Error & { code: string };
    expect(err).toMatchObject({ code: 'upstream_auth_failed' });
    expect(err.message).toContain('AADSTS7000215');
    expect(err.message).not.toContain(SECRET);
    fail = false;
    expect((await source.getToken(r, 's')).token).toBe('good');
  });

  it('turns a credential that cannot even be built into the same report', async () => {
    // The real WorkloadIdentityCredential refuses to exist without a client id and token file.
    const source = new IdentityTokenSource();
    const r = entraResource('workload-identity', { auth: { type: 'entra', mode: 'workload-identity' } });
    await expect(source.getToken(r, 's')).rejects.toMatchObject({ code: 'upstream_auth_failed' });
  });
});

describe('credential mapping', () => {
  it('builds the @azure/identity credential each mode names', async () => {
    expect(await credentialFor(entraResource('default'))).toBeInstanceOf(DefaultAzureCredential);
    expect(await credentialFor(entraResource('azure-cli'))).toBeInstanceOf(AzureCliCredential);
    expect(await credentialFor(entraResource('service-principal'))).toBeInstanceOf(ClientSecretCredential);
    expect(await credentialFor(entraResource('managed-identity'))).toBeInstanceOf(ManagedIdentityCredential);
    const saved = process.env.AZURE_FEDERATED_TOKEN_FILE;
    process.env.AZURE_FEDERATED_TOKEN_FILE = '/var/run/secrets/azure/tokens/azure-identity-token';
    try {
      expect(await credentialFor(entraResource('workload-identity'))).toBeInstanceOf(WorkloadIdentityCredential);
    } finally {
      if (saved === undefined) delete process.env.AZURE_FEDERATED_TOKEN_FILE;
      else process.env.AZURE_FEDERATED_TOKEN_FILE = saved;
    }
    await expect(
      credentialFor(entraResource('service-principal', { auth: { type: 'entra', mode: 'service-principal' } })),
    ).rejects.toThrow(/tenantId, clientId and clientSecret/);
  });

  it('asks for the scope of the service behind each kind', async () => {
    const expected: Array<[ResourceKind, string]> = [
      ['azure-openai', 'https://cognitiveservices.azure.com/.default'],
      ['azure-inference', 'https://cognitiveservices.azure.com/.default'],
      ['azure-search', 'https://search.azure.com/.default'],
      ['foundry-agents', 'https://ai.azure.com/.default'],
    ];
    for (const [kind, scope] of expected) {
      expect(scopeFor(kind)).toBe(scope);
      const seen: string[] = [];
      const headers = await credentialHeaders(entraResource('default', { kind }), {
        getToken: async (_r, s) => {
          seen.push(s);
          return { token: 't', expiresOnTimestamp: 0 };
        },
      });
      expect(seen).toEqual([scope]);
      expect(headers).toEqual({ authorization: 'Bearer t' });
    }
  });

  it('sends api keys and static bearer tokens in the header each service reads', async () => {
    const none = { getToken: async () => ({ token: '', expiresOnTimestamp: 0 }) };
    const key = { type: 'api-key' as const, key: 'k' };
    expect(await credentialHeaders(entraResource('default', { auth: key }), none)).toEqual({ 'api-key': 'k' });
    expect(await credentialHeaders(entraResource('default', { kind: 'azure-search', auth: key }), none)).toEqual({
      'api-key': 'k',
    });
    expect(await credentialHeaders(entraResource('default', { kind: 'openai-compatible', auth: key }), none)).toEqual({
      authorization: 'Bearer k',
    });
    expect(await credentialHeaders(entraResource('default', { auth: { type: 'bearer', token: 'b' } }), none)).toEqual({
      authorization: 'Bearer b',
    });
    expect(await credentialHeaders(entraResource('default', { auth: { type: 'none' } }), none)).toEqual({});
  });
});

describe('a failing sign-in, as the organizer and the attendee see it', () => {
  it('answers 502 upstream_auth_failed, shows it in health and resources.test, never the secret, and does not count', async () => {
    const emu = await startEmulator({ chunkDelayMs: 0 });
    const kit = await startKit({
      tokens: new IdentityTokenSource(Date.now, () => ({
        async getToken() {
          throw Object.assign(new Error(`AADSTS7000215: Invalid client secret provided. (${SECRET})`), {
            name: 'AuthenticationError',
          });
        },
      })),
    });
    try {
      const r = await kit.call('resources.create', {
        name: 'Broken SP',
        kind: 'azure-openai',
        endpoint: emu.url,
        deployment: 'gpt',
        auth: { type: 'entra', mode: 'service-principal', tenantId: 't', clientId: 'c', clientSecret: SECRET },
        enabled: true,
      });
      const event = await kit.call('events.create', eventInput([r.id], { dailyRequestCap: 5 }));
      const apiKey = (await kit.register(event.code, { name: 'Ada' })).body.apiKey as string;
      const res = await fetch(`${kit.apiBase}/openai/deployments/gpt/chat/completions?api-version=2024-10-21`, {
        method: 'POST',
        headers: { 'api-key': apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      });
      const text = await res.text();
      expect(res.status).toBe(502);
      expect(JSON.parse(text).error.code).toBe('upstream_auth_failed');
      expect(text).toContain('Broken SP');
      expect(text).not.toContain(SECRET);
      expect(emu.received).toHaveLength(0);

      const [listed] = await kit.call('resources.list', {});
      expect(listed?.health?.state).toBe('failing');
      expect(listed?.health?.lastError).toContain('AADSTS7000215');
      const tested = await kit.call('resources.test', { id: r.id });
      expect(tested.ok).toBe(false);
      expect(tested.message).toContain('Entra ID');
      expect(JSON.stringify([listed, tested])).not.toContain(SECRET);
      // Nothing left the kit, so nothing counts toward the cap.
      expect((await kit.call('usage.report', { eventId: event.id })).attendees[0]?.requests ?? 0).toBe(0);
    } finally {
      await kit.stop();
      await emu.close();
    }
  });
});
