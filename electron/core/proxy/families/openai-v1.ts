/**
 * The OpenAI v1 API (`/openai/v1/...`, what the `OpenAI` client sends with
 * `baseURL` = endpoint + `/openai/v1`): chat completions and embeddings name
 * their model in the body and go to the event's deployment of that name.
 */
import type { ProxyCall } from '../call.js';
import { resolveDeployment } from '../deployments.js';
import { forward } from '../forward.js';
import type { ProxyRoute } from '../route.js';
import { modelKinds, modelTarget } from './model-target.js';

export function byModelV1(operation: string) {
  return async (call: ProxyCall): Promise<void> => {
    const json = await call.json();
    const model = typeof json.model === 'string' ? json.model : undefined;
    const candidates = resolveDeployment(call, model, modelKinds, 'model');
    await forward(call, {
      deployment: model ?? '',
      candidates,
      build: (r) => modelTarget(call, r, operation, json, 'v1'),
    });
  };
}

export const openAiV1Routes: ProxyRoute[] = [
  { method: 'POST', path: '/openai/v1/chat/completions', handler: byModelV1('chat/completions') },
  { method: 'POST', path: '/openai/v1/embeddings', handler: byModelV1('embeddings') },
];
