/**
 * A Foundry project emulator (a test fixture): a stateful fake of the agents
 * service as `@azure/ai-agents` and `@azure/ai-projects` call it (assistants,
 * threads, messages, runs with SSE, run steps, create-and-run, files as
 * multipart with download, vector stores, named agents with versions) and of
 * the project's OpenAI v1 conversations and responses. Mounted on an
 * `Emulator` under `/api/projects/<project>`; the v1 part also at the root,
 * where an Azure OpenAI resource serves it.
 */
import type { ServerResponse } from 'node:http';
import { type Emulator, json, type Received } from './emulator.js';

type Obj = Record<string, unknown>;

export interface FoundryState {
  /** Every uploaded file, with the request headers it came with. */
  uploads: Array<{ id: string; bytes: Buffer; headers: Received['headers'] }>;
  /** Ids of everything that exists upstream, by collection. */
  collections: Map<string, Map<string, Obj>>;
}

const now = () => Math.floor(Date.now() / 1000);
const list = (data: Obj[]) => ({
  object: 'list',
  data,
  first_id: (data[0]?.id as string) ?? null,
  last_id: (data.at(-1)?.id as string) ?? null,
  has_more: false,
});
/** Upstream pages hold at most this many items, whatever the client asks (real services cap them too). */
export const FOUNDRY_MAX_PAGE = 10;

/** An OpenAI-style cursor page: `order` (default newest first), `after`, `limit`. */
function page(r: Received, all: Obj[]) {
  const ordered = r.query.get('order') === 'asc' ? all : [...all].reverse();
  const after = r.query.get('after');
  const start = after ? ordered.findIndex((o) => o.id === after) + 1 : 0;
  const limit = Math.min(Number(r.query.get('limit')) || 20, FOUNDRY_MAX_PAGE);
  const data = ordered.slice(start, start + limit);
  return { ...list(data), has_more: start + limit < ordered.length };
}

const notFound = (res: ServerResponse, what: string) =>
  json(res, 404, { error: { code: 'not_found', message: `emulator: no ${what}` } });

function sse(res: ServerResponse, events: Array<[string, unknown]>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [event, data] of events) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  res.end('event: done\ndata: [DONE]\n\n');
}

