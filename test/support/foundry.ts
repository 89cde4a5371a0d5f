/**
 * A Foundry project emulator (a test fixture): a stateful fake of the agents
 * service as `@azure/ai-agents` and `@azure/ai-projects` call it (the
 * Assistants API and files/vector stores of `assistants-api.ts` and
 * `files-api.ts`, named agents with versions) and of the project's OpenAI v1
 * conversations and responses. Mounted on an `Emulator` under
 * `/api/projects/<project>`; the v1 part also at the root, where an Azure
 * OpenAI resource serves it.
 */
import type { ServerResponse } from 'node:http';
import { assistantsApi } from './assistants-api.js';
import { type Emulator, json, type Received } from './emulator.js';
import { filesApi, type ObjectsContext, type Upload } from './files-api.js';
import { apiError, body, collections, ids, list, notFoundError, now, type Obj, page } from './openai-wire.js';
import { responsesApi } from './responses-api.js';

export interface FoundryState {
  /** Every uploaded file, with the request headers it came with. */
  uploads: Upload[];
}

export { RUN_USAGE } from './assistants-api.js';
export { RESPONSE_USAGE } from './responses-api.js';

export function addFoundry(emu: Emulator, project = 'p1'): FoundryState {
  const ctx: ObjectsContext = { coll: collections(), nextId: ids(), uploads: [] };
  const { coll, nextId } = ctx;
  // Azure file ids start with "assistant-": ownership must not be guessed from a prefix.
  const files = filesApi(ctx, {
    idPrefix: () => 'assistant-',
    purposes: ['assistants', 'assistants_output', 'vision'],
  });
  const classic = assistantsApi(ctx);
  const responses = responsesApi(ctx, { agents: true });

  /** Conversations (with their items), relative to the v1 root. */
  function conversations(r: Received, res: ServerResponse, path: string): boolean {
    const m = /^\/conversations(?:\/([^/]+))?(\/items(?:\/([^/]+))?)?$/.exec(path);
    if (!m) return false;
    const [, id, items] = m;
    const all = coll('conversations');
    if (!id) {
      if (r.method === 'POST') {
        const c = { id: nextId('conv_'), object: 'conversation', created_at: now(), metadata: body(r).metadata ?? {} };
        all.set(c.id, c);
        json(res, 200, c);
      } else json(res, 200, page(r, [...all.values()]));
      return true;
    }
    const c = all.get(id);
    if (!c) notFoundError(res, `conversation with id '${id}'`);
    else if (items) json(res, 200, list([]));
    else if (r.method === 'DELETE') {
      all.delete(id);
      json(res, 200, { id, object: 'conversation.deleted', deleted: true });
    } else {
      if (r.method === 'POST') Object.assign(c, { metadata: body(r).metadata ?? c.metadata });
      json(res, 200, c);
    }
    return true;
  }

  async function agentsNew(r: Received, res: ServerResponse, path: string): Promise<boolean> {
    const m = /^\/agents(?:\/([^/:]+))?(\/versions(?:\/([^/]+))?)?$/.exec(path);
    if (!m) return false;
    const [, name, versions, version] = m;
    const agents = coll('agents');
    const addVersion = (agentName: string, b: Obj) => {
      const existing = agents.get(agentName);
      const all = (existing?.all as Obj[] | undefined) ?? [];
      const v = {
        object: 'agent.version',
        id: `${agentName}:${all.length + 1}`,
        name: agentName,
        version: String(all.length + 1),
        created_at: now(),
        description: b.description ?? '',
        metadata: b.metadata ?? {},
        definition: b.definition,
      };
      all.push(v);
      const agent = {
        object: 'agent',
        id: existing?.id ?? nextId('agent_'),
        name: agentName,
        versions: { latest: v },
        all,
      };
      agents.set(agentName, agent);
      return { agent, v };
    };
    const view = (a: Obj) => ({ object: a.object, id: a.id, name: a.name, versions: a.versions });
    if (!name) {
      if (r.method === 'POST') {
        const b = body(r);
        if (agents.has(String(b.name))) apiError(res, 409, 'exists', { code: 'conflict' });
        else json(res, 200, view(addVersion(String(b.name), b).agent));
      } else json(res, 200, page(r, [...agents.values()].map(view)));
      return true;
    }
    const agent = agents.get(name);
    if (versions && !version && r.method === 'POST') {
      json(res, 200, addVersion(name, body(r)).v);
      return true;
    }
    if (!agent) {
      notFoundError(res, `agent '${name}'`);
      return true;
    }
    if (versions) {
      const all = agent.all as Obj[];
      const v = version ? all.find((x) => x.version === version) : undefined;
      if (!version) json(res, 200, list(all));
      else if (!v) notFoundError(res, `version '${version}'`);
      else json(res, 200, v);
      return true;
    }
    if (r.method === 'DELETE') {
      agents.delete(name);
      json(res, 200, { object: 'agent.deleted', name, deleted: true });
    } else if (r.method === 'POST') json(res, 200, view(addVersion(name, body(r)).agent));
    else json(res, 200, view(agent));
    return true;
  }

  const pathOf = (r: Received) => r.path.replace(new RegExp(`^/api/projects/${project}`), '');
  const handler = async (r: Received, res: ServerResponse) => {
    const inProject = r.path.startsWith(`/api/projects/${project}/`);
    const path = pathOf(r);
    const v1Path = path.startsWith('/openai/v1/') ? path.slice('/openai/v1'.length) : undefined;
    if (v1Path !== undefined && (conversations(r, res, v1Path) || (await responses(r, res, v1Path)))) return;
    if (
      inProject &&
      ((await agentsNew(r, res, path)) || (await classic(r, res, path)) || (await files(r, res, path)))
    ) {
      return;
    }
    notFoundError(res, `route ${r.method} ${r.path}`);
  };
  for (const method of ['GET', 'POST', 'DELETE']) {
    emu.route(method, new RegExp(`^/api/projects/${project}/`), handler);
    emu.route(method, /^\/openai\/v1\/(conversations|responses)/, handler);
  }
  return { uploads: ctx.uploads };
}
