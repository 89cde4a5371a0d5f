/**
 * The one module that knows how each upstream auth mode becomes a header:
 * api-key, a static bearer token, or an Entra ID token from @azure/identity
 * with the scope of the service behind the resource. Tokens are cached and
 * refreshed before they expire; tests inject their own `TokenSource`.
 */
import {
  AzureCliCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
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

const scopeByKind: Partial<Record<ResourceKind, string>> = {
  'azure-openai': 'https://cognitiveservices.azure.com/.default',
  'azure-inference': 'https://cognitiveservices.azure.com/.default',
  'openai-compatible': 'https://cognitiveservices.azure.com/.default',
  'azure-search': 'https://search.azure.com/.default',
  'foundry-agents': 'https://ai.azure.com/.default',
  mcp: 'https://ai.azure.com/.default',
};

export const scopeFor = (kind: ResourceKind): string =>
  scopeByKind[kind] ?? 'https://cognitiveservices.azure.com/.default';

/** Azure services that take a key in `api-key`; the rest take `Authorization: Bearer`. */
const apiKeyHeaderKinds = new Set<ResourceKind>(['azure-openai', 'azure-inference', 'azure-search']);

export function credentialFor(resource: Resource): TokenCredential {
  const auth = resource.auth;
  if (auth.type !== 'entra') throw new Error('not an Entra resource');
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

/** @azure/identity behind a per-resource cache; concurrent callers share one token request. */
export class IdentityTokenSource implements TokenSource {
  readonly #credentials = new Map<string, { fingerprint: string; credential: TokenCredential }>();
  readonly #tokens = new Map<string, Promise<AccessToken>>();
  readonly #now: () => number;
  readonly #make: (r: Resource) => TokenCredential;

  constructor(now: () => number = Date.now, make: (r: Resource) => TokenCredential = credentialFor) {
    this.#now = now;
    this.#make = make;
  }

  getToken(resource: Resource, scope: string): Promise<AccessToken> {
    const fingerprint = JSON.stringify(resource.auth);
    const key = `${resource.id}\u0000${scope}\u0000${fingerprint}`;
    const cached = this.#tokens.get(key);
    if (cached) {
      return cached.then((t) =>
        t.expiresOnTimestamp - REFRESH_MARGIN_MS > this.#now() ? t : this.#fetch(resource, scope, key, fingerprint),
      );
    }
    return this.#fetch(resource, scope, key, fingerprint);
  }

  #fetch(resource: Resource, scope: string, key: string, fingerprint: string): Promise<AccessToken> {
    let entry = this.#credentials.get(resource.id);
    if (!entry || entry.fingerprint !== fingerprint) {
      entry = { fingerprint, credential: this.#make(resource) };
      this.#credentials.set(resource.id, entry);
    }
    const p = entry.credential.getToken(scope).then(
      (t) => {
        if (!t) throw new Error('no token');
        return { token: t.token, expiresOnTimestamp: t.expiresOnTimestamp };
      },
      (e: Error) => {
        throw new KitError(
          'upstream_auth_failed',
          `Resource "${resource.name}": could not get an Entra ID token (${e.name}). Check the resource's sign-in settings.`,
        );
      },
    );
    this.#tokens.set(key, p);
    p.catch(() => this.#tokens.delete(key));
    return p;
  }
}

/** The headers that carry the resource's own credential upstream. */
export async function credentialHeaders(resource: Resource, tokens: TokenSource): Promise<Record<string, string>> {
  const auth = resource.auth;
  switch (auth.type) {
    case 'api-key':
      return apiKeyHeaderKinds.has(resource.kind) ? { 'api-key': auth.key } : { authorization: `Bearer ${auth.key}` };
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'entra': {
      const t = await tokens.getToken(resource, scopeFor(resource.kind));
      return { authorization: `Bearer ${t.token}` };
    }
    default:
      return {};
  }
}
