/**
 * Which process holds a data dir: `kit.lock` holds the pid of the kit (or of
 * a restore) using it, so a restore refuses to replace the store under a
 * running kit, and a second kit refuses to share one JSON store with the
 * first (two writers would each overwrite the other's changes). The file is
 * removed on close and on exit; after a kill -9 it stays behind, and is known
 * to be stale because its process is gone (or is no longer a Node or Electron
 * process: the pid was reused).
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KitError } from './errors.js';
import { errnoOf, writeFileDurably } from './store/file-layer.js';

export const LOCK_FILE = 'kit.lock';

interface LockContents {
  pid: number;
  since: string;
  /** What holds it: `kit` (serving) or `restore`. */
  role: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists, run by another user.
    if (errnoOf(e) !== 'EPERM') return false;
  }
  try {
    // Linux: a zombie is gone; a pid now running something else was reused after a kill -9.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/^\d+ \(.*\) Z/.test(stat)) return false;
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').toLowerCase();
    return /node|electron|ai-proxy-kit/.test(cmd);
  } catch {
    return true; // no /proc (macOS, Windows): the signal check is what there is
  }
}

/** The live process holding the data dir (not this one), or undefined when none does. */
export async function dataDirHolder(dataDir: string): Promise<LockContents | undefined> {
  let held: LockContents;
  try {
    held = JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8'));
  } catch {
    return undefined; // no lock, or one cut short by a crash mid-write: nobody we can name holds it
  }
  if (!Number.isInteger(held.pid) || held.pid === process.pid || !alive(held.pid)) return undefined;
  return held;
}

export const inUse = (dataDir: string, held: LockContents, doing: string) =>
  new KitError(
    'data_dir_in_use',
    `${held.role === 'restore' ? 'A restore' : 'A running kit'} (process ${held.pid}, since ${held.since}) is using ` +
      `${dataDir}: ${doing}. Stop it first (or remove ${join(dataDir, LOCK_FILE)} if that process is not a kit).`,
  );

export interface DataDirLock {
  release(): void;
}

/**
 * Takes the data dir for this process; refuses (`data_dir_in_use`) when another live process holds it. A data
 * dir that cannot be written takes no lock (the store says why it cannot save).
 */
export async function lockDataDir(dataDir: string, role: string, doing: string): Promise<DataDirLock> {
  const held = await dataDirHolder(dataDir);
  if (held) throw inUse(dataDir, held, doing);
  const file = join(dataDir, LOCK_FILE);
  const mine: LockContents = { pid: process.pid, since: new Date().toISOString(), role };
  let taken = false;
  try {
    await writeFileDurably(file, JSON.stringify(mine), { mode: 0o644 });
    taken = true;
  } catch {
    // read-only or full: no lock, and the store refuses writes with its own message
  }
  const release = () => {
    if (!taken) return;
    taken = false;
    process.off('exit', release);
    try {
      // Only our own: a kit started after a stale takeover may hold it now.
      if (JSON.parse(readFileSync(file, 'utf8')).pid === process.pid) unlinkSync(file);
    } catch {
      // gone already, or unreadable: nothing of ours to remove
    }
  };
  // A process.exit() without close (a fatal error) still lets the data dir go.
  if (taken) process.on('exit', release);
  return { release };
}
