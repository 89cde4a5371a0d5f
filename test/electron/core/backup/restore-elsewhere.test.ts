/**
 * Moving a kit to another laptop: a backup made on one kit (through the
 * admin API, as the console makes it) restores on a second kit with a fresh
 * data dir and its own secret key. There the restored event's keys work,
 * ownership holds, usage is there, and the restored upstream key reaches an
 * emulator that checks it; the secret is sealed with the second kit's key on
 * disk. A wrong passphrase, a damaged file and a foreign file are refused
 * with the store file byte for byte as it was.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretBoxFromKey } from '../../../../electron/core/store/secret-box.js';
import { addAzureOpenAIResource } from '../../../support/azure-openai-resource.js';
import { type Emulator, startEmulator } from '../../../support/emulator.js';
import { eventInput, startKit, type TestKit } from '../../../support/kit.js';

const ACCOUNT_KEY = 'aoai-account-key-7f3e9c';
const PASS = 'seven blue giraffes at dawn';
const PREVIEW = '2025-04-01-preview';

let emu: Emulator;
let first: TestKit;
let second: TestKit;
let keys: { ada: string; bob: string };
let adaThread: string;
let backup: string;

/** What the tests read of an admin answer (an error, or the fields of the backup methods' outputs). */
interface Answer {
  status: number;
  body: { error: { code: string; message: string }; base64: string; secretsToEnter: string[]; previousStore: string };
}

