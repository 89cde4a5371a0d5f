/**
 * A data dir's store read for a backup from the command line: read only (no
 * snapshot, no write, no new secret key made), so it may run beside a kit
 * serving the same dir. Its secrets are opened with the dir's secret key, to
 * be sealed again under the backup's passphrase; a dir whose key is in the
 * desktop app's keychain is refused with a message saying so.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KitError } from '../errors.js';
import { AtomicJsonFile } from '../store/atomic-json-file.js';
import { errnoOf } from '../store/file-layer.js';
import { STORE_FILE } from '../store/open-store.js';
import { migrate, storeProblem } from '../store/schema.js';
import { SealedJsonFile } from '../store/sealed-adapter.js';
import { PLAIN_KEY_FILE, readKeyFile, SAFE_KEY_FILE, secretBoxFromKey } from '../store/secret-box.js';
import type { StoreContents } from '../store/store-driver.js';

const refuse = (message: string) => new KitError('store_unavailable', message);

export async function readDataDir(dataDir: string): Promise<StoreContents> {
  const file = join(dataDir, STORE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw refuse(
      errnoOf(e) === 'ENOENT'
        ? `There is no kit store in ${dataDir} (no ${STORE_FILE}). Pass the kit's --data-dir.`
        : `${file} cannot be read (${errnoOf(e) ?? (e as Error).message}).`,
    );
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text);
    migrate(raw);
  } catch (e) {
    throw refuse(`${file} cannot be backed up: ${(e as Error).message}. Start the kit once to recover it.`);
  }
  const problem = storeProblem(raw);
  if (problem) throw refuse(`${file} is damaged (${problem}). Start the kit once to recover it from a snapshot.`);

  const key = await readKeyFile(join(dataDir, PLAIN_KEY_FILE)).catch(() => undefined);
  if (!key && (await exists(join(dataDir, SAFE_KEY_FILE))))
    throw refuse(
      `The upstream secrets in ${dataDir} are sealed by the desktop app's OS keychain: make the backup from the ` +
        "desktop app's console (Backup).",
    );
  // Without the key, sealed secrets stay sealed: the backup carries them as they are, and a restore names
  // the resources whose secret must be entered again.
  if (key?.length === 32) new SealedJsonFile(new AtomicJsonFile(file), secretBoxFromKey(key)).openSecrets(raw);
  const { schemaVersion: _v, ...contents } = raw as unknown as StoreContents & { schemaVersion: number };
  return contents;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
