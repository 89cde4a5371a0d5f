/**
 * The admin methods of backups: make one (the file comes back to the
 * console, which saves it through the shell's dialog or a browser download),
 * look inside one, and restore one. The file crosses the admin contract as
 * base64; the passphrase is never logged or echoed.
 */
import type { ParsedInput } from '../../../shared/contract.js';
import { createBackup, inspectBackup, restoreBackup } from '../backup/backups.js';
import type { StoreDriver } from '../store/store-driver.js';
import type { UsageLedger } from '../usage/ledger.js';

interface BackupHandlerDeps {
  store: StoreDriver;
  ledger: UsageLedger;
  now: () => number;
  kitVersion: () => string;
  /** Told after a restore replaced the events (keep-awake looks again). */
  changed?: () => void;
}

export function backupHandlers(deps: BackupHandlerDeps) {
  const backupDeps = () => ({ store: deps.store, ledger: deps.ledger, now: deps.now, kitVersion: deps.kitVersion() });
  return {
    'backup.create': async ({ passphrase }: ParsedInput<'backup.create'>) => {
      const { bytes: _bytes, ...file } = await createBackup(backupDeps(), passphrase);
      return file;
    },
    'backup.inspect': async ({ file, passphrase }: ParsedInput<'backup.inspect'>) =>
      inspectBackup(Buffer.from(file, 'base64'), passphrase),
    'backup.restore': async ({ file, passphrase }: ParsedInput<'backup.restore'>) => {
      const result = await restoreBackup(backupDeps(), Buffer.from(file, 'base64'), passphrase);
      deps.changed?.();
      return result;
    },
  };
}
