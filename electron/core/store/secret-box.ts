/**
 * Upstream secrets at rest: AES-256-GCM with a key that never sits in the
 * store file. Headless, the key is a 0600 file in the data dir; the desktop
 * app may hand in its own key source (Electron safeStorage) instead.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { access, chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Marks a sealed value; one still carrying it in memory could not be opened with this kit's key. */
export const SEALED_PREFIX = 'sealed:v1:';
const PREFIX = SEALED_PREFIX;

export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export function secretBoxFromKey(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('secret key must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const enc = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return PREFIX + Buffer.concat([iv, c.getAuthTag(), enc]).toString('base64');
    },
    open(sealed) {
      // A value written by hand into the file (or by an older kit) is taken as plain text.
      if (!sealed.startsWith(PREFIX)) return sealed;
      const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
      const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

export const PLAIN_KEY_FILE = 'secret.key';
/** The same key wrapped by the desktop app's OS keychain (see `safe-storage-box.ts`). */
export const SAFE_KEY_FILE = 'secret.key.safe';

/** The key in a headless key file, or undefined when there is none. */
export async function readKeyFile(file: string): Promise<Buffer | undefined> {
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Reads (or creates, mode 0600) `secret.key` in the data dir. */
export async function fileSecretBox(dataDir: string): Promise<SecretBox> {
  const file = join(dataDir, PLAIN_KEY_FILE);
  let key = await readKeyFile(file);
  if (!key) {
    if (await exists(join(dataDir, SAFE_KEY_FILE))) {
      // A fresh key would not open the sealed upstream keys, and the store would be lost.
      throw new Error(
        `the upstream keys in ${dataDir} are sealed by the desktop app's OS keychain (${SAFE_KEY_FILE}); ` +
          'start the desktop app, or use another --data-dir',
      );
    }
    key = randomBytes(32);
    await writeFile(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  await chmod(file, 0o600);
  return secretBoxFromKey(key);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
