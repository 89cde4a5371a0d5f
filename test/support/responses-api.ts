/**
 * The Responses API as Azure OpenAI (v1 and dated) and a Foundry project
 * serve it, for the emulators (test fixtures): create (plain or streamed),
 * get, delete, cancel, input items, input-token counts and compaction. A
 * `background: true` response answers `queued` and finishes over the next
 * reads, as the service's do: its output and `usage` appear only once it is
 * `completed` (streamed, it finishes as it streams). It
 * refuses what the service refuses: parameters the API does not take
 * (`max_tokens`: responses take `max_output_tokens`), a model the resource
 * does not deploy, a previous response that does not exist, cancelling a
 * response that was not made in the background.
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

/** What every finished response reports. */
export const RESPONSE_USAGE = { input_tokens: 8, output_tokens: 4, total_tokens: 12 };

export interface ResponsesApiOptions {
  /** The deployments a `model` may name; any when absent. */
  deployments?: readonly string[];
  /** A Foundry project also answers responses that name an `agent`. */
  agents?: boolean;
}

/** Rough and deterministic: what the tests need from a tokenizer. */
const tokensOf = (v: unknown) => Math.max(1, Math.ceil(JSON.stringify(v ?? '').length / 4));

function inputItems(input: unknown): Obj[] {
  const items = typeof input === 'string' ? [{ role: 'user', content: input }] : Array.isArray(input) ? input : [];
  return (items as Obj[]).map((it, i) => ({
    id: typeof it.id === 'string' ? it.id : `msg_in_${i}`,
    type: it.type ?? 'message',
    role: it.role ?? 'user',
    status: 'completed',
    content:
      typeof it.content === 'string' ? [{ type: 'input_text', text: it.content }] : ((it.content as unknown[]) ?? []),
  }));
}

