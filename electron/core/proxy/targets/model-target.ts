/**
 * Calls that name their model in the body (Azure AI inference, the OpenAI v1
 * API) and may land on any kind of model resource: where each kind wants the
 * operation, and the body with the model renamed to what upstream knows.
 */
import { upstreamName } from '../../../../shared/resource-kinds/model-names.js';
import { kindOf } from '../../../../shared/resource-kinds/table.js';
import type { Resource } from '../../../../shared/types.js';
import type { Json, ProxyCall } from '../pipeline/call.js';
import type { UpstreamRequest } from '../pipeline/upstream-request.js';
import { apiVersionOf, withApiVersion } from './api-version.js';

/** The body as the client sent it, unless upstream knows the model by another name. */
function renamed(r: Resource, json: Json): Pick<UpstreamRequest, 'body' | 'headers'> {
  const name = upstreamName(r);
  if (json.model === name) return {};
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...json, model: name }) };
}

/**
 * The name upstream knows `model` by on resource `r`: its own upstream name
 * when `model` is its deployment, else that of the event's resource on the
 * same endpoint (the same Azure account) that serves `model`; anything else
 * goes as written. A call pinned to `r` by an object it names (a previous
 * response, a file) may still ask for another of the event's models.
 */
export function upstreamModel(call: ProxyCall, r: Resource, model: string): string {
  if (r.deployment === model) return upstreamName(r);
  const sibling = call.deps.store
    .resourcesOf(call.caller.event)
    .find((x) => x.deployment === model && x.kind === r.kind && x.endpoint === r.endpoint);
  return sibling ? upstreamName(sibling) : model;
}

/** The JSON body with its `model` renamed for `r` (see `upstreamModel`), or nothing when the name stands. */
export function renamedFor(
  call: ProxyCall,
  r: Resource,
  json: Json | undefined,
): Pick<UpstreamRequest, 'body' | 'headers'> {
  if (typeof json?.model !== 'string') return {};
  const name = upstreamModel(call, r, json.model);
  if (name === json.model) return {};
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...json, model: name }) };
}

/**
 * `operation` is the OpenAI-style path (`chat/completions`, `embeddings`,
 * `images/embeddings`); `style` says which family the client spoke, so an
 * Azure OpenAI resource is reached through its matching surface.
 */
export function modelTarget(
  call: ProxyCall,
  r: Resource,
  operation: string,
  json: Json,
  style: 'inference' | 'v1',
): UpstreamRequest {
  const base = call.deps.upstream.base(r);
  switch (kindOf(r.kind).wire) {
    case 'azure-inference':
      return { url: `${base}/${operation}${withApiVersion(call, r)}`, ...renamed(r, json) };
    case 'azure-openai':
      if (style === 'v1') return { url: `${base}/openai/v1/${operation}${call.search}`, ...renamed(r, json) };
      // The inference client's api-version means nothing to Azure OpenAI: use the resource's.
      return {
        url: `${base}/openai/deployments/${encodeURIComponent(upstreamName(r))}/${operation}?api-version=${encodeURIComponent(apiVersionOf(r) ?? '')}`,
      };
    default:
      return { url: `${base}/${operation}`, ...renamed(r, json) };
  }
}
