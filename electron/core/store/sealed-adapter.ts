/**
 * The store file's lowdb adapter: an atomic, durable JSON writer that seals
 * resource secrets on the way to disk and opens them on the way back, so the
 * store file never holds an upstream key in clear. A secret that does not
 * open (the secret key was lost or replaced) stays sealed in memory and is
 * written back exactly as it was: the resource is unusable until the
 * organizer enters the secret again, and restoring the old key brings it back.
 */
import type { Resource, ResourceAuth } from '../../../shared/types.js';
import type { AtomicJsonFile } from './atomic-json-file.js';
import type { StoreData } from './schema.js';
import { SEALED_PREFIX, type SecretBox } from './secret-box.js';

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

const secretsOf = (auth: ResourceAuth): string[] =>
  auth.type === 'api-key'
    ? [auth.key]
    : auth.type === 'bearer'
      ? [auth.token]
      : auth.type === 'entra' && auth.clientSecret
        ? [auth.clientSecret]
        : [];

/** True when a secret of this resource could not be opened at start: it must be entered again. */
export const secretUnreadable = (r: Pick<Resource, 'auth'>): boolean =>
  secretsOf(r.auth).some((s) => s.startsWith(SEALED_PREFIX));

/** A resource with its secrets sealed (a secret still sealed, one that did not open, is kept as it is). */
export const sealResourceSecrets = (r: Resource, box: SecretBox): Resource => ({
  ...r,
  auth: mapAuth(r.auth, (s) => (s.startsWith(SEALED_PREFIX) ? s : box.seal(s))),
});

/** A resource with its secrets opened; one that does not open with this key stays sealed. */
export function openResourceSecrets(r: Resource, box: SecretBox): Resource {
  const open = (s: string) => {
    try {
      return box.open(s);
    } catch {
      return s;
    }
  };
  return r && typeof r === 'object' && r.auth && typeof r.auth === 'object' ? { ...r, auth: mapAuth(r.auth, open) } : r;
}

export class SealedJsonFile {
  readonly file: AtomicJsonFile;
  readonly #box: SecretBox;
  /** Resource records are immutable: each is sealed once, not on every write (and its ciphertext stays put). */
  readonly #sealed = new WeakMap<Resource, Resource>();

  constructor(file: AtomicJsonFile, box: SecretBox) {
    this.file = file;
    this.#box = box;
  }

  /** Opens the sealed secrets of a parsed store file in place; a secret that does not open stays sealed. */
  openSecrets(raw: Record<string, unknown>): void {
    if (!Array.isArray(raw.resources)) return;
    raw.resources = (raw.resources as Resource[]).map((r) => openResourceSecrets(r, this.#box));
  }

  write(data: StoreData): Promise<void> {
    return this.file.write({ ...data, resources: data.resources.map((r) => this.#seal(r)) });
  }

  #seal(r: Resource): Resource {
    let sealed = this.#sealed.get(r);
    if (!sealed) {
      sealed = sealResourceSecrets(r, this.#box);
      this.#sealed.set(r, sealed);
    }
    return sealed;
  }
}
