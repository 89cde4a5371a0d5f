/**
 * The route rows of one collection of ownable objects (assistants, threads,
 * files, vector stores, on a Foundry project or an Azure OpenAI resource):
 * create, list, and calls on one object and its sub-paths, each with the
 * ownership rules of `object-calls.ts`. Families say only where the collection
 * lives (`home`) and how its upstream URL is built (`target`).
 */
import type { Resource } from '../../../../shared/types.js';
import type { Json, ProxyCall } from '../pipeline/call.js';
import type { ProxyRoute } from '../route.js';
import { type CreateOptions, createObject, objectCall, type Target } from './object-calls.js';
import { listObjects } from './object-lists.js';
import type { ObjectType } from './ownership.js';

export interface CollectionOptions {
  /** Where a new object goes when its body names none of the caller's objects. */
  home: (call: ProxyCall, json: Json | undefined) => Resource[];
  target: Target;
  /** Creation is a multipart upload, streamed (files). */
  upload?: boolean;
  build?: CreateOptions['build'];
}

export function collectionRoutes(path: string, type: ObjectType, opts: CollectionOptions): ProxyRoute[] {
  const id = (call: ProxyCall) => call.params.id ?? '';
  const onObject = (call: ProxyCall) => objectCall(call, type, id(call), opts.target);
  return [
    {
      method: 'POST',
      path,
      handler: (call) =>
        createObject(call, {
          type,
          home: opts.home,
          target: opts.target,
          ...(opts.upload ? { stream: true } : {}),
          ...(opts.build ? { build: opts.build } : {}),
        }),
    },
    {
      method: 'GET',
      path,
      handler: (call) => listObjects(call, type, opts.home(call, undefined), opts.target),
    },
    { method: ['GET', 'POST', 'DELETE'], path: `${path}/:id`, handler: onObject },
    { method: ['GET', 'POST', 'DELETE'], path: `${path}/:id/*`, handler: onObject },
  ];
}
