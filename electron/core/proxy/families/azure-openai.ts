/**
 * Azure OpenAI deployment routes (`/openai/deployments/{deployment}/...`).
 * An azure-openai resource gets the same path and the client's api-version;
 * an OpenAI-compatible server (or the playground) gets `/v1/<operation>` with
 * the model named in the body instead.
 */
import type { Resource } from '../../../../shared/types.js';
import type { Json, ProxyCall } from '../call.js';
import { openAiKinds, resolveDeployment, upstreamName } from '../deployments.js';
import { forward, type UpstreamRequest } from '../forward.js';
import type { ProxyRoute } from '../route.js';

export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

function withApiVersion(call: ProxyCall, resource: Resource): string {
  const q = new URLSearchParams(call.query);
  if (!q.has('api-version')) q.set('api-version', resource.apiVersion ?? DEFAULT_AZURE_API_VERSION);
  return `?${q}`;
}

/** Where one OpenAI-style JSON operation goes on a given resource. */
export function openAiJsonTarget(call: ProxyCall, r: Resource, operation: string, json: Json): UpstreamRequest {
  const base = call.deps.upstream.base(r);
  if (r.kind === 'azure-openai') {
    return {
      url: `${base}/openai/deployments/${encodeURIComponent(upstreamName(r))}/${operation}${withApiVersion(call, r)}`,
    };
  }
  return {
    url: `${base}/${operation}`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...json, model: upstreamName(r) }),
  };
}

function deploymentJson(operation: string) {
  return async (call: ProxyCall): Promise<void> => {
    const deployment = call.params.deployment ?? '';
    const candidates = resolveDeployment(call, deployment, openAiKinds);
    const json = await call.json();
    await forward(call, { deployment, candidates, build: (r) => openAiJsonTarget(call, r, operation, json) });
  };
}

export const azureOpenAIRoutes: ProxyRoute[] = [
  {
    method: 'POST',
    path: '/openai/deployments/:deployment/chat/completions',
    handler: deploymentJson('chat/completions'),
  },
  { method: 'POST', path: '/openai/deployments/:deployment/embeddings', handler: deploymentJson('embeddings') },
];
