/**
 * A lowdb adapter over an atomic, piecewise JSON writer (temp file, then
 * rename) that seals resource secrets on the way to disk and opens them on
 * the way back, so the store file never holds an upstream key in clear.
 */
import type { Resource, ResourceAuth } from '../../../shared/types.js';
import { AtomicJsonFile } from './atomic-json-file.js';
import type { StoreData } from './schema.js';
import type { SecretBox } from './secret-box.js';

function mapAuth(auth: ResourceAuth, f: (s: string) => string): ResourceAuth {
  switch (auth.type) {
    case 'api-key':
      return { ...auth, key: f(auth.key) };
    case 'bearer':
      return { ...auth, token: f(auth.token) };
    case 'entra':
      return auth.clientSecret ? { ...auth, clientSecret: f(auth.clientSecret) } : auth;
    default:
      return auth;
  }
}

const mapResources = (rs: Resource[], f: (s: string) => string): Resource[] =>
  rs.map((r) => ({ ...r, auth: mapAuth(r.auth, f) }));

export class SealedJsonFile {
  readonly #file: AtomicJsonFile;
  readonly #box: SecretBox;

  constructor(filename: string, box: SecretBox) {
    this.#file = new AtomicJsonFile(filename);
    this.#box = box;
  }

  async read(): Promise<Record<string, unknown> | null> {
    const text = await this.#file.read();
    if (text === null) return null;
    const raw = JSON.parse(text) as Record<string, unknown>;
    if (Array.isArray(raw.resources)) raw.resources = mapResources(raw.resources as Resource[], this.#box.open);
    return raw;
  }

  /** Serializes `data` when the write starts, so writes queued behind a slow one cost one serialization. */
  write(data: StoreData): Promise<void> {
    return this.#file.write(() => ({ ...data, resources: mapResources(data.resources, this.#box.seal) }));
  }
}
