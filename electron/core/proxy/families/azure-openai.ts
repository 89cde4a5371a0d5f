/**
 * Azure OpenAI deployment routes (`/openai/deployments/{deployment}/...`).
 * An azure-openai resource gets the same path and the client's api-version;
 * an OpenAI-compatible server (or the playground) gets `/v1/<operation>` with
 * the model named in the body instead. Multipart uploads (audio, image
 * edits) stream straight through; binary answers (speech) stream straight
 * back.
 */
import { upstreamName } from '../../../../shared/resource-kinds/model-names.js';
import { kindOf } from '../../../../shared/resource-kinds/table.js';
import type { Resource } from '../../../../shared/types.js';
import type { Json, ProxyCall } from '../pipeline/call.js';
import { openAiKinds, resolveDeployment } from '../pipeline/deployments.js';
import { forward, type UpstreamRequest } from '../pipeline/forward.js';
import type { ProxyRoute } from '../route.js';
import { withApiVersion } from '../targets/api-version.js';

/** OpenAI-compatible servers have no "extensions" flavour: the plain operation is the closest. */
const compatibleOperation = (operation: string) => operation.replace(/^extensions\//, '');

/** Where one OpenAI-style JSON operation goes on a given resource. */
export function openAiJsonTarget(call: ProxyCall, r: Resource, operation: string, json: Json): UpstreamRequest {
  const base = call.deps.upstream.base(r);
  if (kindOf(r.kind).wire === 'azure-openai') {
    return {
      url: `${base}/openai/deployments/${encodeURIComponent(upstreamName(r))}/${operation}${withApiVersion(call, r)}`,
    };
  }
  return {
    url: `${base}/${compatibleOperation(operation)}`,
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

/**
 * A multipart upload (audio to transcribe or translate, an image to edit),
 * streamed to upstream as it arrives with the client's content type (and
 * boundary). An OpenAI-compatible server reads the model from the form as
 * the client wrote it.
 */
function deploymentMultipart(operation: string) {
  return async (call: ProxyCall): Promise<void> => {
    const deployment = call.params.deployment ?? '';
    const candidates = resolveDeployment(call, deployment, openAiKinds);
    const body = call.bodyStream();
    await forward(call, {
      deployment,
      candidates,
      build: (r) => {
        const base = call.deps.upstream.base(r);
        const url =
          kindOf(r.kind).wire === 'azure-openai'
            ? `${base}/openai/deployments/${encodeURIComponent(upstreamName(r))}/${operation}${withApiVersion(call, r)}`
            : `${base}/${operation}`;
        return { url, body };
      },
    });
  };
}

const json = (path: string, operation: string): ProxyRoute => ({
  method: 'POST',
  path: `/openai/deployments/:deployment/${path}`,
  handler: deploymentJson(operation),
});

export const azureOpenAIRoutes: ProxyRoute[] = [
  json('chat/completions', 'chat/completions'),
  json('extensions/chat/completions', 'extensions/chat/completions'),
  json('embeddings', 'embeddings'),
  json('completions', 'completions'),
  json('images/generations', 'images/generations'),
  json('audio/speech', 'audio/speech'),
  {
    method: 'POST',
    path: '/openai/deployments/:deployment/audio/transcriptions',
    handler: deploymentMultipart('audio/transcriptions'),
  },
  {
    method: 'POST',
    path: '/openai/deployments/:deployment/audio/translations',
    handler: deploymentMultipart('audio/translations'),
  },
  {
    method: 'POST',
    path: '/openai/deployments/:deployment/images/edits',
    handler: deploymentMultipart('images/edits'),
  },
];
