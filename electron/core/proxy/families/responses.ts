/**
 * The Responses API on both surfaces: `/openai/v1/responses` (what `OpenAI`
 * sends) and `/openai/responses` (what `AzureOpenAI` sends with a preview
 * api-version). A new response goes to the deployment its `model` names;
 * one that names an `agent` (and no model) goes to the event's
 * `foundry-agents` project. Counting input tokens and compacting a
 * conversation are model calls too, but make nothing to own. A call on an
 * existing response (get, delete, cancel, input items) goes to the resource
 * that made it, and only for the attendee who made it.
 */

import { kindOf, kindsServing } from '../../../../shared/resource-kinds/table.js';
import type { Resource } from '../../../../shared/types.js';
import { createObject, noResource, objectCall, type Target } from '../objects/object-calls.js';
import type { ObjectType } from '../objects/ownership.js';
import type { Json, ProxyCall } from '../pipeline/call.js';
import { eventResources, modelKinds, resolveDeployment } from '../pipeline/deployments.js';
import type { ProxyRoute } from '../route.js';
import { renamedFor } from '../targets/model-target.js';
import { datedTarget, V1, v1Target } from '../targets/openai-targets.js';

/** The model the body names, else the agent's Foundry project. */
function responseHome(call: ProxyCall, body: Json | undefined): Resource[] {
  const model = typeof body?.model === 'string' ? body.model : undefined;
  if (model) return resolveDeployment(call, model, modelKinds, 'model');
  const foundry = eventResources(call, kindsServing('agents'));
  if (foundry.length) return foundry;
  throw body?.agent
    ? noResource('Foundry agents resource', call)
    : noResource('model for a response without "model"', call);
}

/** A model call that may make a response (`type`) or nothing (`undefined`). */
function modelCall(target: Target, type: ObjectType | undefined) {
  return (call: ProxyCall) =>
    createObject(call, {
      type,
      home: responseHome,
      target,
      // A Foundry project answers for its agents; a model resource gets the model by its upstream name.
      build: (c, r, body) => ({ url: target(c, r), ...(kindOf(r.kind).wire ? renamedFor(c, r, body) : {}) }),
    });
}

function responsesRoutes(prefix: string, target: Target): ProxyRoute[] {
  const onResponse = (call: ProxyCall) => objectCall(call, 'response', call.params.id ?? '', target);
  return [
    { method: 'POST', path: `${prefix}/responses`, handler: modelCall(target, 'response') },
    { method: 'POST', path: `${prefix}/responses/input_tokens`, handler: modelCall(target, undefined) },
    { method: 'POST', path: `${prefix}/responses/compact`, handler: modelCall(target, undefined) },
    { method: ['GET', 'POST', 'DELETE'], path: `${prefix}/responses/:id`, handler: onResponse },
    { method: ['GET', 'POST', 'DELETE'], path: `${prefix}/responses/:id/*`, handler: onResponse },
  ];
}

export const responsesApiRoutes: ProxyRoute[] = [
  ...responsesRoutes(V1, v1Target),
  ...responsesRoutes('/openai', datedTarget),
];
