/**
 * `ai-proxy-kit backup <file>` and `ai-proxy-kit restore <file>` for a
 * headless kit's data dir. The passphrase comes from `KIT_BACKUP_PASSPHRASE`
 * or a prompt that does not echo (asked twice for a new backup). A backup may
 * be made beside a running kit (it reads the store file, never writes); a
 * restore refuses while a kit holds the data dir, holds it itself meanwhile,
 * asks before replacing anything when it runs in a terminal, and keeps the
 * store it replaced beside the snapshots. Any refusal is one line on stderr
 * and a non-zero exit status; the passphrase is never printed.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MIN_BACKUP_PASSPHRASE } from '../shared/schemas.js';
import { MAX_OPEN_BYTES } from '../shared/shell-api.js';
import type { BackupSummary } from '../shared/types.js';
import { readBackup, writeBackup } from './core/backup/backup-file.js';
import { checkNewPassphrase, restoreBackup } from './core/backup/backups.js';
import { readDataDir } from './core/backup/read-data-dir.js';
import { defaultDataDir } from './core/config.js';
import { dataDirHolder, lockDataDir } from './core/data-dir-lock.js';
import { isKitError } from './core/errors.js';
import { writeFileDurably } from './core/store/file-layer.js';
import { openStore } from './core/store/open-store.js';
import { fileSecretBox } from './core/store/secret-box.js';
import { PromptCancelled, promptSecret, promptYes } from './secret-prompt.js';

export const backupUsage = `Usage: ai-proxy-kit backup <file> [--data-dir <dir>]
       ai-proxy-kit restore <file> [--data-dir <dir>]

  backup    writes everything in the data dir (resources, events, attendees, ownership records, usage)
            to <file>, upstream secrets sealed under a passphrase
  restore   replaces everything in the data dir with <file>'s contents (the kit must be stopped);
            the store it replaces is kept in <data-dir>/snapshots/
  --data-dir <dir>   the kit's data dir (default ${defaultDataDir()})

  The passphrase is asked for (not shown), or taken from KIT_BACKUP_PASSPHRASE.
`;

/** A refusal: one line for the organizer, exit status 1. */
class Refused extends Error {}

interface Io {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  interactive: boolean;
}

async function passphrase(io: Io, confirm: boolean): Promise<string> {
  const fromEnv = io.env.KIT_BACKUP_PASSPHRASE;
  if (fromEnv) return fromEnv;
  if (!io.interactive)
    throw new Refused('no passphrase: set KIT_BACKUP_PASSPHRASE, or run the command in a terminal to type it.');
  const first = await promptSecret(
    confirm ? `Passphrase for the backup (at least ${MIN_BACKUP_PASSPHRASE} characters): ` : 'Backup passphrase: ',
  );
  if (!confirm) return first;
  checkNewPassphrase(first);
  if ((await promptSecret('The same passphrase again: ')) !== first) throw new Refused('the passphrases differ.');
  return first;
}

function describe(s: BackupSummary): string {
  const lines = [
    `  made ${s.createdAt} by AI Proxy Kit ${s.kitVersion}`,
    `  ${s.counts.events} event(s), ${s.counts.attendees} attendee(s), ${s.counts.resources} resource(s), ` +
      `${s.totals.requests} request(s), ${s.totals.totalTokens} token(s)`,
  ];
  for (const e of s.events)
    lines.push(
      `  - ${e.name} (${e.code}${e.archived ? ', archived' : ''}): ${e.attendees} attendee(s), ${e.requests} request(s)`,
    );
  return lines.join('\n');
}

async function backup(file: string, dataDir: string, io: Io, kitVersion: string): Promise<void> {
  const contents = await readDataDir(dataDir);
  const pass = await passphrase(io, true);
  checkNewPassphrase(pass);
  const { bytes, summary } = await writeBackup(contents, pass, { now: Date.now(), kitVersion });
  await writeFileDurably(file, bytes, { mode: 0o600 });
  io.out(`Backed up ${dataDir} to ${file}:\n${describe(summary)}`);
  const running = await dataDirHolder(dataDir);
  if (running)
    io.out(
      `Note: a kit (process ${running.pid}) is running on this data dir; usage it counted in the last seconds may ` +
        "not be in the file yet (the console's Back up… has all of it).",
    );
}

async function restore(file: string, dataDir: string, io: Io, kitVersion: string): Promise<void> {
  const holder = await dataDirHolder(dataDir);
  if (holder)
    throw new Refused(
      `a kit (process ${holder.pid}) is running on ${dataDir}: stop it first, or restore from its console.`,
    );
  const size = await stat(file).then(
    (s) => s.size,
    () => {
      throw new Refused(`${file} cannot be read.`);
    },
  );
  if (size > MAX_OPEN_BYTES) throw new Refused(`${file} is too large to be a backup.`);
  const bytes = await readFile(file);
  const pass = await passphrase(io, false);
  const { summary } = await readBackup(bytes, pass);
  io.out(`${file} holds:\n${describe(summary)}`);
  if (io.interactive && !io.env.KIT_BACKUP_PASSPHRASE) {
    if (!(await promptYes(`Replace everything in ${dataDir} with it? [y/N] `)))
      throw new Refused('nothing was changed.');
  }
  // Made first (moving to a new laptop restores into a dir that does not exist yet): the lock and the new
  // secret key are written into it.
  await mkdir(dataDir, { recursive: true });
  const lock = await lockDataDir(dataDir, 'restore', 'a restore needs the data dir to itself');
  try {
    const notes: string[] = [];
    const box = await fileSecretBox(dataDir, notes);
    // A secret key that cannot be saved would seal the restored secrets with a key nobody keeps.
    if (notes.length) throw new Refused(notes.join(' '));
    const store = await openStore(dataDir, box, { log: () => undefined });
    try {
      const result = await restoreBackup({ store, now: Date.now, kitVersion }, bytes, pass);
      io.out(
        `Restored into ${dataDir}.${result.previousStore ? ` The store it replaced is kept as ${result.previousStore}.` : ''}`,
      );
      if (result.secretsToEnter.length)
        io.out(`Enter the upstream secret again for: ${result.secretsToEnter.join(', ')}.`);
    } finally {
      await store.close();
    }
  } finally {
    lock.release();
  }
}

/** Runs `backup` or `restore`; resolves to the exit status. */
export async function backupCommand(argv: string[], kitVersion: string, io?: Partial<Io>): Promise<number> {
  const full: Io = {
    env: io?.env ?? process.env,
    out: io?.out ?? ((line) => process.stdout.write(`${line}\n`)),
    interactive: io?.interactive ?? Boolean(process.stdin.isTTY),
  };
  let command: string | undefined;
  let file: string | undefined;
  let dataDir: string;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    });
    [command, file] = positionals;
    if (values.help) {
      process.stdout.write(backupUsage);
      return 0;
    }
    if (!file || positionals.length > 2) throw new Error(`${command} needs one file`);
    dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  } catch (e) {
    process.stderr.write(`ai-proxy-kit: ${(e as Error).message}\n\n${backupUsage}`);
    return 2;
  }
  try {
    if (command === 'backup') await backup(resolve(file), dataDir, full, kitVersion);
    else await restore(resolve(file), dataDir, full, kitVersion);
    return 0;
  } catch (e) {
    const message =
      e instanceof Refused || isKitError(e)
        ? e.message
        : e instanceof PromptCancelled
          ? 'cancelled; nothing was changed.'
          : `${(e as Error).message}`;
    process.stderr.write(`ai-proxy-kit: ${command} refused: ${message.replace(/\s+/g, ' ')}\n`);
    return 1;
  }
}
