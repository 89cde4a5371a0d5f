/**
 * The OpenAI v1 API (`/openai/v1/...`, what the `OpenAI` client sends with
 * `baseURL` = endpoint + `/openai/v1`): chat completions and embeddings name
 * their model in the body; conversations live on the event's Foundry
 * project (or an Azure OpenAI resource's v1 API when there is none) and are
 * their creator's alone. The rest of the v1 surface has its own files:
 * responses (`responses.ts`), files and vector stores (`openai-files.ts`),
 * completions, images and audio (`openai-media.ts`).
 */

import { kindsServing } from '../../../../shared/resource-kinds/table.js';
import type { Resource, ResourceKind } from '../../../../shared/types.js';
import { collectionRoutes } from '../objects/collections.js';
import { homeResources } from '../objects/object-calls.js';
import type { ProxyCall } from '../pipeline/call.js';
import { eventResources, modelKinds, resolveDeployment } from '../pipeline/deployments.js';
import { forward } from '../pipeline/forward.js';
import type { ProxyRoute } from '../route.js';
import { modelTarget } from '../targets/model-target.js';
import { V1, v1Target } from '../targets/openai-targets.js';

export { v1Target };

/** A JSON call routed by the `model` its body names, to that deployment's v1 operation. */
export function byModelV1(operation: string, kinds: readonly ResourceKind[] = modelKinds) {
  return async (call: ProxyCall): Promise<void> => {
    const json = await call.json();
    const model = typeof json.model === 'string' ? json.model : undefined;
    const candidates = resolveDeployment(call, model, kinds, 'model');
    await forward(call, {
      deployment: model ?? '',
      candidates,
      build: (r) => modelTarget(call, r, operation, json, 'v1'),
    });
  };
}

/** Conversations live on the Foundry project, or on an Azure OpenAI resource's v1 API when there is none. */
const conversationHome = (call: ProxyCall): Resource[] => {
  const rs = eventResources(call, kindsServing('agents'));
  return rs.length ? rs : homeResources(call, kindsServing('dated-objects'), 'Foundry agents resource');
};

export const openAiV1Routes: ProxyRoute[] = [
  { method: 'POST', path: `${V1}/chat/completions`, handler: byModelV1('chat/completions') },
  { method: 'POST', path: `${V1}/embeddings`, handler: byModelV1('embeddings') },
  ...collectionRoutes(`${V1}/conversations`, 'conversation', { home: conversationHome, target: v1Target }),
];
