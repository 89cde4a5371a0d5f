/**
 * The one module that knows how each upstream auth mode becomes a header:
 * api-key (in the header the kind's descriptor names), a static bearer token,
 * or an Entra ID token from @azure/identity with the descriptor's scope. Tokens are cached and
 * refreshed before they expire; tests inject their own `TokenSource`.
 */
import type { TokenCredential } from '@azure/identity';
import { kindOf } from '../../../../shared/resource-kinds/table.js';
import type { Resource, ResourceKind } from '../../../../shared/types.js';
import { KitError } from '../../errors.js';

export interface AccessToken {
  token: string;
  expiresOnTimestamp: number;
}

/** Where Entra tokens come from: @azure/identity in the product, a fake in tests. */
export interface TokenSource {
  getToken(resource: Resource, scope: string): Promise<AccessToken>;
}

/** The Entra ID scope of the service behind a kind (its descriptor's). */
export const scopeFor = (kind: ResourceKind): string => kindOf(kind).entraScope;

/**
 * The @azure/identity credential a resource's Entra mode names. The library
 * is loaded on first use: most kits hold only keys, and it weighs about
 * 25 MB of memory that an api-key workshop need not carry.
 */
export async function credentialFor(resource: Resource): Promise<TokenCredential> {
  const auth = resource.auth;
  if (auth.type !== 'entra') throw new Error('not an Entra resource');
  const {
    AzureCliCredential,
    ClientSecretCredential,
    DefaultAzureCredential,
    ManagedIdentityCredential,
    WorkloadIdentityCredential,
  } = await import('@azure/identity');
  switch (auth.mode) {
    case 'azure-cli':
      return new AzureCliCredential(auth.tenantId ? { tenantId: auth.tenantId } : {});
    case 'service-principal':
      if (!auth.tenantId || !auth.clientId || !auth.clientSecret) {
        throw new KitError(
          'upstream_auth_failed',
          `Resource "${resource.name}": a service principal needs tenantId, clientId and clientSecret.`,
        );
      }
      return new ClientSecretCredential(auth.tenantId, auth.clientId, auth.clientSecret);
    case 'managed-identity':
      return auth.clientId
        ? new ManagedIdentityCredential({ clientId: auth.clientId })
        : new ManagedIdentityCredential();
    case 'workload-identity':
      return new WorkloadIdentityCredential({
        ...(auth.tenantId ? { tenantId: auth.tenantId } : {}),
        ...(auth.clientId ? { clientId: auth.clientId } : {}),
      });
    default:
      return new DefaultAzureCredential(auth.clientId ? { managedIdentityClientId: auth.clientId } : {});
  }
}

/** Refresh this long before expiry so no request leaves with a token about to lapse. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** A sign-in that takes longer than this (an IMDS probe with no VM behind it) is reported, not waited on. */
const TOKEN_TIMEOUT_MS = 30_000;

/**
 * An @azure/identity failure in words an organizer can act on ("run az
 * login", "invalid client secret"), bounded, and with the resource's own
 * secret cut out in case a library echoes it.
 */
export function signInFailure(resource: Resource, e: unknown): KitError {
  const err = e as { name?: string; message?: string };
  let detail = String(err.message ?? '')
    .split('\n')[0]
    ?.trim()
    .slice(0, 300);
  const secret = resource.auth.type === 'entra' ? resource.auth.clientSecret : undefined;
  if (secret && detail) detail = detail.split(secret).join('[secret]');
  return new KitError(
    'upstream_auth_failed',
    `Resource "${resource.name}": could not get an Entra ID token (${err.name ?? 'Error'}${detail ? `: ${detail}` : ''}). Check the resource's sign-in settings.`,
  );
}

interface CachedToken {
  key: string;
  /** The token being fetched or held; concurrent callers share it. */
  pending: Promise<AccessToken>;
  /** Set once it resolved: when to fetch the next one. */
  refreshAt?: number;
  token?: AccessToken;
}

/** A refresh that fails while the old token still has this long to live keeps serving it and tries again soon. */
const GRACE_MS = 30_000;

/** @azure/identity behind a per-resource, per-scope cache; concurrent callers share one token request. */
export class IdentityTokenSource implements TokenSource {
  readonly #credentials = new Map<string, { fingerprint: string; credential: TokenCredential }>();
  readonly #tokens = new Map<string, CachedToken>();
  readonly #now: () => number;
  readonly #make: (r: Resource) => TokenCredential | Promise<TokenCredential>;

  constructor(
    now: () => number = Date.now,
    make: (r: Resource) => TokenCredential | Promise<TokenCredential> = credentialFor,
  ) {
    this.#now = now;
    this.#make = make;
  }

  getToken(resource: Resource, scope: string): Promise<AccessToken> {
    const fingerprint = JSON.stringify(resource.auth);
    const key = `${resource.id}\u0000${scope}\u0000${fingerprint}`;
    const cached = this.#tokens.get(key);
    if (cached && (cached.refreshAt === undefined || cached.refreshAt > this.#now())) return cached.pending;
    return this.#fetch(resource, scope, key, fingerprint, cached?.token);
  }

  #fetch(
    resource: Resource,
    scope: string,
    key: string,
    fingerprint: string,
    previous: AccessToken | undefined,
  ): Promise<AccessToken> {
    const entry: CachedToken = { key, pending: Promise.resolve(undefined as never) };
    entry.pending = (async () => {
      let held = this.#credentials.get(resource.id);
      if (!held || held.fingerprint !== fingerprint) {
        // Constructing can fail too (a workload identity with no client id): same report as a failed sign-in.
        held = { fingerprint, credential: await this.#make(resource) };
        this.#credentials.set(resource.id, held);
      }
      const t = await held.credential.getToken(scope, { abortSignal: AbortSignal.timeout(TOKEN_TIMEOUT_MS) });
      if (!t) throw new Error('the credential returned no token');
      return { token: t.token, expiresOnTimestamp: t.expiresOnTimestamp };
    })().then(
      (t) => {
        const margin = Math.min(REFRESH_MARGIN_MS, (t.expiresOnTimestamp - this.#now()) / 2);
        entry.refreshAt = t.expiresOnTimestamp - margin;
        entry.token = t;
        return t;
      },
      (e: unknown) => {
        const now = this.#now();
        if (previous && previous.expiresOnTimestamp - now > GRACE_MS) {
          // Entra is having a moment, but the token in hand is still good: keep the workshop going.
          entry.refreshAt = now + GRACE_MS;
          entry.token = previous;
          return previous;
        }
        if (this.#tokens.get(key) === entry) this.#tokens.delete(key);
        throw signInFailure(resource, e);
      },
    );
    this.#tokens.set(key, entry);
    return entry.pending;
  }
}

/**
 * The headers that carry the resource's own credential upstream. Static
 * credentials come back at once (no promise on the hot path); an Entra token
 * comes as a promise, since it may need signing in or refreshing.
 */
export function credentialHeaders(
  resource: Resource,
  tokens: TokenSource,
): Record<string, string> | Promise<Record<string, string>> {
  const auth = resource.auth;
  switch (auth.type) {
    case 'api-key':
      return kindOf(resource.kind).keyHeader === 'api-key'
        ? { 'api-key': auth.key }
        : { authorization: `Bearer ${auth.key}` };
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'entra':
      return tokens.getToken(resource, scopeFor(resource.kind)).then((t) => ({ authorization: `Bearer ${t.token}` }));
    default:
      return {};
  }
}
