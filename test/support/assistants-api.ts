/**
 * The Assistants API (v2) as Azure OpenAI and a Foundry project's classic
 * agents serve it, for the emulators (test fixtures): assistants, threads,
 * messages, runs, run steps and create-and-run. A run is created `queued`
 * and finishes over the next reads, as the service's do: its reply, its step
 * and its `usage` appear only once it is `completed`; a streamed run
 * finishes while it streams, its step's usage in `thread.run.step.completed`
 * and the run's in `thread.run.completed`. It refuses what the service refuses: an assistant without
 * a model or with a model the resource does not deploy, a message without a
 * role or content, a run with `max_tokens` (runs take
 * `max_completion_tokens`), ids of objects that do not exist.
 */
import type { ServerResponse } from 'node:http';
import { json, type Received } from './emulator.js';
import type { ObjectsContext } from './files-api.js';
import {
  apiError,
  body,
  missing,
  notFoundError,
  now,
  type Obj,
  page,
  progression,
  requireJson,
} from './openai-wire.js';

/** What every finished run reports (its one step reports the same share). */
export const RUN_USAGE = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };

export interface AssistantsApiOptions {
  /** The deployments an assistant may name; any model when absent (a Foundry project). */
  deployments?: readonly string[];
}

/** Parameters of a run the service knows; anything else is refused as unrecognized. */
const runParams = new Set([
  'assistant_id',
  'model',
  'instructions',
  'additional_instructions',
  'additional_messages',
  'tools',
  'tool_resources',
  'metadata',
  'temperature',
  'top_p',
  'stream',
  'max_prompt_tokens',
  'max_completion_tokens',
  'truncation_strategy',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'thread',
]);

function sse(res: ServerResponse, events: Array<[string, unknown]>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [event, data] of events) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  res.end('event: done\ndata: [DONE]\n\n');
}

