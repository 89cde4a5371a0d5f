/**
 * Rotating snapshots of good store files, to start from when `store.json` is
 * damaged (a disk error, a sync tool, a hand edit gone wrong). One is taken
 * at each start (of the file just read and found good) and one after a write
 * when the last is older than ten minutes; the newest `KEEP` are kept, so the
 * folder holds at most `KEEP` store-sized files. A snapshot is a hard link to
 * the store file just written (the store never changes a file in place, it
 * replaces it, so the link keeps that version and costs no copy), or a copy
 * where the file system has no hard links (FAT and exFAT USB sticks).
 */
import { access, copyFile, link, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf, nodeFiles, syncDir } from './file-layer.js';

/** How many snapshots are kept. */
export const KEEP_SNAPSHOTS = 6;
/** The least time between two snapshots taken after writes. */
export const SNAPSHOT_EVERY_MS = 10 * 60_000;

const pattern = /^store-(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)(?:-\d+)?\.json$/;

/** `2026-06-01T12:00:00.000Z` → `2026-06-01T12-00-00-000Z`: a file name every OS accepts, sorting by time. */
export const fileStamp = (at: number) => new Date(at).toISOString().replace(/[:.]/g, '-');
const stampToIso = (s: string) => s.replace(/T(\d\d)-(\d\d)-(\d\d)-(\d{3})Z$/, 'T$1:$2:$3.$4Z');

export interface Snapshot {
  file: string;
  name: string;
  /** When the store it holds was saved (ISO). */
  savedAt: string;
}

export class Snapshots {
  readonly dir: string;
  readonly #storeFile: string;
  readonly #now: () => number;
  #last = 0;
  #taking: Promise<void> | undefined;

  constructor(dataDir: string, storeFile: string, now: () => number = Date.now) {
    this.dir = join(dataDir, 'snapshots');
    this.#storeFile = storeFile;
    this.#now = now;
  }

  /** The snapshots there are, newest first. */
  async list(): Promise<Snapshot[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return [];
      throw e;
    }
    return names
      .filter((n) => pattern.test(n))
      .sort()
      .reverse()
      .map((name) => ({ name, file: join(this.dir, name), savedAt: stampToIso(pattern.exec(name)?.[1] ?? '') }));
  }

  /** Keeps the store file as it is now; a failure (a full disk) only means no snapshot this time. */
  take(): Promise<void> {
    const at = this.#now();
    this.#last = at;
    const run = async () => {
      await mkdir(this.dir, { recursive: true });
      const target = await this.#freeName(at);
      try {
        await link(this.#storeFile, target);
      } catch (e) {
        if (errnoOf(e) === 'ENOENT') return;
        // No hard links here: a copy, made whole under a temp name first.
        await copyFile(this.#storeFile, `${target}.tmp`);
        await rename(`${target}.tmp`, target);
      }
      await syncDir(nodeFiles, this.dir).catch(() => undefined);
      await this.#prune();
    };
    const p = (this.#taking ?? Promise.resolve()).then(run).catch(() => undefined);
    this.#taking = p;
    return p;
  }

  /**
   * Keeps the store file as it is now under `<label>-<time>.json`, outside the rotation (never pruned,
   * never started from): the store a restore replaced. Rejects when it cannot be kept.
   */
  async keepAside(label: string): Promise<string> {
    await this.#taking;
    await mkdir(this.dir, { recursive: true });
    const target = join(this.dir, `${label}-${fileStamp(this.#now())}.json`);
    try {
      await link(this.#storeFile, target);
    } catch (e) {
      if (errnoOf(e) === 'ENOENT' && !(await exists(this.#storeFile)))
        throw new Error('there is no store file to keep');
      await copyFile(this.#storeFile, `${target}.tmp`);
      await rename(`${target}.tmp`, target);
    }
    await syncDir(nodeFiles, this.dir);
    return target;
  }

  /** Takes one if the last is older than the interval: called after each write that landed. */
  maybeTake(): void {
    if (this.#now() - this.#last >= SNAPSHOT_EVERY_MS) void this.take();
  }

  /** Waits for a snapshot in progress. */
  async settle(): Promise<void> {
    await this.#taking;
  }

  async #freeName(at: number): Promise<string> {
    const taken = new Set((await this.list()).map((s) => s.name));
    const base = `store-${fileStamp(at)}`;
    let name = `${base}.json`;
    for (let i = 2; taken.has(name); i++) name = `${base}-${i}.json`;
    return join(this.dir, name);
  }

  async #prune(): Promise<void> {
    const all = await this.list();
    for (const old of all.slice(KEEP_SNAPSHOTS)) await rm(old.file, { force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
