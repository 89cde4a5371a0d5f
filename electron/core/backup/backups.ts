/**
 * Backing up and restoring a kit's store, for the admin service (a running
 * kit) and the CLI (a data dir no kit holds) alike: a backup is everything
 * `exportAll` gives, sealed under the organizer's passphrase; a restore opens
 * and checks the whole file first (passphrase, damage, schema) and only then
 * replaces the store in one operation, so every refusal leaves the store as
 * it was. Restored secrets are written by the store's own sealing, i.e.
 * under this machine's secret key, never the one they came from.
 */

import { MIN_BACKUP_PASSPHRASE } from '../../../shared/schemas.js';
import type { BackupFile, BackupSummary, RestoreResult } from '../../../shared/types.js';
import { KitError } from '../errors.js';
import { secretUnreadable } from '../store/sealed-adapter.js';
import type { StoreDriver } from '../store/store-driver.js';
import type { UsageLedger } from '../usage/ledger.js';
import { BACKUP_EXTENSION, readBackup, writeBackup } from './backup-file.js';

export interface BackupDeps {
  store: StoreDriver;
  /** The running kit's ledger: flushed before a backup, reloaded after a restore. */
  ledger?: UsageLedger;
  now: () => number;
  kitVersion: string;
}

/** Refuses a passphrase too short to protect upstream secrets (the console and the CLI say the same). */
export function checkNewPassphrase(passphrase: string): void {
  if ([...passphrase].length < MIN_BACKUP_PASSPHRASE)
    throw KitError.invalidFields({ passphrase: `use at least ${MIN_BACKUP_PASSPHRASE} characters.` });
}

/** `ai-proxy-kit-backup-2026-06-01-1730.aipkbackup` (UTC): sorts by time, valid on every file system. */
export const backupFileName = (now: number): string =>
  `ai-proxy-kit-backup-${new Date(now).toISOString().slice(0, 16).replace('T', '-').replace(':', '')}.${BACKUP_EXTENSION}`;

export async function createBackup(deps: BackupDeps, passphrase: string): Promise<BackupFile & { bytes: Buffer }> {
  checkNewPassphrase(passphrase);
  // Counts still in memory go to the store first, so the backup holds usage up to now.
  await deps.ledger?.flush();
  const contents = await deps.store.exportAll();
  const now = deps.now();
  const { bytes, summary } = await writeBackup(contents, passphrase, { now, kitVersion: deps.kitVersion });
  return { name: backupFileName(now), base64: bytes.toString('base64'), bytes, summary };
}

export async function inspectBackup(bytes: Buffer, passphrase: string): Promise<BackupSummary> {
  return (await readBackup(bytes, passphrase)).summary;
}

/** Stores with a restore in progress (one at a time per store). */
const restoring = new WeakSet<StoreDriver>();

export async function restoreBackup(deps: BackupDeps, bytes: Buffer, passphrase: string): Promise<RestoreResult> {
  if (restoring.has(deps.store)) throw new KitError('conflict', 'A restore is already in progress.');
  restoring.add(deps.store);
  try {
    const { contents, summary } = await readBackup(bytes, passphrase);
    // A flush in progress lands first (it goes into the store that is kept aside); counts made after are
    // for records the restore replaces, and are dropped with them by the reload.
    await deps.ledger?.flush();
    const { previous } = await deps.store.replaceAll(contents);
    deps.ledger?.reload();
    return {
      summary,
      ...(previous ? { previousStore: previous } : {}),
      secretsToEnter: deps.store.resources.filter(secretUnreadable).map((r) => r.name),
    };
  } finally {
    restoring.delete(deps.store);
  }
}
