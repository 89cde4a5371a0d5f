/**
 * A real full disk: the kit's data dir on a 200 KB tmpfs, then a burst of 400
 * registrations. Every registration is either acknowledged (201) and still
 * there after a restart, with a key that works, or refused with 503
 * `store_unavailable` and a message that says the disk is full; the store
 * file parses after every answer; proxied calls of registered attendees go
 * on while the disk is full; the kit restarts on the same data dir. Also a
 * data dir on a read-only mount: the kit starts, says why it cannot save,
 * serves the attendees it has and refuses registrations with 503.
 *
 * Mounting needs root (CI and sessions run as root); elsewhere the test is
 * skipped, saying why. The mount is always undone.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeStorageSecretBox } from '../../../../electron/core/store/safe-storage-box.js';
import { eventInput, startKit, type TestKit } from '../../../support/kit.js';

function tryMount(dir: string, size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    return `cannot mount a tmpfs here (${(e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message})`;
  }
}

const unmount = (dir: string) => {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  } catch {
    // not mounted
  }
};

let mountDir: string;
let refused: string | undefined;
beforeAll(async () => {
  mountDir = await mkdtemp(join(tmpdir(), 'kit-full-disk-'));
  refused = process.platform === 'linux' ? tryMount(mountDir, '200k') : 'tmpfs mounts are a Linux feature';
  if (refused) console.warn(`[full-disk test skipped] ${refused}`);
});
afterAll(async () => {
  unmount(mountDir);
  await rm(mountDir, { recursive: true, force: true });
});

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

async function playgroundEvent(kit: TestKit) {
  const r = await kit.call('resources.create', {
    name: 'Playground',
    kind: 'playground',
    deployment: 'playground',
    auth: { type: 'none' },
    enabled: true,
  });
  return kit.call('events.create', eventInput([r.id], { code: 'fulldisk' }));
}

const chat = (kit: TestKit, apiKey: string) =>
  new OpenAI({ baseURL: `${kit.apiBase}/openai/v1`, apiKey, maxRetries: 0 }).chat.completions.create({
    model: 'playground',
    messages: [{ role: 'user', content: 'hi' }],
  });

describe('a data dir on a full disk', () => {
  it('acknowledges a registration only when it is on disk, and refuses the rest with 503 store_unavailable', async (ctx) => {
    if (refused) return ctx.skip(refused);
    const dataDir = join(mountDir, 'kit');
    let kit = await startKit({ dataDir, usageFlushMs: 200 });
    const event = await playgroundEvent(kit);
    const first = await kit.register(event.code, { name: 'first' });
    expect(first.status).toBe(201);
    const firstKey = first.body.apiKey as string;

    const acked: string[] = [];
    const refusals: Array<{ status: number; code?: string; message?: string }> = [];
    const unparsable: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < 400) {
          const i = next++;
          const r = await kit.register(event.code, { name: `attendee ${i} with a name long enough to fill the disk` });
          if (r.status === 201) acked.push(r.body.apiKey as string);
          else {
            const err = r.body.error as { code?: string; message?: string } | undefined;
            refusals.push({ status: r.status, code: err?.code, message: err?.message });
          }
          try {
            JSON.parse(await readFile(join(dataDir, 'store.json'), 'utf8'));
          } catch {
            unparsable.push(i);
          }
        }
      }),
    );
    expect(unparsable).toEqual([]);
    expect(acked.length, 'some registrations fit before the disk filled').toBeGreaterThan(50);
    expect(refusals.length, 'the disk filled before the burst ended').toBeGreaterThan(0);
    expect(refusals.filter((r) => r.status !== 503 || r.code !== 'store_unavailable')).toEqual([]);
    expect(refusals[0]?.message).toMatch(/^The kit cannot save: the disk is full\./);
    // Memory holds no refused registration: the organizer's list is exactly what was acknowledged.
    const listed = await kit.call('attendees.list', { eventId: event.id });
    expect(listed).toHaveLength(acked.length + 1);
    expect(kit.info().store).toMatchObject({ state: 'failing', cause: 'disk-full' });
    // Proxied calls that need no write go on while the disk is full.
    expect((await chat(kit, firstKey)).choices).toHaveLength(1);

    // The kit restarts on the same data dir, with every acknowledged key working.
    await kit.stop();
    kit = await startKit({ dataDir });
    try {
      const stored = JSON.parse(await readFile(join(dataDir, 'store.json'), 'utf8')) as {
        attendees: Array<{ keyHash: string }>;
      };
      const hashes = new Set(stored.attendees.map((a) => a.keyHash));
      expect(acked.filter((k) => !hashes.has(sha256(k)))).toEqual([]);
      expect(stored.attendees).toHaveLength(acked.length + 1);
      for (const key of [firstKey, acked[0] as string, acked.at(-1) as string]) {
        expect((await chat(kit, key)).choices).toHaveLength(1);
      }
    } finally {
      await kit.stop();
    }
  }, 120_000);

  it('starts on a read-only data dir, says why it cannot save, and refuses writes with 503', async (ctx) => {
    if (refused) return ctx.skip(refused);
    // The disk the first test filled is emptied: this one needs room for its first writes (and the kit's lock).
    await rm(join(mountDir, 'kit'), { recursive: true, force: true });
    const dataDir = join(mountDir, 'ro');
    let kit = await startKit({ dataDir });
    const event = await playgroundEvent(kit);
    const key = (await kit.register(event.code, { name: 'before' })).body.apiKey as string;
    await kit.stop();
    execFileSync('mount', ['-o', 'remount,ro', mountDir]);
    try {
      kit = await startKit({ dataDir });
      expect(kit.info().store).toMatchObject({
        state: 'failing',
        cause: 'read-only',
        message: 'The kit cannot save: its data folder is on a read-only file system.',
      });
      const r = await kit.register(event.code, { name: 'after' });
      expect(r.status).toBe(503);
      expect(r.body.error).toMatchObject({ code: 'store_unavailable' });
      await expect(kit.call('events.update', { id: event.id, name: 'renamed' })).rejects.toMatchObject({
        code: 'store_unavailable',
      });
      expect(kit.store.event(event.id)?.name).toBe(event.name);
      // The attendee registered before goes on working.
      expect((await chat(kit, key)).choices).toHaveLength(1);
      await kit.stop();
      // The desktop app on the same read-only folder: its keychain cannot wrap the key, so the key file serves.
      const keychain = {
        isEncryptionAvailable: () => true,
        encryptString: (s: string) => Buffer.from(s, 'utf8'),
        decryptString: (b: Buffer) => b.toString('utf8'),
      };
      const notes: string[] = [];
      const box = await safeStorageSecretBox(dataDir, keychain, notes);
      expect(notes).toEqual([]);
      kit = await startKit({ dataDir, secretBox: box });
      expect(kit.info().store.state).toBe('failing');
      await kit.stop();
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mountDir]);
    }
  }, 60_000);
});
