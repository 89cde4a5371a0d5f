/**
 * The api-version a call reaches a resource with: the client's own when it
 * sent one, else the resource's, else its kind's default (each kind's
 * descriptor holds its one default).
 */
import type { ResourceKindDescriptor } from '../../../../shared/resource-kinds/descriptor.js';
import { kindOf } from '../../../../shared/resource-kinds/table.js';
import type { Resource } from '../../../../shared/types.js';
import type { ProxyCall } from '../pipeline/call.js';

/** The resource's api-version, else the default of `kind` (its own kind unless a surface says otherwise). */
export const apiVersionOf = (r: Resource, kind: ResourceKindDescriptor = kindOf(r.kind)): string | undefined =>
  r.apiVersion ?? kind.defaultApiVersion;

/** The client's query string, with `version` added when it names no api-version (parsed: `api%2Dversion` counts). */
export function withApiVersion(call: ProxyCall, r: Resource, version: string | undefined = apiVersionOf(r)): string {
  if (call.query.has('api-version') || version === undefined) return call.search;
  const q = new URLSearchParams(call.query);
  q.set('api-version', version);
  return `?${q}`;
}
