/**
 * Azure AI Search, read-only: the query operations a search SDK makes, in
 * both URL styles (REST `indexes/{index}/docs/search` and OData
 * `indexes('{index}')/docs/search.post.search`), and reading the index's
 * definition (`indexes/{index}`, `indexes('{index}')`), which vector-store
 * libraries do before they query. Anything that writes (documents, index
 * management) is 405, so even an admin key stays read-only through the kit.
 * The index must be one of the event's search resources.
 */

import { upstreamName } from '../../../../shared/resource-kinds/model-names.js';
import { kindsServing } from '../../../../shared/resource-kinds/table.js';
import { KitError } from '../../errors.js';
import type { ProxyCall } from '../pipeline/call.js';
import { resolveDeployment } from '../pipeline/deployments.js';
import { type ForwardPlan, forward } from '../pipeline/forward.js';
import type { ProxyRoute } from '../route.js';
import { withApiVersion } from '../targets/api-version.js';

/** The read operations, by the part of the path after the index. */
const readOps: Array<{ method: 'GET' | 'POST'; tail: RegExp }> = [
  // The index definition (fields, vector profiles): vector-store libraries read it before they query.
  { method: 'GET', tail: /^$/ },
  { method: 'GET', tail: /^\/docs$/ },
  { method: 'POST', tail: /^\/docs\/(search|search\.post\.search)$/ },
  { method: 'GET', tail: /^\/docs\/\$count$/ },
  { method: 'GET', tail: /^\/docs\/(suggest|search\.suggest|autocomplete|search\.autocomplete)$/ },
  { method: 'POST', tail: /^\/docs\/(suggest|search\.post\.suggest|autocomplete|search\.post\.autocomplete)$/ },
  // Document lookup by key; the names above are operations, not keys (as on the service itself).
  { method: 'GET', tail: /^\/docs\/(?!index$|search(\.|$)|suggest$|autocomplete$)[^/]+$/ },
  { method: 'GET', tail: /^\/docs\('[^/]*'\)$/ },
];

/** `/name/rest` or `('name')/rest` → the index name (decoded) and the rest (raw). */
export function splitIndexPath(afterIndexes: string): { index: string; tail: string } | undefined {
  const m = /^\/([^/('"]+)(\/.*)?$/.exec(afterIndexes) ?? /^\('([^'/]+)'\)(\/.*)?$/.exec(afterIndexes);
  if (!m?.[1]) return undefined;
  let index: string;
  try {
    index = decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
  return { index, tail: m[2] ?? '' };
}

const readOnly = (method: string) =>
  new KitError(
    'method_not_allowed',
    `The kit gives read-only access to search: ${method} on this path would change the index, or list the service's other indexes. Queries, counts, suggestions, document lookups and reading the index's definition are allowed.`,
    { allow: 'GET, POST' },
  );

async function search(call: ProxyCall): Promise<void> {
  const method = call.req.method ?? 'GET';
  const afterIndexes = call.path.slice('/indexes'.length);
  const parts = splitIndexPath(afterIndexes);
  const op = parts && readOps.find((o) => o.method === method && o.tail.test(parts.tail));
  if (!parts || !op) throw readOnly(method);
  const candidates = resolveDeployment(call, parts.index, kindsServing('search'), 'search index');
  const odata = afterIndexes.startsWith('(');
  await forward(call, {
    deployment: parts.index,
    candidates,
    build: (r) => {
      const name = encodeURIComponent(upstreamName(r));
      const indexPart = odata ? `('${name}')` : `/${name}`;
      return {
        url: `${call.deps.upstream.base(r)}/indexes${indexPart}${parts.tail}${withApiVersion(call, r)}`,
        ...(method === 'GET' ? { body: null } : {}),
      };
    },
    ...(parts.tail === '' ? { respond: asAttendeeSees(parts.index) } : {}),
  });
}

/** Members of an index definition that hold credentials (a vectorizer's key, an encryption key's secret). */
const secretMembers = new Set(['apiKey', 'applicationSecret', 'accessCredentials']);

/** A definition is small: strip what the upstream key could see and the attendee must not, by name, at any depth. */
function withoutSecrets(v: unknown, depth = 0): unknown {
  if (depth > 32 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => withoutSecrets(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v))
    out[k] = secretMembers.has(k) && x !== null ? null : withoutSecrets(x, depth + 1);
  return out;
}

/**
 * The index definition as the attendee should see it: under the name they
 * asked for (the resource may know it by another upstream), without
 * credentials.
 */
function asAttendeeSees(index: string): NonNullable<ForwardPlan['respond']> {
  return (_resource, status) =>
    status === 200
      ? {
          async rewrite(body) {
            let v: unknown;
            try {
              v = JSON.parse(body.toString('utf8'));
            } catch {
              throw new KitError(
                'upstream_unavailable',
                'The search service answered an index definition the kit cannot read.',
              );
            }
            const clean = withoutSecrets(v) as Record<string, unknown>;
            if (clean && typeof clean === 'object' && !Array.isArray(clean) && 'name' in clean) clean.name = index;
            return Buffer.from(JSON.stringify(clean));
          },
        }
      : undefined;
}

export const searchRoutes: ProxyRoute[] = [
  // One row for the whole `indexes` tree: the module above decides what is a read.
  { method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], path: '/indexes*', handler: search },
];
