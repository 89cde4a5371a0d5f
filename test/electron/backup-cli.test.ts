/**
 * `ai-proxy-kit backup` and `restore` as an organizer runs them: real
 * processes beside a real headless kit. A backup is made while the kit runs;
 * a restore is refused while it runs (the data dir's lock), and after a
 * kill -9 the stale lock is seen for what it is; a restore into a fresh data
 * dir gives a kit that serves the event. Every refusal is one line and a
 * non-zero status, with the store file unchanged.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../electron/core/data-dir-lock.js';
import type { EventView, ResourceView } from '../../shared/contract.js';
import { eventInput, startKit } from '../support/kit.js';
import { type KitProcess, runCli, startKitProcess } from '../support/kit-process.js';

const PASS = 'a long walk on the quay';
const SECRET = 'upstream-secret-5150';
const env = { KIT_BACKUP_PASSPHRASE: PASS };

let root: string;
let dirA: string;
let kitA: KitProcess;
let file: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kit-backup-cli-'));
  dirA = join(root, 'a');
  file = join(root, 'workshop.aipkbackup');
  kitA = await startKitProcess(dirA, 'token-a');
  const r = await kitA.admin<ResourceView>('resources.create', {
    name: 'Upstream',
    kind: 'openai-compatible',
    endpoint: 'http://127.0.0.1:9/v1',
    deployment: 'gpt-4o-mini',
    auth: { type: 'api-key', key: SECRET },
    enabled: true,
  });
  const e = await kitA.admin<EventView>('events.create', eventInput([r.id], { name: 'Friday lab' }));
  const join_ = await fetch(`${kitA.url}/join/${e.code}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Grace' }),
  });
  expect(join_.status).toBe(201);
}, 60_000);
afterAll(async () => {
  await kitA?.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

const storeOf = (dir: string) => readFile(join(dir, 'store.json'));

describe('ai-proxy-kit backup / restore', () => {
  it('backs up the data dir of a running kit, secrets sealed, the file private', async () => {
    const r = await runCli(['backup', file, '--data-dir', dirA], env);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('1 event(s), 1 attendee(s), 1 resource(s)');
    expect(r.stdout).toContain('Friday lab');
    expect(r.stdout).toMatch(/a kit \(process \d+\) is running on this data dir/);
    expect(r.stdout).not.toContain(PASS);
    const text = await readFile(file, 'utf8');
    for (const clear of [SECRET, 'Grace', 'Friday lab', PASS]) expect(text).not.toContain(clear);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses without a passphrase, or with a short one', async () => {
    const none = await runCli(['backup', join(root, 'x.aipkbackup'), '--data-dir', dirA]);
    expect(none.code).toBe(1);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toContain('KIT_BACKUP_PASSPHRASE');
    const short = await runCli(['backup', join(root, 'x.aipkbackup'), '--data-dir', dirA], {
      KIT_BACKUP_PASSPHRASE: 'short',
    });
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 10 characters');
  });

  it('refuses to restore while a kit holds the data dir, and a second kit refuses to share it', async () => {
    const before = await storeOf(dirA);
    const r = await runCli(['restore', file, '--data-dir', dirA], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/restore refused: a kit \(process \d+\) is running on .*stop it first/);
    expect((await storeOf(dirA)).equals(before)).toBe(true);
    await expect(startKit({ dataDir: dirA })).rejects.toMatchObject({ code: 'data_dir_in_use' });
  });

  it('refuses a wrong passphrase, a damaged file and a foreign file, changing nothing', async () => {
    const dir = join(root, 'untouched');
    const seeded = await runCli(['restore', file, '--data-dir', dir], env);
    expect(seeded.code).toBe(0);
    const before = await storeOf(dir);
    const bytes = await readFile(file);
    const damaged = join(root, 'damaged.aipkbackup');
    await writeFile(damaged, bytes.subarray(0, bytes.length - 100));
    const foreign = join(root, 'notes.txt');
    await writeFile(foreign, 'not a backup at all\n');
    for (const [f, pass, words] of [
      [file, 'a long walk on the pier', /passphrase does not open this backup/],
      [damaged, PASS, /damaged/],
      [foreign, PASS, /not an AI Proxy Kit backup/],
    ] as const) {
      const r = await runCli(['restore', f, '--data-dir', dir], { KIT_BACKUP_PASSPHRASE: pass });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(words);
    }
    expect((await storeOf(dir)).equals(before)).toBe(true);
  });

  it('restores over a data dir whose kit was killed (a stale lock), and into a fresh one that then serves', async () => {
    await kitA.kill('SIGKILL');
    expect((await stat(join(dirA, LOCK_FILE))).isFile()).toBe(true);
    const over = await runCli(['restore', file, '--data-dir', dirA], env);
    expect(over.code).toBe(0);
    expect(over.stdout).toMatch(/kept as snapshots[/\\]before-restore-/);

    const dirB = join(root, 'b');
    const fresh = await runCli(['restore', file, '--data-dir', dirB], env);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain('Friday lab');
    await expect(stat(join(dirB, LOCK_FILE))).rejects.toThrow();
    const kitB = await startKitProcess(dirB, 'token-b');
    try {
      const events = await kitB.admin<EventView[]>('events.list');
      expect(events.map((e) => [e.name, e.attendeeCount])).toEqual([['Friday lab', 1]]);
      const resources = await kitB.admin<ResourceView[]>('resources.list');
      expect(resources[0]?.secretUnreadable).toBeFalsy();
      expect(await readFile(join(dirB, 'store.json'), 'utf8')).not.toContain(SECRET);
    } finally {
      await kitB.kill();
    }
  });
});
