/**
 * The desktop key source for secrets at rest: the store's 32-byte key is
 * wrapped by the OS keychain (Electron `safeStorage`: Keychain, DPAPI,
 * libsecret/kwallet) and kept as `secret.key.safe`, so copying the data dir
 * to another machine or user does not copy the means to open its upstream
 * keys. Electron is not imported here: the main process passes its
 * `safeStorage`, tests pass a fake. Where the OS offers no real keychain
 * (Linux falling back to a hard-coded password), the headless 0600 key file
 * is used instead; a key file left by an earlier headless run is wrapped
 * and removed. A wrapped key this keychain cannot open (another user's, a
 * reset keychain) is moved aside and a new key made: the kit starts, and the
 * console names the resources whose secret must be entered again.
 */
import { randomBytes } from 'node:crypto';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably } from './file-layer.js';
import { moveAside } from './move-aside.js';
import {
  fileSecretBox,
  PLAIN_KEY_FILE,
  readKeyFile,
  SAFE_KEY_FILE,
  type SecretBox,
  secretBoxFromKey,
} from './secret-box.js';
import { describeWriteFailure } from './write-failure.js';

/** The part of Electron's `safeStorage` this needs. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: `basic_text` means no keychain, just an obfuscation every copy of Chromium shares. */
  getSelectedStorageBackend?(): string;
}

const usable = (safe: SafeStorageLike): boolean =>
  safe.isEncryptionAvailable() && safe.getSelectedStorageBackend?.() !== 'basic_text';

async function readIfThere(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** `notes` collects what the organizer should hear (a wrapped key this keychain cannot open, set aside). */
export async function safeStorageSecretBox(
  dataDir: string,
  safe: SafeStorageLike,
  notes: string[] = [],
): Promise<SecretBox> {
  const wrappedFile = join(dataDir, SAFE_KEY_FILE);
  const plainFile = join(dataDir, PLAIN_KEY_FILE);
  const wrapped = await readIfThere(wrappedFile);
  const plain = await readKeyFile(plainFile).catch(() => undefined);

  if (wrapped) {
    let key: Buffer | undefined;
    try {
      key = Buffer.from(safe.decryptString(wrapped), 'base64');
    } catch (e) {
      const movedTo = await moveAside(wrappedFile, 'unreadable', Date.now());
      notes.push(
        `The store key cannot be opened by this user's OS keychain (${(e as Error).message})` +
          `${movedTo ? '; it was moved aside' : ''} and a new key was made. Upstream secrets saved with the old key ` +
          'must be entered again (or run the kit as the user whose keychain holds the old key, with that file put back).',
      );
    }
    if (key?.length === 32) {
      // A crash between wrapping and removing the plain copy leaves it behind: finish the job.
      if (plain?.equals(key)) await unlink(plainFile);
      return secretBoxFromKey(key);
    }
  }

  if (!usable(safe)) return fileSecretBox(dataDir, notes);

  const key = plain?.length === 32 ? plain : randomBytes(32);
  try {
    await writeFileDurably(wrappedFile, safe.encryptString(key.toString('base64')), { mode: 0o600 });
    if (plain) await unlink(plainFile);
  } catch (e) {
    // A data dir that cannot be written (read-only, full): the key serves this run; a headless key file stays.
    if (!plain)
      notes.push(
        `The store key could not be saved (${describeWriteFailure(e).reason}): upstream secrets entered now ` +
          'cannot be kept across a restart.',
      );
  }
  return secretBoxFromKey(key);
}
