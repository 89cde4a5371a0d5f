/**
 * Legacy completions, images and audio on the v1 API, routed by the model
 * the request names like v1 chat: JSON calls (`/completions`,
 * `/images/generations`, `/audio/speech`) by the body's `model`, multipart
 * uploads (`/audio/transcriptions`, `/audio/translations`, `/images/edits`)
 * by the form's `model` field, found as the upload streams in (see
 * `http/multipart-field.ts`) and renamed to what upstream knows the deployment
 * by. Also `/openai/images/edits`, where `AzureOpenAI` sends an image edit
 * when the client was made without a `deployment` (the form names the
 * model, not the path): it reaches the deployment's own path upstream.
 */
import { upstreamName } from '../../../../shared/resource-kinds/model-names.js';
import { kindOf } from '../../../../shared/resource-kinds/table.js';
import type { Resource } from '../../../../shared/types.js';
import { readFormField } from '../../http/multipart-field.js';
import type { ProxyCall } from '../pipeline/call.js';
import { openAiKinds, resolveDeployment } from '../pipeline/deployments.js';
import { forward } from '../pipeline/forward.js';
import type { ProxyRoute } from '../route.js';
import { withApiVersion } from '../targets/api-version.js';
import { V1 } from '../targets/openai-targets.js';
import { byModelV1 } from './openai-v1.js';

type Surface = 'v1' | 'dated';

function mediaUrl(call: ProxyCall, r: Resource, operation: string, surface: Surface): string {
  const base = call.deps.upstream.base(r);
  if (kindOf(r.kind).wire !== 'azure-openai') return `${base}/${operation}`;
  if (surface === 'v1') return `${base}${V1}/${operation}${call.search}`;
  return `${base}/openai/deployments/${encodeURIComponent(upstreamName(r))}/${operation}${withApiVersion(call, r)}`;
}

/** A multipart upload routed by its form's `model` field, streamed on with that field renamed for upstream. */
function byFormModel(operation: string, surface: Surface) {
  return async (call: ProxyCall): Promise<void> => {
    const form = await readFormField(call.bodyStream(), call.req.headers['content-type'], 'model');
    try {
      const candidates = resolveDeployment(call, form.value, openAiKinds, 'model');
      await forward(call, {
        deployment: form.value ?? '',
        candidates,
        build: (r) => {
          form.replaceWith(upstreamName(r));
          return { url: mediaUrl(call, r, operation, surface), body: form.body };
        },
      });
    } finally {
      await form.dispose();
    }
  };
}

const post = (path: string, handler: ProxyRoute['handler']): ProxyRoute => ({ method: 'POST', path, handler });

export const openAiMediaRoutes: ProxyRoute[] = [
  post(`${V1}/completions`, byModelV1('completions', openAiKinds)),
  post(`${V1}/images/generations`, byModelV1('images/generations', openAiKinds)),
  post(`${V1}/images/edits`, byFormModel('images/edits', 'v1')),
  post(`${V1}/audio/speech`, byModelV1('audio/speech', openAiKinds)),
  post(`${V1}/audio/transcriptions`, byFormModel('audio/transcriptions', 'v1')),
  post(`${V1}/audio/translations`, byFormModel('audio/translations', 'v1')),
  post('/openai/images/edits', byFormModel('images/edits', 'dated')),
];