export function addFoundry(emu: Emulator, project = 'p1'): FoundryState {
  const state: FoundryState = { uploads: [], collections: new Map() };
  let n = 0;
  const nextId = (prefix: string) => `${prefix}${++n}`;
  const coll = (name: string) => {
    let c = state.collections.get(name);
    if (!c) {
      c = new Map();
      state.collections.set(name, c);
    }
    return c;
  };
  const body = (r: Received) => (r.json ?? {}) as Obj;

  const message = (threadId: string, role: string, text: string, runId: string | null = null): Obj => ({
    id: nextId('msg_'),
    object: 'thread.message',
    created_at: now(),
    thread_id: threadId,
    role,
    status: 'completed',
    content: [{ type: 'text', text: { value: text, annotations: [] } }],
    assistant_id: null,
    run_id: runId,
    attachments: [],
    metadata: {},
  });
  const newThread = (b: Obj): Obj => {
    const t = {
      id: nextId('thread_'),
      object: 'thread',
      created_at: now(),
      metadata: b.metadata ?? {},
      tool_resources: null,
    };
    coll('threads').set(t.id, t);
    for (const m of (b.messages as Obj[] | undefined) ?? []) {
      const msg = message(t.id, String(m.role ?? 'user'), String(m.content ?? ''));
      coll(`messages:${t.id}`).set(msg.id as string, msg);
    }
    return t;
  };
  /** A run completes at once: it adds the assistant's reply and one step. */
  const newRun = (threadId: string, b: Obj): Obj => {
    const run = {
      id: nextId('run_'),
      object: 'thread.run',
      created_at: now(),
      thread_id: threadId,
      assistant_id: b.assistant_id,
      status: 'completed',
      model: 'gpt-4o',
      instructions: '',
      tools: [],
      metadata: {},
      usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
    };
    coll(`runs:${threadId}`).set(run.id, run);
    const reply = message(threadId, 'assistant', `Reply to the thread ${threadId}`, run.id);
    coll(`messages:${threadId}`).set(reply.id as string, reply);
    const step = {
      id: nextId('step_'),
      object: 'thread.run.step',
      created_at: now(),
      run_id: run.id,
      thread_id: threadId,
      assistant_id: b.assistant_id,
      type: 'message_creation',
      status: 'completed',
      step_details: { type: 'message_creation', message_creation: { message_id: reply.id } },
    };
    coll(`steps:${run.id}`).set(step.id, step);
    return run;
  };
  const runEvents = (run: Obj, thread?: Obj): Array<[string, unknown]> => [
    ...(thread ? [['thread.created', thread] as [string, unknown]] : []),
    ['thread.run.created', { ...run, status: 'queued' }],
    ['thread.run.in_progress', { ...run, status: 'in_progress' }],
    ['thread.run.completed', run],
  ];

  const pathOf = (r: Received) => r.path.replace(new RegExp(`^/api/projects/${project}`), '');

  const make: Record<string, (r: Received) => Obj | Promise<Obj>> = {
    assistants: (r) => ({
      id: nextId('asst_'),
      object: 'assistant',
      created_at: now(),
      name: body(r).name ?? null,
      model: body(r).model,
      instructions: body(r).instructions ?? '',
      tools: body(r).tools ?? [],
      tool_resources: body(r).tool_resources ?? {},
      metadata: {},
    }),
    threads: (r) => newThread(body(r)),
    vector_stores: (r) => ({
      id: nextId('vs_'),
      object: 'vector_store',
      created_at: now(),
      name: body(r).name ?? '',
      status: 'completed',
      usage_bytes: 0,
      file_counts: { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 },
      metadata: {},
    }),
    files: async (r) => {
      const form = await new Response(new Uint8Array(r.body), {
        headers: { 'content-type': String(r.headers['content-type']) },
      }).formData();
      const file = form.get('file') as File;
      const bytes = Buffer.from(await file.arrayBuffer());
      // Azure file ids start with "assistant-": ownership must not be guessed from a prefix.
      const id = nextId('assistant-');
      state.uploads.push({ id, bytes, headers: r.headers });
      coll('file-bytes').set(id, { bytes });
      return {
        id,
        object: 'file',
        bytes: bytes.length,
        filename: file.name,
        purpose: String(form.get('purpose')),
        created_at: now(),
        status: 'processed',
      };
    },
    conversations: () => ({ id: nextId('conv_'), object: 'conversation', created_at: now(), metadata: {} }),
  };

  function respond(
    r: Received,
    res: ServerResponse,
    items: Map<string, Obj>,
    id: string | undefined,
    deletedObject: string,
  ) {
    if (!id) return json(res, 200, page(r, [...items.values()]));
    const o = items.get(id);
    if (!o) return notFound(res, id);
    if (r.method === 'DELETE') {
      items.delete(id);
      return json(res, 200, { id, object: deletedObject, deleted: true });
    }
    if (r.method === 'POST') Object.assign(o, body(r));
    return json(res, 200, o);
  }

  function responseObject(b: Obj): Obj {
    const conversation = typeof b.conversation === 'string' ? b.conversation : (b.conversation as Obj | undefined)?.id;
    const agent = (b.agent as Obj | undefined)?.name;
    return {
      id: nextId('resp_'),
      object: 'response',
      created_at: now(),
      status: 'completed',
      model: b.model ?? 'agent-model',
      ...(agent ? { agent: { type: 'agent_id', name: agent, version: '1' } } : {}),
      ...(conversation ? { conversation: { id: conversation } } : {}),
      previous_response_id: b.previous_response_id ?? null,
      output: [
        {
          type: 'message',
          id: nextId('msg_'),
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: agent ? `Agent ${agent} says hi` : 'Model says hi', annotations: [] }],
        },
      ],
      usage: { input_tokens: 8, output_tokens: 4, total_tokens: 12 },
    };
  }

  /** The OpenAI v1 surface (conversations, responses), relative to its root. */
  async function v1(r: Received, res: ServerResponse, path: string): Promise<boolean> {
    let m = /^\/conversations(?:\/([^/]+))?(\/items(?:\/([^/]+))?)?$/.exec(path);
    if (m) {
      const [, id, items] = m;
      if (!id && r.method === 'POST') {
        const c = await make.conversations!(r);
        coll('conversations').set(c.id as string, c);
        json(res, 200, c);
      } else if (items) {
        if (!coll('conversations').has(id ?? '')) notFound(res, id ?? '');
        else json(res, 200, list([]));
      } else respond(r, res, coll('conversations'), id, 'conversation.deleted');
      return true;
    }
    m = /^\/responses(?:\/([^/]+))?(\/input_items)?$/.exec(path);
    if (m) {
      const [, id, inputItems] = m;
      if (!id && r.method === 'POST') {
        const o = responseObject(body(r));
        coll('responses').set(o.id as string, o);
        if (body(r).stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(
            `event: response.created\ndata: ${JSON.stringify({ type: 'response.created', sequence_number: 0, response: { ...o, status: 'in_progress', output: [] } })}\n\n`,
          );
          res.write(
            `event: response.output_text.delta\ndata: ${JSON.stringify({ type: 'response.output_text.delta', sequence_number: 1, item_id: 'm', output_index: 0, content_index: 0, delta: 'hi' })}\n\n`,
          );
          res.end(
            `event: response.completed\ndata: ${JSON.stringify({ type: 'response.completed', sequence_number: 2, response: o })}\n\n`,
          );
        } else json(res, 200, o);
      } else if (inputItems) {
        if (!coll('responses').has(id ?? '')) notFound(res, id ?? '');
        else json(res, 200, list([]));
      } else respond(r, res, coll('responses'), id, 'response.deleted');
      return true;
    }
    return false;
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
        if (agents.has(String(b.name))) {
          json(res, 409, { error: { code: 'conflict', message: 'exists' } });
          return true;
        }
        json(res, 200, view(addVersion(String(b.name), b).agent));
      } else json(res, 200, page(r, [...agents.values()].map(view)));
      return true;
    }
    const agent = agents.get(name);
    if (versions && !version && r.method === 'POST') {
      json(res, 200, addVersion(name, body(r)).v);
      return true;
    }
    if (!agent) {
      notFound(res, name);
      return true;
    }
    if (versions) {
      const all = agent.all as Obj[];
      if (!version) json(res, 200, list(all));
      else {
        const v = all.find((x) => x.version === version);
        if (!v) notFound(res, version);
        else json(res, 200, v);
      }
      return true;
    }
    if (r.method === 'DELETE') {
      agents.delete(name);
      json(res, 200, { object: 'agent.deleted', name, deleted: true });
    } else if (r.method === 'POST') json(res, 200, view(addVersion(name, body(r)).agent));
    else json(res, 200, view(agent));
    return true;
  }

  async function classic(r: Received, res: ServerResponse, path: string): Promise<boolean> {
    if (path === '/threads/runs' && r.method === 'POST') {
      const b = body(r);
      const thread = newThread((b.thread as Obj | undefined) ?? {});
      const run = newRun(thread.id as string, b);
      if (b.stream) sse(res, runEvents(run, thread));
      else json(res, 200, run);
      return true;
    }
    let m =
      /^\/threads\/([^/]+)\/(messages|runs)(?:\/([^/]+))?(?:\/(steps|cancel|submit_tool_outputs)(?:\/([^/]+))?)?$/.exec(
        path,
      );
    if (m) {
      const [, threadId = '', kind, subId, action, stepId] = m;
      if (!coll('threads').has(threadId)) {
        notFound(res, threadId);
        return true;
      }
      if (kind === 'messages') {
        if (!subId && r.method === 'POST') {
          const msg = message(threadId, String(body(r).role ?? 'user'), String(body(r).content ?? ''));
          coll(`messages:${threadId}`).set(msg.id as string, msg);
          json(res, 200, msg);
        } else respond(r, res, coll(`messages:${threadId}`), subId, 'thread.message.deleted');
        return true;
      }
      if (!subId && r.method === 'POST') {
        const run = newRun(threadId, body(r));
        if (body(r).stream) sse(res, runEvents(run));
        else json(res, 200, run);
        return true;
      }
      const run = subId ? coll(`runs:${threadId}`).get(subId) : undefined;
      if (subId && !run) {
        notFound(res, subId);
        return true;
      }
      if (action === 'steps') respond(r, res, coll(`steps:${subId}`), stepId, 'step.deleted');
      else if (action === 'cancel' && run) json(res, 200, { ...run, status: 'cancelled' });
      else respond(r, res, coll(`runs:${threadId}`), subId, 'thread.run.deleted');
      return true;
    }
    m = /^\/vector_stores\/([^/]+)\/files(?:\/([^/]+))?$/.exec(path);
    if (m) {
      const [, vsId = '', fileId] = m;
      if (!coll('vector_stores').has(vsId)) {
        notFound(res, vsId);
        return true;
      }
      if (!fileId && r.method === 'POST') {
        const f = {
          id: body(r).file_id,
          object: 'vector_store.file',
          vector_store_id: vsId,
          status: 'completed',
          created_at: now(),
          usage_bytes: 1,
        };
        coll(`vsfiles:${vsId}`).set(String(f.id), f);
        json(res, 200, f);
      } else respond(r, res, coll(`vsfiles:${vsId}`), fileId, 'vector_store.file.deleted');
      return true;
    }
    m = /^\/files\/([^/]+)\/content$/.exec(path);
    if (m) {
      const bytes = coll('file-bytes').get(m[1] ?? '')?.bytes as Buffer | undefined;
      if (!bytes) {
        notFound(res, m[1] ?? '');
        return true;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(bytes);
      return true;
    }
    m = /^\/(assistants|threads|files|vector_stores)(?:\/([^/]+))?$/.exec(path);
    if (m) {
      const [, name = '', id] = m;
      if (!id && r.method === 'POST') {
        const o = await make[name]!(r);
        coll(name).set(o.id as string, o);
        json(res, 200, o);
      } else respond(r, res, coll(name), id, `${name.replace(/s$/, '')}.deleted`);
      return true;
    }
    return false;
  }

  const handler = async (r: Received, res: ServerResponse) => {
    const inProject = r.path.startsWith(`/api/projects/${project}/`);
    const path = pathOf(r);
    const v1Path = path.startsWith('/openai/v1/') ? path.slice('/openai/v1'.length) : undefined;
    if (v1Path !== undefined && (await v1(r, res, v1Path))) return;
    if (inProject && ((await agentsNew(r, res, path)) || (await classic(r, res, path)))) return;
    notFound(res, `${r.method} ${r.path}`);
  };
  for (const method of ['GET', 'POST', 'DELETE']) {
    emu.route(method, new RegExp(`^/api/projects/${project}/`), handler);
    emu.route(method, /^\/openai\/v1\/(conversations|responses)/, handler);
  }
  return state;
}
