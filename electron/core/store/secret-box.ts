/**
 * Upstream secrets at rest: AES-256-GCM with a key that never sits in the
 * store file. Headless, the key is a 0600 file in the data dir; the desktop
 * app may hand in its own key source (Electron safeStorage) instead.
 *
 * The key cannot be made again: a lost or damaged key leaves the sealed
 * upstream secrets unreadable. The kit still starts (with a new key, the
 * damaged file moved aside, never overwritten), the store keeps the sealed
 * values as they were, and the console names the resources whose secret
 * must be entered again (or the old key file put back).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { access, chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf, writeFileDurably } from './file-layer.js';
import { moveAside } from './move-aside.js';
import { describeWriteFailure } from './write-failure.js';

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

/**
 * Reads (or creates, mode 0600, written durably) `secret.key` in the data dir. `notes` collects what the
 * organizer should hear: a damaged key replaced, a new key that could not be saved.
 */
export async function fileSecretBox(dataDir: string, notes: string[] = []): Promise<SecretBox> {
  const file = join(dataDir, PLAIN_KEY_FILE);
  let key: Buffer | undefined;
  let problem: string | undefined;
  try {
    key = await readKeyFile(file);
    if (key && key.length !== 32) problem = `it holds ${key.length} bytes instead of 32`;
  } catch (e) {
    problem = `it cannot be read (${errnoOf(e) ?? (e as Error).message})`;
  }
  if (problem) {
    key = undefined;
    const movedTo = await moveAside(file, 'damaged', Date.now());
    notes.push(
      `The secret key file was damaged (${problem})${movedTo ? ' and was moved aside' : ''}; a new key was made. ` +
        'Upstream secrets saved with the old key cannot be opened: enter them again (or put the old key file back).',
    );
  }
  if (!key) {
    if (await exists(join(dataDir, SAFE_KEY_FILE))) {
      // A fresh key would not open the sealed upstream keys, and the store would be lost.
      throw new Error(
        `the upstream keys in ${dataDir} are sealed by the desktop app's OS keychain (${SAFE_KEY_FILE}); ` +
          'start the desktop app, or use another --data-dir',
      );
    }
    key = randomBytes(32);
    try {
      await writeFileDurably(file, key.toString('base64'), { mode: 0o600 });
    } catch (e) {
      notes.push(
        `The secret key could not be saved (${describeWriteFailure(e).reason}): upstream secrets entered now ` +
          'cannot be kept across a restart.',
      );
    }
  }
  await chmod(file, 0o600).catch(() => undefined);
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