async function admin(kit: TestKit, method: string, body: unknown): Promise<Answer> {
  const r = await fetch(`${kit.adminUrl}/admin/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${kit.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Answer['body'] };
}

const client = (kit: TestKit, key: string) =>
  new AzureOpenAI({ endpoint: kit.apiBase, apiKey: key, apiVersion: PREVIEW, maxRetries: 0 });

beforeAll(async () => {
  emu = await startEmulator({ apiKey: ACCOUNT_KEY });
  addAzureOpenAIResource(emu, ['gpt-4o-mini']);
  first = await startKit({ usageFlushMs: 60_000 });
  const resource = await first.call('resources.create', {
    name: 'Sweden Central',
    kind: 'azure-openai',
    endpoint: emu.url,
    deployment: 'gpt-4o-mini',
    auth: { type: 'api-key', key: ACCOUNT_KEY },
    enabled: true,
  });
  const event = await first.call('events.create', eventInput([resource.id], { name: 'Python workshop' }));
  keys = {
    ada: (await first.register(event.code, { name: 'Ada' })).body.apiKey as string,
    bob: (await first.register(event.code, { name: 'Bob' })).body.apiKey as string,
  };
  for (let i = 0; i < 3; i++)
    await client(first, keys.ada).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
  adaThread = (await client(first, keys.ada).beta.threads.create()).id;
  // Counts still in memory (the flush interval is a minute here) must be in the backup all the same.
  const made = await admin(first, 'backup.create', { passphrase: PASS });
  expect(made.status).toBe(200);
  backup = made.body.base64;
  second = await startKit();
});
afterAll(async () => {
  await first?.stop();
  await second?.stop();
  await emu?.close();
});

const storeBytes = (kit: TestKit) => readFile(join(kit.dataDir, 'store.json'));

describe('a backup restored on another kit', () => {
  it('holds no secret, key, name or event in the clear', () => {
    const text = Buffer.from(backup, 'base64').toString('utf8');
    for (const clear of [ACCOUNT_KEY, keys.ada, keys.bob, 'Ada', 'Python workshop', 'Sweden Central'])
      expect(text).not.toContain(clear);
  });

  it('is refused unchanged for a wrong passphrase, a damaged file and a foreign file', async () => {
    const before = await storeBytes(second);
    const bytes = Buffer.from(backup, 'base64');
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 200] = (flipped[flipped.length - 200] as number) ^ 0x04;
    const cases: Array<[Buffer, string, number, string]> = [
      [bytes, 'seven blue giraffes at dusk', 403, 'wrong_passphrase'],
      [bytes.subarray(0, bytes.length / 2), PASS, 400, 'backup_damaged'],
      [flipped, PASS, 400, 'backup_damaged'],
      [Buffer.from('{"events":[],"resources":[]}'), PASS, 400, 'not_a_backup'],
    ];
    for (const [file, passphrase, status, code] of cases) {
      for (const method of ['backup.inspect', 'backup.restore']) {
        const r = await admin(second, method, { file: file.toString('base64'), passphrase });
        expect({ method, status: r.status, code: r.body.error.code }).toEqual({ method, status, code });
        expect(r.body.error.message).toContain('Nothing was changed');
      }
    }
    expect((await storeBytes(second)).equals(before)).toBe(true);
    expect(second.store.events).toEqual([]);
  });

  it('shows what it holds without changing anything', async () => {
    const before = await storeBytes(second);
    const r = await admin(second, 'backup.inspect', { file: backup, passphrase: PASS });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      counts: { resources: 1, events: 1, attendees: 2, ownedObjects: 1 },
      events: [{ name: 'Python workshop', attendees: 2, requests: 4, totalTokens: 54 }],
      resources: [{ name: 'Sweden Central', kind: 'azure-openai', deployment: 'gpt-4o-mini' }],
    });
    expect((await storeBytes(second)).equals(before)).toBe(true);
  });

  it('replaces the store: keys, ownership, usage and the upstream secret all work there', async () => {
    const r = await admin(second, 'backup.restore', { file: backup, passphrase: PASS });
    expect(r.status).toBe(200);
    expect(r.body.secretsToEnter).toEqual([]);
    expect(r.body.previousStore).toMatch(/^snapshots[/\\]before-restore-/);
    expect((await stat(join(second.dataDir, r.body.previousStore))).isFile()).toBe(true);

    // Ada's key, and the account key carried by the backup, reach the emulator through the second kit.
    const mark = emu.received.length;
    const answer = await client(second, keys.ada).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'still there?' }],
    });
    expect(answer.choices[0]?.message.content).toBe('Hello from the emulator');
    expect(emu.received[mark]?.headers['api-key']).toBe(ACCOUNT_KEY);

    // Ada's thread is still hers: she reads it, Bob gets 404.
    expect((await client(second, keys.ada).beta.threads.retrieve(adaThread)).id).toBe(adaThread);
    await expect(client(second, keys.bob).beta.threads.retrieve(adaThread)).rejects.toMatchObject({ status: 404 });

    // The usage from the first kit (three chats and the thread's POST) is there, with the call just made on top.
    const [event] = second.store.events;
    const report = await second.call('reports.usage', { eventId: event?.id as string });
    const ada = report.attendees.find((a) => a.name === 'Ada');
    expect(ada).toMatchObject({ requests: 5, totalTokens: 72 });

    // On disk the secret is sealed with the second kit's key, which the first kit's key does not open.
    await second.ledger.flush();
    const text = (await storeBytes(second)).toString('utf8');
    expect(text).not.toContain(ACCOUNT_KEY);
    const sealed = JSON.parse(text).resources[0].auth.key as string;
    const keyOf = async (kit: TestKit) =>
      secretBoxFromKey(Buffer.from((await readFile(join(kit.dataDir, 'secret.key'), 'utf8')).trim(), 'base64'));
    expect((await keyOf(second)).open(sealed)).toBe(ACCOUNT_KEY);
    await expect((async () => (await keyOf(first)).open(sealed))()).rejects.toThrow();
  });

  it('keeps working after the second kit restarts on its data dir', async () => {
    const dataDir = second.dataDir;
    await second.close();
    second = await startKit({ dataDir });
    try {
      const list = await second.call('resources.list', {});
      expect(list[0]).toMatchObject({ name: 'Sweden Central' });
      expect(list[0]?.secretUnreadable).toBeFalsy();
      const answer = await client(second, keys.bob).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(answer.choices[0]?.message.content).toBe('Hello from the emulator');
    } finally {
      await second.close();
      await rm(dataDir, { recursive: true, force: true });
      second = undefined as unknown as TestKit;
    }
  });
});
