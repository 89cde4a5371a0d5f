/**
 * Where the OpenAI-style object APIs (files, vector stores, assistants,
 * threads, responses) live on each kind of resource, for the two surfaces
 * attendees' clients speak: the v1 API (`/openai/v1/...`, what `OpenAI` with
 * a base URL sends) and the dated one (`/openai/...?api-version=…`, what
 * `AzureOpenAI` sends for calls that name no deployment). And which of the
 * event's resources holds a new object whose body names none of the
 * caller's objects.
 */

import { azureOpenAI } from '../../../../shared/resource-kinds/azure-openai.js';
import { kindOf, kindsServing } from '../../../../shared/resource-kinds/table.js';
import type { Resource, ResourceKind } from '../../../../shared/types.js';
import { noResource, type Target } from '../objects/object-calls.js';
import type { Json, ProxyCall } from '../pipeline/call.js';
import { eventResources } from '../pipeline/deployments.js';
import { apiVersionOf, withApiVersion } from './api-version.js';

export const V1 = '/openai/v1';

/** The v1 API below each kind's `v1Root`: `/openai/v1` on Azure resources and Foundry projects, the base URL elsewhere. */
export const v1Target: Target = (call, r) =>
  `${call.deps.upstream.base(r)}${kindOf(r.kind).v1Root}${call.path.slice(V1.length)}${call.search}`;

/**
 * The dated surface: the same path on an Azure resource or Foundry project,
 * with the client's api-version (else the resource's); an OpenAI-compatible
 * server has only the v1 shape, so it gets the path below `/openai` and no
 * api-version.
 */
export const datedTarget: Target = (call, r) => {
  const base = call.deps.upstream.base(r);
  // The dated surface is Azure OpenAI's API: without a version from the client or the resource, it gets that default.
  if (kindOf(r.kind).datedSurface) return `${base}${call.path}${withApiVersion(call, r, apiVersionOf(r, azureOpenAI))}`;
  const q = new URLSearchParams(call.query);
  q.delete('api-version');
  const search = q.toString();
  return `${base}${call.path.slice('/openai'.length)}${search ? `?${search}` : ''}`;
};

/**
 * Where a new object goes when its body names none of the caller's objects:
 * the resources serving the deployment its `model` names (an assistant), else
 * the first resource of the first kind the event offers, in the event's
 * order. One fixed home means files, vector stores, assistants and threads
 * made one after another land on the same account and can use each other;
 * an object's own record then pins every later call to where it lives.
 */
export function objectHome(kinds: readonly ResourceKind[], what: string) {
  return (call: ProxyCall, json: Json | undefined): Resource[] => {
    const offered = eventResources(call, kinds);
    if (offered.length === 0) throw noResource(what, call);
    const model = typeof json?.model === 'string' ? json.model : undefined;
    const named = model ? offered.filter((r) => r.deployment === model) : [];
    if (named.length) return named;
    const kind = kinds.find((k) => offered.some((r) => r.kind === k));
    return offered.filter((r) => r.kind === kind).slice(0, 1);
  };
}

/** Files and vector stores on the v1 API: an Azure OpenAI resource, else an OpenAI-compatible server. */
export const v1ObjectHome = objectHome(kindsServing('v1-objects'), 'Azure OpenAI or OpenAI-compatible resource');
/** Files, vector stores, assistants and threads on the dated API: an Azure OpenAI resource. */
export const datedObjectHome = objectHome(kindsServing('dated-objects'), 'Azure OpenAI resource');
