/**
 * The few file operations a durable write needs, behind an interface so the
 * tests can hand in a layer that fails at any step (a short write, ENOSPC,
 * EIO on fsync, a rename refused) and prove what is left on disk. The real
 * layer is `node:fs/promises`; `writeWhole`, `syncDir` and `renameRetrying`
 * hold the rules every writer in the data dir follows.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface WritableFile {
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface FileLayer {
  /** `flags` as in `fs.open`: 'w' and 'wx' to write, 'r' to open a directory for fsync. */
  open(path: string, flags: string, mode?: number): Promise<WritableFile>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; a missing one is not an error. */
  remove(path: string): Promise<void>;
  readFile(path: string): Promise<Buffer>;
  /** `process.platform`: Windows has no directory fsync and lets antivirus hold files for a moment. */
  readonly platform: NodeJS.Platform;
}

export const nodeFiles: FileLayer = {
  open: (path, flags, mode) => open(path, flags, mode),
  rename,
  remove: (path) => rm(path, { force: true }),
  readFile: (path) => readFile(path),
  platform: process.platform,
};

export const errnoOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

/**
 * Writes every byte: `write` may take fewer bytes than asked (a nearly full
 * disk, a signal, a network file system), and the rest must follow. A write
 * that takes nothing several times over is a failure, not a loop forever.
 */
export async function writeWhole(fh: WritableFile, data: Uint8Array): Promise<void> {
  let offset = 0;
  let stalls = 0;
  while (offset < data.length) {
    const { bytesWritten } = await fh.write(data, offset, data.length - offset);
    if (bytesWritten > 0) {
      offset += bytesWritten;
      stalls = 0;
    } else if (++stalls >= 3) {
      throw Object.assign(new Error('the file system accepted no bytes'), { code: 'EIO' });
    }
  }
}

/** Errors that mean "this OS or file system does not fsync directories", not "the data is at risk". */
const noDirSync = new Set(['EISDIR', 'EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EBADF', 'EPERM', 'EACCES']);

/**
 * Makes a rename in `dir` durable: on POSIX systems a rename is in the
 * directory, which has its own fsync. Windows has none (NTFS journals the
 * rename itself), and some file systems refuse it; both are fine. EIO is not.
 */
export async function syncDir(files: FileLayer, dir: string): Promise<void> {
  if (files.platform === 'win32') return;
  let handle: WritableFile;
  try {
    handle = await files.open(dir, 'r');
  } catch (e) {
    if (noDirSync.has(errnoOf(e) ?? '')) return;
    throw e;
  }
  try {
    await handle.sync();
  } catch (e) {
    if (!noDirSync.has(errnoOf(e) ?? '')) throw e;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Windows antivirus and indexers open files for a moment; a rename then fails with one of these. */
const transientOnWindows = new Set(['EPERM', 'EACCES', 'EBUSY']);
const RENAME_RETRY_MS = [10, 20, 40, 80, 160, 320, 640];

/** Renames, retrying for about a second where Windows reports the file as held by another program. */
export async function renameRetrying(files: FileLayer, from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await files.rename(from, to);
      return;
    } catch (e) {
      const wait = RENAME_RETRY_MS[attempt];
      if (files.platform !== 'win32' || !transientOnWindows.has(errnoOf(e) ?? '') || wait === undefined) throw e;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/**
 * Writes a small file durably and atomically: a temp file with every byte
 * written and fsynced, renamed over `file`, the directory fsynced. For the
 * data dir's other files (admin token, secret key, certificates).
 */
export async function writeFileDurably(
  file: string,
  data: string | Uint8Array,
  opts: { mode?: number; files?: FileLayer } = {},
): Promise<void> {
  const files = opts.files ?? nodeFiles;
  const temp = `${file}.tmp-${process.pid}`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    const fh = await files.open(temp, 'w', opts.mode ?? 0o600);
    try {
      await writeWhole(fh, bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await renameRetrying(files, temp, file);
  } catch (e) {
    await files.remove(temp).catch(() => undefined);
    throw e;
  }
  await syncDir(files, dirname(file));
}
