/**
 * Foundry agents on the event's `foundry-agents` resource (a project
 * endpoint): classic agents as `@azure/ai-agents` sends them (assistants,
 * threads with messages, runs and run steps, create-and-run, files, vector
 * stores) and new agents as `@azure/ai-projects` 2.x sends them
 * (`/agents/{name}` with versions). Every object is the creator's alone (see
 * `objects/object-calls.ts`); new agents are named, and a name belongs to whoever created
 * it first.
 */
import { kindsServing } from '../../../../shared/resource-kinds/table.js';
import type { Resource } from '../../../../shared/types.js';
import { KitError } from '../../errors.js';
import { collectionRoutes } from '../objects/collections.js';
import { createObject, homeResources, objectCall, optionalJson, type Target } from '../objects/object-calls.js';
import { listObjects } from '../objects/object-lists.js';
import type { ObjectType } from '../objects/ownership.js';
import type { ProxyCall } from '../pipeline/call.js';
import type { ProxyRoute } from '../route.js';
import { withApiVersion } from '../targets/api-version.js';

/** The same path on the project endpoint, with the client's query and the project's api-version. */
export const projectTarget: Target = (call, r) => `${call.deps.upstream.base(r)}${call.path}${withApiVersion(call, r)}`;

const foundry = (call: ProxyCall): Resource[] => homeResources(call, kindsServing('agents'), 'Foundry agents resource');
const idParam = (call: ProxyCall) => call.params.id ?? '';
const collection = (path: string, type: ObjectType, upload = false) =>
  collectionRoutes(path, type, { home: foundry, target: projectTarget, upload });

/** Creating a new agent (or a version of one) claims its name for the caller. */
function createNamed(nameOf: (call: ProxyCall, body: Record<string, unknown> | undefined) => unknown) {
  return async (call: ProxyCall): Promise<void> => {
    const body = await optionalJson(call);
    const name = nameOf(call, body);
    if (typeof name !== 'string' || !name) {
      throw new KitError('invalid_request', 'A new agent needs a "name".');
    }
    const ownership = call.deps.ownership;
    const claim = ownership.claimName(call, name);
    try {
      const home = claim.alreadyOwned ? [ownership.access(call, 'agent', name).resource] : foundry(call);
      await createObject(call, { type: 'agent', home: () => home, target: projectTarget });
    } finally {
      claim.release();
    }
  };
}

export const agentsRoutes: ProxyRoute[] = [
  ...collection('/assistants', 'assistant'),
  ...collection('/threads', 'thread'),
  // Create-and-run: the thread it makes (named in the run, or first in the stream) becomes the caller's.
  {
    method: 'POST',
    path: '/threads/runs',
    handler: (call) => createObject(call, { type: undefined, home: foundry, target: projectTarget }),
  },
  ...collection('/files', 'file', true),
  ...collection('/vector_stores', 'vector_store'),
  // New agents (@azure/ai-projects 2.x), identified by name.
  { method: 'POST', path: '/agents', handler: createNamed((_call, body) => body?.name) },
  { method: 'POST', path: '/agents/:id/versions', handler: createNamed((call) => call.params.id) },
  {
    method: 'GET',
    path: '/agents',
    handler: (call) => listObjects(call, 'agent', foundry(call), projectTarget, (item) => item.name),
  },
  {
    method: ['GET', 'POST', 'DELETE'],
    path: '/agents/:id',
    handler: (call) => objectCall(call, 'agent', idParam(call), projectTarget),
  },
  {
    method: ['GET', 'POST', 'DELETE'],
    path: '/agents/:id/*',
    handler: (call) => objectCall(call, 'agent', idParam(call), projectTarget),
  },
];
