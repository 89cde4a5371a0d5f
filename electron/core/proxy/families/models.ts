/**
 * Model listing, answered by the kit from the caller's event with no
 * upstream call: `GET /openai/v1/models` (the `OpenAI` client with
 * `baseURL` = endpoint + `/openai/v1`), `GET /openai/models` (what
 * `AzureOpenAI` sends, with its api-version), and `retrieve(id)` on both.
 * Chat UIs, notebooks and LangChain helpers list models before anything
 * else; what they may pick is exactly what this event lets the attendee call
 * by name: the deployments of its model resources (Azure OpenAI, AI
 * inference, OpenAI-compatible, playground), each name once. Search indexes,
 * MCP servers and agent projects are not models.
 */

import type { Resource } from '../../../../shared/types.js';
import { sendJson } from '../../http/send-json.js';
import type { ProxyCall } from '../pipeline/call.js';
import { eventResources, modelKinds, resolveDeployment } from '../pipeline/deployments.js';
import type { ProxyRoute } from '../route.js';

interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

const OWNER = 'ai-proxy-kit';

/** One entry per deployment name, dated by its oldest resource (the name has existed since then). */
function modelObject(name: string, resources: readonly Resource[]): ModelObject {
  let created = Number.POSITIVE_INFINITY;
  for (const r of resources) created = Math.min(created, Date.parse(r.createdAt) || 0);
  return {
    id: name,
    object: 'model',
    created: Math.floor((Number.isFinite(created) ? created : 0) / 1000),
    owned_by: OWNER,
  };
}

function list(call: ProxyCall): Promise<void> {
  const byName = new Map<string, Resource[]>();
  for (const r of eventResources(call, modelKinds)) {
    const same = byName.get(r.deployment);
    if (same) same.push(r);
    else byName.set(r.deployment, [r]);
  }
  const data = [...byName].map(([name, rs]) => modelObject(name, rs));
  sendJson(call.res, 200, { object: 'list', data });
  return Promise.resolve();
}

function retrieve(call: ProxyCall): Promise<void> {
  const id = call.params.id ?? '';
  sendJson(call.res, 200, modelObject(id, resolveDeployment(call, id, modelKinds, 'model')));
  return Promise.resolve();
}

export const modelsRoutes: ProxyRoute[] = [
  { method: 'GET', path: '/openai/v1/models', handler: list },
  { method: 'GET', path: '/openai/v1/models/:id', handler: retrieve },
  { method: 'GET', path: '/openai/models', handler: list },
  { method: 'GET', path: '/openai/models/:id', handler: retrieve },
];
