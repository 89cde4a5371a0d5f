/**
 * Opens the JSON store of a data dir: reads `store.json`, opens its sealed
 * secrets, brings an older file up to date, and hands back the driver. A new
 * data dir gets its (empty) store file written at once, so a data dir that
 * cannot be written is known from the start.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AtomicJsonFile } from './atomic-json-file.js';
import type { FileLayer } from './file-layer.js';
import { JsonStore } from './json-store.js';
import { emptyData, migrate, type StoreData } from './schema.js';
import { SealedJsonFile, secretUnreadable } from './sealed-adapter.js';
import type { SecretBox } from './secret-box.js';
import { type KitLog, StoreHealth } from './store-health.js';

export const STORE_FILE = 'store.json';

export interface OpenStoreOptions {
  /** The file operations (tests inject failures). */
  files?: FileLayer;
  log?: KitLog;
  now?: () => number;
}

export async function openStore(dataDir: string, box: SecretBox, opts: OpenStoreOptions = {}): Promise<JsonStore> {
  await mkdir(dataDir, { recursive: true });
  const health = new StoreHealth(opts.log, opts.now);
  const file = new AtomicJsonFile(join(dataDir, STORE_FILE), opts.files);
  const sealed = new SealedJsonFile(file, box);
  const text = await file.read();
  let data: StoreData;
  if (text === null) {
    data = emptyData();
  } else {
    const raw = JSON.parse(text) as Record<string, unknown>;
    sealed.openSecrets(raw);
    data = migrate(raw);
  }
  const store = new JsonStore(data, sealed, health);
  const locked = store.resources.filter(secretUnreadable).map((r) => `"${r.name}"`);
  if (locked.length) {
    health.notice(
      `The upstream secrets of ${locked.join(', ')} cannot be opened with this kit's secret key (it was lost or ` +
        'replaced). Enter them again in Resources; until then the kit does not use these resources.',
    );
  }
  if (text === null) await store.save().catch(() => undefined);
  return store;
}
