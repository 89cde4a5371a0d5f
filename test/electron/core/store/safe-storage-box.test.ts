/**
 * The desktop key source, with a fake `safeStorage`: a keychain is an AES key
 * only its owner holds, so another keychain cannot open what this one wrapped.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SafeStorageLike, safeStorageSecretBox } from '../../../../electron/core/store/safe-storage-box.js';
import { fileSecretBox } from '../../../../electron/core/store/secret-box.js';
import { startKit } from '../../../support/kit.js';

function fakeKeychain(opts: { available?: boolean; backend?: string } = {}): SafeStorageLike & { calls: number } {
  const k = randomBytes(32);
  const fake = {
    calls: 0,
    isEncryptionAvailable: () => opts.available ?? true,
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
    encryptString(plain: string) {
      fake.calls += 1;
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', k, iv);
      const enc = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([Buffer.from('v10'), iv, c.getAuthTag(), enc]);
    },
    decryptString(b: Buffer) {
      fake.calls += 1;
      const d = createDecipheriv('aes-256-gcm', k, b.subarray(3, 15));
      d.setAuthTag(b.subarray(15, 31));
      return Buffer.concat([d.update(b.subarray(31)), d.final()]).toString('utf8');
    },
  };
  return fake;
}

const exists = (f: string) =>
  stat(f).then(
    () => true,
    () => false,
  );

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kit-safe-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('safeStorageSecretBox', () => {
  it('wraps a new store key with the keychain and keeps no plain copy', async () => {
    const keychain = fakeKeychain();
    const box = await safeStorageSecretBox(dir, keychain);
    const sealed = box.seal('upstream-key');
    expect(sealed).not.toContain('upstream-key');
    expect(box.open(sealed)).toBe('upstream-key');
    expect(await exists(join(dir, 'secret.key'))).toBe(false);
    const wrapped = join(dir, 'secret.key.safe');
    expect((await stat(wrapped)).mode & 0o777).toBe(0o600);

    // The next start opens the same key through the keychain.
    const again = await safeStorageSecretBox(dir, keychain);
    expect(again.open(sealed)).toBe('upstream-key');
    expect(keychain.calls).toBe(2);
  });

  it('takes over the key file of an earlier headless run, so old secrets still open', async () => {
    const sealed = (await fileSecretBox(dir)).seal('from-headless');
    const plain = (await readFile(join(dir, 'secret.key'), 'utf8')).trim();
    const box = await safeStorageSecretBox(dir, fakeKeychain());
    expect(box.open(sealed)).toBe('from-headless');
    expect(await exists(join(dir, 'secret.key'))).toBe(false);
    expect((await readFile(join(dir, 'secret.key.safe'))).toString('latin1')).not.toContain(plain);
  });

  it('falls back to the 0600 key file where there is no real keychain', async () => {
    for (const keychain of [fakeKeychain({ available: false }), fakeKeychain({ backend: 'basic_text' })]) {
      const sub = await mkdtemp(join(dir, 'k-'));
      const box = await safeStorageSecretBox(sub, keychain);
      expect(box.open(box.seal('x'))).toBe('x');
      expect(keychain.calls).toBe(0);
      expect((await stat(join(sub, 'secret.key'))).mode & 0o777).toBe(0o600);
      expect(await exists(join(sub, 'secret.key.safe'))).toBe(false);
    }
  });

  it('starts with a new key, keeping the old one aside, when another keychain meets a wrapped key', async () => {
    const first = await safeStorageSecretBox(dir, fakeKeychain());
    const sealed = first.seal('kept-upstream-secret');
    const old = await readFile(join(dir, 'secret.key.safe'));
    const notes: string[] = [];
    const other = await safeStorageSecretBox(dir, fakeKeychain(), notes);
    expect(() => other.open(sealed)).toThrow();
    expect(notes.join(' ')).toMatch(/cannot be opened by this user's OS keychain.+moved aside.+entered again/);
    const aside = (await readdir(dir)).find((n) => n.startsWith('secret.key.safe.unreadable-')) as string;
    expect(await readFile(join(dir, aside))).toEqual(old);
  });

  it('lets the headless kit refuse a data dir whose key only the desktop keychain opens', async () => {
    await safeStorageSecretBox(dir, fakeKeychain());
    await expect(fileSecretBox(dir)).rejects.toThrow(/sealed by the desktop app's OS keychain/);
    // And the headless kit did not replace the wrapped key with a fresh one.
    expect(await exists(join(dir, 'secret.key'))).toBe(false);
  });

  it('seals the store of a kit started with it', async () => {
    const keychain = fakeKeychain();
    const kit = await startKit({ dataDir: dir, secretBox: await safeStorageSecretBox(dir, keychain) });
    await kit.call('resources.create', {
      name: 'r',
      kind: 'azure-openai',
      endpoint: 'https://x.openai.azure.com',
      deployment: 'd',
      auth: { type: 'api-key', key: 'desktop-upstream-secret' },
      enabled: true,
    });
    await kit.stop();
    expect(await readFile(join(dir, 'store.json'), 'utf8')).not.toContain('desktop-upstream-secret');
    const reopened = await startKit({ dataDir: dir, secretBox: await safeStorageSecretBox(dir, keychain) });
    const r = reopened.store.resources[0];
    expect(r?.auth).toEqual({ type: 'api-key', key: 'desktop-upstream-secret' });
    await reopened.stop();
  });
});
