/**
 * The OpenAI v1 API (`/openai/v1/...`, what the `OpenAI` client sends with
 * `baseURL` = endpoint + `/openai/v1`). Chat completions and embeddings name
 * their model in the body. Responses go to the model's deployment when they
 * name one; one that names an `agent` (and no model), or a new conversation,
 * goes to the event's `foundry-agents` resource; a call on an existing
 * response or conversation goes to the resource that holds it, and only for
 * the attendee who created it.
 */
import type { Resource } from '../../../../shared/types.js';
import type { Json, ProxyCall } from '../call.js';
import { eventResources, resolveDeployment } from '../deployments.js';
import { forward } from '../forward.js';
import type { ProxyRoute } from '../route.js';
import { modelKinds, modelTarget } from './model-target.js';
import { listObjects } from './object-lists.js';
import { createObject, homeResources, noResource, objectCall, type Target } from './objects.js';

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

const V1 = '/openai/v1';

/** Where a resource serves the v1 API: Azure resources and Foundry projects under `/openai/v1`, others at their base. */
export const v1Target: Target = (call, r) => {
  const base = call.deps.upstream.base(r);
  const root = r.kind === 'azure-openai' || r.kind === 'foundry-agents' ? `${base}${V1}` : base;
  return `${root}${call.path.slice(V1.length)}${call.search}`;
};

/** Conversations live on the Foundry project, or on an Azure OpenAI resource's v1 API when there is none. */
const conversationHome = (call: ProxyCall): Resource[] => {
  const rs = eventResources(call, ['foundry-agents']);
  return rs.length ? rs : homeResources(call, ['azure-openai'], 'Foundry agents resource');
};

async function createResponse(call: ProxyCall): Promise<void> {
  const json = await call.json();
  const model = typeof json.model === 'string' ? json.model : undefined;
  await createObject(call, {
    type: 'response',
    home: (c, body) => {
      if (model) return resolveDeployment(c, model, modelKinds, 'model');
      const foundry = eventResources(c, ['foundry-agents']);
      if (foundry.length) return foundry;
      throw body?.agent
        ? noResource('Foundry agents resource', c)
        : noResource('model for a response without "model"', c);
    },
    target: v1Target,
    build: (c, r, body) =>
      model && r.kind !== 'foundry-agents'
        ? modelTarget(c, r, 'responses', body as Json, 'v1')
        : { url: v1Target(c, r) },
  });
}

const id = (call: ProxyCall) => call.params.id ?? '';

export const openAiV1Routes: ProxyRoute[] = [
  { method: 'POST', path: `${V1}/chat/completions`, handler: byModelV1('chat/completions') },
  { method: 'POST', path: `${V1}/embeddings`, handler: byModelV1('embeddings') },
  { method: 'POST', path: `${V1}/responses`, handler: createResponse },
  {
    method: ['GET', 'POST', 'DELETE'],
    path: `${V1}/responses/:id`,
    handler: (call) => objectCall(call, 'response', id(call), v1Target),
  },
  {
    method: ['GET', 'POST', 'DELETE'],
    path: `${V1}/responses/:id/*`,
    handler: (call) => objectCall(call, 'response', id(call), v1Target),
  },
  {
    method: 'POST',
    path: `${V1}/conversations`,
    handler: (call) => createObject(call, { type: 'conversation', home: conversationHome, target: v1Target }),
  },
  {
    method: 'GET',
    path: `${V1}/conversations`,
    handler: (call) => listObjects(call, 'conversation', conversationHome(call), v1Target),
  },
  {
    method: ['GET', 'POST', 'DELETE'],
    path: `${V1}/conversations/:id`,
    handler: (call) => objectCall(call, 'conversation', id(call), v1Target),
  },
  {
    method: ['GET', 'POST', 'DELETE'],
    path: `${V1}/conversations/:id/*`,
    handler: (call) => objectCall(call, 'conversation', id(call), v1Target),
  },
];
