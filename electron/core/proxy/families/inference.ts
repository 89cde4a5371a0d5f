/**
 * Azure AI model inference: `/chat/completions`, `/embeddings`,
 * `/images/embeddings` and `/info`, routed by the model the body (or, for
 * `/info`, the query) names, also under `/models/...`, the Foundry endpoint
 * shape that `ModelClient(endpoint + "/models")` sends.
 */

import { upstreamName } from '../../../../shared/resource-kinds/model-names.js';
import { kindsServing } from '../../../../shared/resource-kinds/table.js';
import type { ProxyCall } from '../pipeline/call.js';
import { eventResources, modelKinds, resolveDeployment } from '../pipeline/deployments.js';
import { forward } from '../pipeline/forward.js';
import type { ProxyRoute } from '../route.js';
import { apiVersionOf } from '../targets/api-version.js';
import { modelTarget } from '../targets/model-target.js';

function byModel(operation: string) {
  return async (call: ProxyCall): Promise<void> => {
    const json = await call.json();
    const model = typeof json.model === 'string' ? json.model : undefined;
    const candidates = resolveDeployment(call, model, modelKinds, 'model');
    await forward(call, {
      deployment: model ?? '',
      candidates,
      build: (r) => modelTarget(call, r, operation, json, 'inference'),
    });
  };
}

/** Kinds that answer the AI inference API's own routes. */
const inferenceKinds = kindsServing('inference');

/** Model metadata: the model named in the query, else the event's first inference resource. */
async function info(call: ProxyCall): Promise<void> {
  const named = call.query.get('model') ?? undefined;
  const candidates = named
    ? resolveDeployment(call, named, inferenceKinds, 'model')
    : resolveDeployment(call, eventResources(call, inferenceKinds)[0]?.deployment, inferenceKinds, 'model');
  await forward(call, {
    deployment: candidates[0]?.deployment ?? '',
    candidates,
    build: (r) => {
      const q = new URLSearchParams(call.query);
      q.delete('model');
      if (!q.has('api-version')) q.set('api-version', apiVersionOf(r) ?? '');
      // A resource behind a several-model endpoint answers for the model it is asked about.
      if (named) q.set('model', upstreamName(r));
      return { url: `${call.deps.upstream.base(r)}/info?${q}`, body: null };
    },
  });
}

const rows = (prefix: string): ProxyRoute[] => [
  { method: 'POST', path: `${prefix}/chat/completions`, handler: byModel('chat/completions') },
  { method: 'POST', path: `${prefix}/embeddings`, handler: byModel('embeddings') },
  { method: 'POST', path: `${prefix}/images/embeddings`, handler: byModel('images/embeddings') },
  { method: 'GET', path: `${prefix}/info`, handler: info },
];

export const inferenceRoutes: ProxyRoute[] = [...rows(''), ...rows('/models')];
