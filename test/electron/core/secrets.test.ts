/**
 * Secrets stay secret: the real kit runs as a child process; every secret the
 * test hands it (upstream keys, a bearer token, an Entra client secret,
 * attendee keys, wrong keys) is collected, traffic of every kind is pushed
 * through (successes, streams, refusals, upstream failures, admin errors),
 * and then none of them may appear in stdout/stderr, the traffic records,
 * any file of the data dir, an error body or an admin answer. The admin
 * token is printed once, in the console URL fragment, by design.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, json, startEmulator } from '../../support/emulator.js';
import { type KitProcess, startKitProcess } from '../../support/kit-process.js';

const ADMIN_TOKEN = 'admin-token-S3CRET-7f3a9c';
const UPSTREAM_KEY = 'upstream-key-S3CRET-a1b2c3d4e5';
const UPSTREAM_KEY_2 = 'upstream-key-S3CRET-rotated-99';
const BEARER = 'bearer-token-S3CRET-5e6f7a8b';
const ENTRA_SECRET = 'entra-client-S3CRET-0c1d2e3f';
const DEAD_KEY = 'dead-upstream-S3CRET-4a5b6c';
const WRONG_KEY = 'apk-wrong-S3CRET-key-presented-by-a-guesser';

let emu: Emulator;
let dataDir: string;
let kit: KitProcess;
/** Every secret the suite used; attendee keys are added as they are issued. */
const secrets = [UPSTREAM_KEY, UPSTREAM_KEY_2, BEARER, ENTRA_SECRET, DEAD_KEY, WRONG_KEY];
/** Every body the kit answered with, except the one-time key hand-outs (registration, issue). */
const answers: string[] = [];

