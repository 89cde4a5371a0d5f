/**
 * Opens the JSON store of a data dir, and starts from damage when it must.
 *
 * A good `store.json` (it parses, it has the store's shape, its secrets are
 * opened) is kept as a snapshot and loaded. A damaged one is moved aside,
 * never overwritten, and the newest good snapshot is loaded instead (an
 * empty store when there is none); the store's status and the kit log say
 * what was wrong, where the damaged file went, and from when the kit
 * started. A file written by a newer kit is not damage: the kit refuses to
 * start on it rather than write an older shape over it.
 *
 * Every start then writes the store once: a data dir that cannot be written
 * (read-only, full, not ours) is known from the first second, and the kit
 * serves what it has, refusing writes with `store_unavailable` and saying
 * why, instead of failing on the first registration.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { AtomicJsonFile } from './atomic-json-file.js';
import { errnoOf, type FileLayer } from './file-layer.js';
import { JsonStore } from './json-store.js';
import { moveAside } from './move-aside.js';
import { emptyData, migrate, type StoreData, storeProblem } from './schema.js';
import { SealedJsonFile, secretUnreadable } from './sealed-adapter.js';
import type { SecretBox } from './secret-box.js';
import { type Snapshot, Snapshots } from './snapshots.js';
import { type KitLog, StoreHealth } from './store-health.js';

export const STORE_FILE = 'store.json';

export interface OpenStoreOptions {
  /** The file operations of the store file (tests inject failures). */
  files?: FileLayer;
  log?: KitLog;
  now?: () => number;
  /** The health the kit shows; made here when not given. */
  health?: StoreHealth;
}

type Parsed = { data: StoreData } | { problem: string };

/** Parses and checks a store file's text; throws only for a file from a newer kit. */
function parse(text: string, sealed: SealedJsonFile): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { problem: `it is not whole JSON (${(e as Error).message})` };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { problem: 'it does not hold a JSON object' };
  const data = migrate(raw as Record<string, unknown>);
  const problem = storeProblem(data);
  if (problem) return { problem: `it does not have the store’s shape (${problem})` };
  sealed.openSecrets(data as unknown as Record<string, unknown>);
  return { data };
}

/** The newest snapshot that is good, or undefined. */
async function newestGood(snapshots: Snapshots, sealed: SealedJsonFile): Promise<(Snapshot & Parsed) | undefined> {
  for (const s of await snapshots.list().catch(() => [])) {
    try {
      const r = parse(await readFile(s.file, 'utf8'), sealed);
      if ('data' in r) return { ...s, ...r };
    } catch {
      // unreadable, or from a newer kit: try an older one
    }
  }
  return undefined;
}

const minutesBefore = (savedAt: string, now: number) => {
  const m = Math.max(0, Math.round((now - Date.parse(savedAt)) / 60_000));
  return m < 1 ? 'less than a minute before' : m < 120 ? `${m} minutes before` : `${Math.round(m / 60)} hours before`;
};

export async function openStore(dataDir: string, box: SecretBox, opts: OpenStoreOptions = {}): Promise<JsonStore> {
  const now = opts.now ?? Date.now;
  const health = opts.health ?? new StoreHealth(opts.log, now);
  // A data dir that cannot be made (a read-only disk) is not fatal: the store runs in memory and says so.
  await mkdir(dataDir, { recursive: true }).catch(() => undefined);
  const file = new AtomicJsonFile(join(dataDir, STORE_FILE), opts.files);
  const sealed = new SealedJsonFile(file, box);
  const snapshots = new Snapshots(dataDir, file.file, now);

  let problem: string | undefined;
  let data: StoreData | undefined;
  let text: string | null = null;
  try {
    text = await file.read();
  } catch (e) {
    problem = `it could not be read (${errnoOf(e) ?? (e as Error).message})`;
  }
  if (text !== null) {
    const r = parse(text, sealed);
    if ('data' in r) data = r.data;
    else problem = r.problem;
  }

  if (problem) {
    const at = now();
    const movedTo = await moveAside(file.file, 'damaged', at);
    const good = await newestGood(snapshots, sealed);
    data = good && 'data' in good ? good.data : undefined;
    const moved = movedTo
      ? `it was moved to ${basename(movedTo)}`
      : 'it could not be moved aside and was left in place';
    const from = good
      ? `The kit started from the snapshot of ${good.savedAt} (${minutesBefore(good.savedAt, at)} this start): ` +
        'changes made after it are not in it.'
      : 'No good snapshot was found, so the kit started with an empty store.';
    health.recovered(
      {
        snapshot: good ? join('snapshots', good.name) : null,
        ...(good ? { savedAt: good.savedAt } : {}),
        ...(movedTo ? { movedTo: basename(movedTo) } : {}),
        problem,
        at: new Date(at).toISOString(),
      },
      `store.json could not be used: ${problem}; ${moved}. ${from}`,
    );
  }

  const store = new JsonStore(data ?? emptyData(), sealed, health, {
    afterWrite: () => snapshots.maybeTake(),
    closing: () => snapshots.settle(),
    // A restore keeps the store it replaces (outside the rotation), then snapshots the new one at once, so
    // a damaged file later starts from the restored store, not from the one before it.
    beforeReplace: async () => relative(dataDir, await snapshots.keepAside('before-restore')),
    afterReplace: () => snapshots.take(),
  });
  const locked = store.resources.filter(secretUnreadable).map((r) => `"${r.name}"`);
  if (locked.length) {
    health.notice(
      `The upstream secrets of ${locked.join(', ')} cannot be opened with this kit's secret key (it was lost or ` +
        'replaced). Enter them again in Resources; until then the kit does not use these resources.',
    );
  }
  // The good file as read, before anything is written over it.
  if (data && !problem) await snapshots.take();
  await store.save().catch(() => undefined);
  return store;
}