export function assistantsApi(ctx: ObjectsContext, opts: AssistantsApiOptions = {}) {
  const { coll, nextId } = ctx;
  const assistants = coll('assistants');
  const threads = coll('threads');
  const running = progression();

  const message = (threadId: string, role: string, content: unknown, runId: string | null = null): Obj => ({
    id: nextId('msg_'),
    object: 'thread.message',
    created_at: now(),
    thread_id: threadId,
    role,
    status: 'completed',
    content: [
      {
        type: 'text',
        text: { value: typeof content === 'string' ? content : JSON.stringify(content), annotations: [] },
      },
    ],
    assistant_id: null,
    run_id: runId,
    attachments: [],
    metadata: {},
  });

  /** A new thread, or a 4xx already sent (undefined). */
  const newThread = (res: ServerResponse, b: Obj): Obj | undefined => {
    const msgs = (b.messages as Obj[] | undefined) ?? [];
    for (const m of msgs) {
      if (m?.role !== 'user' && m?.role !== 'assistant') {
        apiError(res, 400, "Invalid value for 'role': expected 'user' or 'assistant'.", { param: 'messages' });
        return undefined;
      }
    }
    const t = {
      id: nextId('thread_'),
      object: 'thread',
      created_at: now(),
      metadata: b.metadata ?? {},
      tool_resources: b.tool_resources ?? null,
    };
    threads.set(t.id, t);
    for (const m of msgs) {
      const msg = message(t.id, String(m.role), m.content ?? '');
      coll(`messages:${t.id}`).set(msg.id as string, msg);
    }
    return t;
  };

  /**
   * A new run, queued, and what finishing it does (the assistant's reply, one
   * step and the usage appear). Undefined: a 4xx was sent.
   */
  const newRun = (res: ServerResponse, threadId: string, b: Obj): { run: Obj; finish: () => Obj } | undefined => {
    const unknown = Object.keys(b).find((k) => !runParams.has(k));
    if (unknown) {
      apiError(res, 400, `Unrecognized request argument supplied: ${unknown}`, { param: unknown });
      return undefined;
    }
    const assistant = assistants.get(String(b.assistant_id));
    if (!assistant) {
      notFoundError(res, `assistant with id '${String(b.assistant_id)}'`);
      return undefined;
    }
    const run: Obj = {
      id: nextId('run_'),
      object: 'thread.run',
      created_at: now(),
      thread_id: threadId,
      assistant_id: b.assistant_id,
      status: 'queued',
      model: b.model ?? assistant.model,
      instructions: assistant.instructions,
      tools: [],
      metadata: {},
      max_completion_tokens: b.max_completion_tokens ?? null,
      completed_at: null,
      usage: null,
    };
    const id = run.id as string;
    coll(`runs:${threadId}`).set(id, run);
    const finish = () => {
      const reply = message(threadId, 'assistant', `Reply to the thread ${threadId}`, id);
      coll(`messages:${threadId}`).set(reply.id as string, reply);
      const step = {
        id: nextId('step_'),
        object: 'thread.run.step',
        created_at: now(),
        run_id: id,
        thread_id: threadId,
        assistant_id: b.assistant_id,
        type: 'message_creation',
        status: 'completed',
        step_details: { type: 'message_creation', message_creation: { message_id: reply.id } },
        usage: { ...RUN_USAGE },
      };
      coll(`steps:${id}`).set(step.id, step);
      Object.assign(run, { status: 'completed', completed_at: now(), usage: { ...RUN_USAGE } });
      return step;
    };
    return { run, finish };
  };
  /** Answers a new run: queued, to be polled; or streamed, finishing as it goes. */
  const answerRun = (res: ServerResponse, made: { run: Obj; finish: () => Obj }, stream: unknown, thread?: Obj) => {
    const { run, finish } = made;
    const queued = { ...run };
    if (!stream) {
      running.add(
        run.id as string,
        () => Object.assign(run, { status: 'in_progress' }),
        () => void finish(),
      );
      return json(res, 200, queued);
    }
    const step = finish();
    sse(res, [
      ...(thread ? [['thread.created', thread] as [string, unknown]] : []),
      ['thread.run.created', queued],
      ['thread.run.in_progress', { ...queued, status: 'in_progress' }],
      ['thread.run.step.created', { ...step, status: 'in_progress', usage: null }],
      ['thread.run.step.completed', step],
      ['thread.run.completed', run],
    ]);
  };

  /** List, get, update (POST merges) or delete in one collection. */
  function crud(r: Received, res: ServerResponse, items: Map<string, Obj>, id: string | undefined, deleted: string) {
    if (!id) return json(res, 200, page(r, [...items.values()]));
    const o = items.get(id);
    if (!o) return notFoundError(res, `object with id '${id}'`);
    if (r.method === 'DELETE') {
      items.delete(id);
      return json(res, 200, { id, object: deleted, deleted: true });
    }
    if (r.method === 'POST') {
      if (!requireJson(r, res)) return;
      Object.assign(o, body(r));
    }
    return json(res, 200, o);
  }

  function createAssistant(r: Received, res: ServerResponse) {
    if (!requireJson(r, res)) return;
    const b = body(r);
    if (typeof b.model !== 'string') return missing(res, 'model');
    if (opts.deployments && !opts.deployments.includes(b.model)) {
      return apiError(res, 404, `The API deployment for this resource does not exist: '${b.model}'.`, {
        code: 'DeploymentNotFound',
      });
    }
    const o = {
      id: nextId('asst_'),
      object: 'assistant',
      created_at: now(),
      name: b.name ?? null,
      description: b.description ?? null,
      model: b.model,
      instructions: b.instructions ?? '',
      tools: b.tools ?? [],
      tool_resources: b.tool_resources ?? {},
      metadata: b.metadata ?? {},
      temperature: b.temperature ?? 1,
      top_p: b.top_p ?? 1,
      response_format: b.response_format ?? 'auto',
    };
    assistants.set(o.id, o);
    json(res, 200, o);
  }

  function threadPath(r: Received, res: ServerResponse, m: RegExpExecArray) {
    const [, threadId = '', kind, subId, action, stepId] = m;
    if (!threads.has(threadId)) return notFoundError(res, `thread with id '${threadId}'`);
    if (kind === 'messages') {
      if (subId || r.method !== 'POST')
        return crud(r, res, coll(`messages:${threadId}`), subId, 'thread.message.deleted');
      if (!requireJson(r, res)) return;
      const b = body(r);
      if (b.role !== 'user' && b.role !== 'assistant') return missing(res, 'role');
      if (b.content === undefined) return missing(res, 'content');
      const msg = message(threadId, String(b.role), b.content);
      msg.attachments = b.attachments ?? [];
      coll(`messages:${threadId}`).set(msg.id as string, msg);
      return json(res, 200, msg);
    }
    if (!subId && r.method === 'POST') {
      if (!requireJson(r, res)) return;
      const made = newRun(res, threadId, body(r));
      if (made) answerRun(res, made, body(r).stream);
      return;
    }
    const run = subId ? coll(`runs:${threadId}`).get(subId) : undefined;
    if (subId && !run) return notFoundError(res, `run with id '${subId}'`);
    if (action === 'steps') return crud(r, res, coll(`steps:${subId}`), stepId, 'thread.run.step.deleted');
    if (action === 'cancel' && run) return json(res, 200, { ...run, status: 'cancelled' });
    if (r.method === 'GET') running.read(subId);
    crud(r, res, coll(`runs:${threadId}`), subId, 'thread.run.deleted');
  }

  /** Answers `path` (below the API root) if it is an assistants, threads or runs path. */
  return async function handle(r: Received, res: ServerResponse, path: string): Promise<boolean> {
    if (path === '/threads/runs' && r.method === 'POST') {
      if (!requireJson(r, res)) return true;
      const { thread: t, ...b } = body(r);
      const thread = newThread(res, (t as Obj | undefined) ?? {});
      const made = thread && newRun(res, thread.id as string, b);
      if (thread && made) answerRun(res, made, b.stream, thread);
      return true;
    }
    const m =
      /^\/threads\/([^/]+)\/(messages|runs)(?:\/([^/]+))?(?:\/(steps|cancel|submit_tool_outputs)(?:\/([^/]+))?)?$/.exec(
        path,
      );
    if (m) {
      threadPath(r, res, m);
      return true;
    }
    const top = /^\/(assistants|threads)(?:\/([^/]+))?$/.exec(path);
    if (!top) return false;
    const [, name, id] = top;
    if (!id && r.method === 'POST') {
      if (name === 'assistants') createAssistant(r, res);
      else if (requireJson(r, res)) {
        const t = newThread(res, body(r));
        if (t) json(res, 200, t);
      }
    } else
      crud(
        r,
        res,
        name === 'assistants' ? assistants : threads,
        id,
        name === 'assistants' ? 'assistant.deleted' : 'thread.deleted',
      );
    return true;
  };
}