async function admin(method: string, input: unknown = {}, token = ADMIN_TOKEN): Promise<unknown> {
  const r = await fetch(`${kit.adminUrl}/admin/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const text = await r.text();
  answers.push(text);
  return JSON.parse(text);
}

async function api(path: string, headers: Record<string, string>, body: unknown): Promise<number> {
  const r = await fetch(`${kit.apiBase}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  answers.push(await r.text());
  return r.status;
}

beforeAll(async () => {
  emu = await startEmulator({ chunkDelayMs: 0 });
  // An upstream that refuses and one that cuts the connection.
  emu.route('POST', /^\/refuse\//, (_r, res) => json(res, 401, { error: { code: '401', message: 'Access denied' } }));
  emu.route('POST', /^\/cut\//, (_r, res) => {
    res.socket?.destroy();
  });
  dataDir = await mkdtemp(join(tmpdir(), 'kit-secrets-'));
  kit = await startKitProcess(dataDir, ADMIN_TOKEN);
}, 60_000);
afterAll(async () => {
  await kit?.kill('SIGKILL');
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('secrets', () => {
  it('never leave the kit in logs, traffic, the store file, error bodies or admin answers', async () => {
    const now = Date.now();
    const mk = (input: Record<string, unknown>) =>
      admin('resources.create', { enabled: true, ...input }) as Promise<{ id: string; auth: Record<string, string> }>;
    const azure = await mk({
      name: 'azure',
      kind: 'azure-openai',
      endpoint: emu.url,
      deployment: 'gpt',
      auth: { type: 'api-key', key: UPSTREAM_KEY },
    });
    expect(azure.auth.key).not.toBe(UPSTREAM_KEY);
    const compat = await mk({
      name: 'compat',
      kind: 'openai-compatible',
      endpoint: `${emu.url}/v1`,
      deployment: 'llama',
      auth: { type: 'bearer', token: BEARER },
    });
    const entra = await mk({
      name: 'entra',
      kind: 'azure-openai',
      endpoint: 'https://unused.openai.azure.com',
      deployment: 'entra-gpt',
      auth: { type: 'entra', mode: 'service-principal', tenantId: 't', clientId: 'c', clientSecret: ENTRA_SECRET },
    });
    const dead = await mk({
      name: 'dead',
      kind: 'azure-openai',
      endpoint: 'http://127.0.0.1:1',
      deployment: 'dead',
      auth: { type: 'api-key', key: DEAD_KEY },
    });
    const refusing = await mk({
      name: 'refusing',
      kind: 'azure-openai',
      endpoint: `${emu.url}/refuse`,
      deployment: 'refusing',
      auth: { type: 'api-key', key: UPSTREAM_KEY },
    });
    const cutting = await mk({
      name: 'cutting',
      kind: 'azure-openai',
      endpoint: `${emu.url}/cut`,
      deployment: 'cutting',
      auth: { type: 'api-key', key: UPSTREAM_KEY },
    });
    // The masked value sent back keeps the stored secret; a new one replaces it.
    const list = (await admin('resources.list')) as Array<{ id: string; auth: Record<string, string> }>;
    const masked = list.find((r) => r.id === azure.id)?.auth;
    await admin('resources.update', { id: azure.id, auth: masked });
    await admin('resources.update', { id: refusing.id, auth: { type: 'api-key', key: UPSTREAM_KEY_2 } });
    await admin('resources.test', { id: dead.id });

    const event = (await admin('events.create', {
      name: 'Secret event',
      startsAt: new Date(now - 3600_000).toISOString(),
      endsAt: new Date(now + 3600_000).toISOString(),
      timeZone: 'UTC',
      dailyRequestCap: 0,
      maxTokenCap: 0,
      resourceIds: [azure.id, compat.id, entra.id, dead.id, refusing.id, cutting.id],
      enabled: true,
    })) as { id: string; code: string };
    const reg = await fetch(`${kit.url}/join/${event.code}`, { method: 'POST', body: '{"name":"Ada"}' });
    const key = ((await reg.json()) as { apiKey: string }).apiKey;
    const issued = await fetch(`${kit.adminUrl}/admin/api/attendees.issue`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ eventId: event.id, count: 2 }),
    });
    const cards = (await issued.json()) as Array<{ attendeeId: string; apiKey: string }>;
    secrets.push(key, ...cards.map((c) => c.apiKey));
    await admin('attendees.revoke', { attendeeId: cards[1]?.attendeeId });

    const chat = { messages: [{ role: 'user', content: 'hi' }] };
    const dep = (d: string) => `/openai/deployments/${d}/chat/completions?api-version=2024-10-21`;
    expect(await api(dep('gpt'), { 'api-key': key }, chat)).toBe(200);
    expect(await api(dep('gpt'), { authorization: `Bearer ${cards[0]?.apiKey}` }, { ...chat, stream: true })).toBe(200);
    expect(await api(dep('llama'), { 'api-key': key }, chat)).toBe(200);
    expect(await api('/openai/deployments/gpt/embeddings', { 'api-key': key }, { input: 'x' })).toBe(200);
    expect(await api(dep('gpt'), { 'api-key': WRONG_KEY }, chat)).toBe(401);
    expect(await api(dep('gpt'), { 'api-key': key, authorization: `Bearer ${WRONG_KEY}` }, chat)).toBe(401);
    expect(await api(dep('gpt'), { 'api-key': cards[1]?.apiKey ?? '' }, chat)).toBe(401);
    expect(await api(dep('dead'), { 'api-key': key }, chat)).toBe(502);
    expect(await api(dep('refusing'), { 'api-key': key }, chat)).toBe(401);
    expect([502, 504]).toContain(await api(dep('cutting'), { 'api-key': key }, chat));
    expect(await api(dep('nope'), { 'api-key': key }, chat)).toBe(404);
    await admin('kit.info', {}, WRONG_KEY);
    await admin('resources.list', {}, '');

    // The upstream saw the resource's credentials, so the check below is not vacuous.
    const sent = emu.received.map((r) => `${r.headers['api-key']} ${r.headers.authorization}`).join('\n');
    expect(sent).toContain(UPSTREAM_KEY);
    expect(sent).toContain(UPSTREAM_KEY_2);
    expect(sent).toContain(BEARER);

    const traffic = JSON.stringify(await admin('traffic.recent', { limit: 1000 }));
    expect(traffic).toContain('"status":502');
    await kit.kill('SIGTERM');

    const files: Record<string, string> = {};
    for (const f of await readdir(dataDir, { recursive: true, withFileTypes: true })) {
      if (f.isFile()) files[join(f.parentPath, f.name)] = await readFile(join(f.parentPath, f.name), 'latin1');
    }
    expect(Object.keys(files).some((f) => f.endsWith('store.json'))).toBe(true);
    const places: Record<string, string> = {
      stdout: kit.stdout(),
      stderr: kit.stderr(),
      traffic,
      answers: answers.join('\n'),
      ...files,
    };
    const leaks: string[] = [];
    for (const [where, text] of Object.entries(places))
      for (const s of secrets) if (text.includes(s)) leaks.push(`${s} in ${where}`);
    expect(leaks).toEqual([]);

    // The admin token appears exactly once: in the console URL's fragment.
    const withToken = kit
      .stdout()
      .split('\n')
      .filter((l) => l.includes(ADMIN_TOKEN));
    expect(withToken).toEqual([`  ${kit.adminUrl}/#token=${ADMIN_TOKEN}`]);
    for (const [where, text] of Object.entries(places))
      if (where !== 'stdout') expect(text.includes(ADMIN_TOKEN), `admin token in ${where}`).toBe(false);
  }, 60_000);
});