export function responsesApi(ctx: ObjectsContext, opts: ResponsesApiOptions = {}) {
  const { coll, nextId } = ctx;
  const responses = coll('responses');
  const background = progression();

  /** The body's model and references, checked; false when a 4xx was sent. */
  function checked(r: Received, res: ServerResponse, modelRequired: boolean): boolean {
    if (!requireJson(r, res)) return false;
    const b = body(r);
    if ('max_tokens' in b || 'max_completion_tokens' in b) {
      const p = 'max_tokens' in b ? 'max_tokens' : 'max_completion_tokens';
      apiError(res, 400, `Unsupported parameter: '${p}'. In the Responses API, use 'max_output_tokens'.`, {
        param: p,
        code: 'unsupported_parameter',
      });
      return false;
    }
    const agent = opts.agents ? (b.agent as Obj | undefined)?.name : undefined;
    if (typeof b.model !== 'string' && !agent && modelRequired) {
      missing(res, 'model');
      return false;
    }
    if (typeof b.model === 'string' && opts.deployments && !opts.deployments.includes(b.model)) {
      apiError(res, 404, `The API deployment for this resource does not exist: '${b.model}'.`, {
        code: 'DeploymentNotFound',
      });
      return false;
    }
    if (typeof b.previous_response_id === 'string' && !responses.has(b.previous_response_id)) {
      notFoundError(res, `response with id '${b.previous_response_id}'`);
      return false;
    }
    return true;
  }

  function create(r: Received, res: ServerResponse) {
    if (!checked(r, res, true)) return;
    const b = body(r);
    const conversation = typeof b.conversation === 'string' ? b.conversation : (b.conversation as Obj | undefined)?.id;
    const agent = (b.agent as Obj | undefined)?.name;
    const output = [
      {
        type: 'message',
        id: nextId('msg_'),
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: agent ? `Agent ${agent} says hi` : 'Model says hi', annotations: [] }],
      },
    ];
    const o: Obj = {
      id: nextId('resp_'),
      object: 'response',
      created_at: now(),
      status: 'completed',
      background: b.background ?? false,
      model: b.model ?? 'agent-model',
      ...(agent ? { agent: { type: 'agent_id', name: agent, version: '1' } } : {}),
      ...(conversation ? { conversation: { id: conversation } } : {}),
      previous_response_id: b.previous_response_id ?? null,
      max_output_tokens: b.max_output_tokens ?? null,
      output,
      usage: { ...RESPONSE_USAGE },
    };
    const stored = { ...o, _input: inputItems(b.input) };
    responses.set(o.id as string, stored);
    if (b.background && !b.stream) {
      Object.assign(stored, { status: 'queued', output: [], usage: null });
      background.add(
        o.id as string,
        () => Object.assign(stored, { status: 'in_progress' }),
        () => Object.assign(stored, { status: 'completed', output, usage: { ...RESPONSE_USAGE } }),
      );
      return json(res, 200, shown(stored));
    }
    if (!b.stream) return json(res, 200, o);
    const events = [
      { type: 'response.created', sequence_number: 0, response: { ...o, status: 'in_progress', output: [] } },
      {
        type: 'response.output_text.delta',
        sequence_number: 1,
        item_id: 'm',
        output_index: 0,
        content_index: 0,
        delta: 'hi',
      },
      { type: 'response.completed', sequence_number: 2, response: o },
    ];
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const e of events) res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    res.end();
  }

  function shown(o: Obj) {
    const { _input, ...rest } = o;
    return rest;
  }

  function onResponse(r: Received, res: ServerResponse, id: string, sub: string | undefined) {
    const o = responses.get(id);
    if (!o) return notFoundError(res, `response with id '${id}'`);
    if (sub === '/input_items' && r.method === 'GET') return json(res, 200, page(r, o._input as Obj[]));
    if (sub === '/cancel' && r.method === 'POST') {
      if (!o.background) return apiError(res, 400, 'Only responses created with background=true can be cancelled.');
      o.status = 'cancelled';
      background.stop(id);
      return json(res, 200, shown(o));
    }
    if (!sub && r.method === 'GET') background.read(id);
    if (sub) return apiError(res, 404, 'Invalid URL.');
    if (r.method === 'DELETE') {
      responses.delete(id);
      return json(res, 200, { id, object: 'response.deleted', deleted: true });
    }
    if (r.method !== 'GET') return apiError(res, 405, 'Method not allowed.');
    json(res, 200, shown(o));
  }

  /** Answers `path` (below the API root) if it is a responses path. */
  return async function handle(r: Received, res: ServerResponse, path: string): Promise<boolean> {
    if (path === '/responses/input_tokens' && r.method === 'POST') {
      if (checked(r, res, false)) {
        const b = body(r);
        const previous = typeof b.previous_response_id === 'string' ? responses.get(b.previous_response_id) : undefined;
        json(res, 200, {
          object: 'response.input_tokens',
          input_tokens: tokensOf(b.input) + tokensOf(previous?._input),
        });
      }
      return true;
    }
    if (path === '/responses/compact' && r.method === 'POST') {
      if (checked(r, res, true)) {
        const b = body(r);
        const kept = inputItems(b.input).filter((it) => it.role === 'user');
        json(res, 200, {
          id: nextId('resp_'),
          object: 'response.compaction',
          created_at: now(),
          output: [...kept, { id: nextId('cmp_'), type: 'compaction', encrypted_content: 'b3BhcXVl' }],
          usage: { input_tokens: tokensOf(b.input), output_tokens: 3, total_tokens: tokensOf(b.input) + 3 },
        });
      }
      return true;
    }
    const m = /^\/responses(?:\/([^/]+)(\/[^/]+)?)?$/.exec(path);
    if (!m) return false;
    if (!m[1]) {
      if (r.method === 'POST') create(r, res);
      else apiError(res, 405, 'Method not allowed.');
    } else onResponse(r, res, m[1], m[2]);
    return true;
  };
}
