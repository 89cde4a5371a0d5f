/**
 * An upstream emulator for integration tests: an HTTP server that speaks the
 * Azure OpenAI (and OpenAI-compatible) wire format, records every request it
 * receives (path, query, headers, body), and can be told to fail, stall or
 * pace its stream. Other API families add routes with `emulator.route(...)`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  json?: unknown;
}

export type EmulatorHandler = (req: Received, res: ServerResponse) => void | Promise<void>;

export interface EmulatorOptions {
  /** Milliseconds between streamed chunks. */
  chunkDelayMs?: number;
  /** Deployment name → the model behind it, where the name does not say (Azure deploys any model under any name). */
  models?: Record<string, string>;
  /**
   * The account key upstream checks, as Azure OpenAI does: a request without it (`api-key` header or
   * `Authorization: Bearer`) gets the service's 401. Unset: any key is taken.
   */
  apiKey?: string;
}

export interface Emulator {
  url: string;
  received: Received[];
  /** Answer the next `times` requests matching `match` with this handler instead of the normal one. */
  override(match: (r: Received) => boolean, handler: EmulatorHandler, times?: number): void;
  route(method: string, pattern: RegExp, handler: EmulatorHandler): void;
  /** Deployment name → model (a deployment not listed serves the model it is named after). */
  models: Record<string, string>;
  /** Requests whose upstream connection was closed before the response ended (client aborted). */
  aborted: Received[];
  close(): Promise<void>;
}

export const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
};

export function chatCompletion(model: string, content: string) {
  return {
    id: 'chatcmpl-emulated',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
  };
}

/** The model families that refuse `max_tokens`, as Azure OpenAI and OpenAI list them. */
const REASONING_MODELS = ['o1', 'o3', 'o4', 'gpt-5', 'codex-mini'];
export const isReasoningDeployment = (model: string) => REASONING_MODELS.some((m) => model.startsWith(m));

const badRequest = (message: string, param: string | null, code: string | null) => ({
  error: { message, type: 'invalid_request_error', param, code },
});

/**
 * The 400 Azure OpenAI (and OpenAI) answer a chat body with, streamed or not, before any work:
 * `max_tokens` to a reasoning model; on dated api-versions before 2024-09-01-preview,
 * `max_completion_tokens`; before 2024-08-01, `stream_options`. Undefined when the body is accepted.
 */
export function chatRefusal(body: unknown, model: string, apiVersion: string | null) {
  const b = (body ?? {}) as Record<string, unknown>;
  if (isReasoningDeployment(model) && b.max_tokens !== undefined) {
    return badRequest(
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      'max_tokens',
      'unsupported_parameter',
    );
  }
  const dated = apiVersion && /^\d{4}-\d{2}-\d{2}/.test(apiVersion) ? apiVersion.slice(0, 10) : undefined;
  for (const [field, since] of [
    ['max_completion_tokens', '2024-09-01'],
    ['stream_options', '2024-08-01'],
  ] as const) {
    if (dated && dated < since && b[field] !== undefined) {
      return badRequest(`Unrecognized request argument supplied: ${field}`, null, null);
    }
  }
  return undefined;
}

export const STREAM_PIECES = ['Hel', 'lo', ' from', ' the', ' emu', 'lator'];

async function streamChat(r: Received, res: ServerResponse, delay: number): Promise<void> {
  const body = (r.json ?? {}) as { stream_options?: { include_usage?: boolean }; model?: string };
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const base = {
    id: 'chatcmpl-emulated',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: body.model ?? 'emulated',
  };
  const frames = [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
    ...STREAM_PIECES.map((p) => ({ ...base, choices: [{ index: 0, delta: { content: p }, finish_reason: null }] })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
  ];
  if (body.stream_options?.include_usage) {
    frames.push({
      ...base,
      choices: [],
      usage: { prompt_tokens: 11, completion_tokens: 6, total_tokens: 17 },
    } as never);
  }
  for (const f of frames) {
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify(f)}\n\n`);
    if (delay) await new Promise((ok) => setTimeout(ok, delay));
  }
  res.end('data: [DONE]\n\n');
}

function embeddings(r: Received, res: ServerResponse): void {
  const body = (r.json ?? {}) as { input?: unknown; encoding_format?: string };
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const vector = [0.25, -0.5, 0.75];
  json(res, 200, {
    object: 'list',
    model: 'emulated-embedding',
    data: inputs.map((_, index) => ({
      object: 'embedding',
      index,
      embedding:
        body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
    })),
    usage: { prompt_tokens: 5, total_tokens: 5 },
  });
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const received: Received[] = [];
  const aborted: Received[] = [];
  const overrides: Array<{ match: (r: Received) => boolean; handler: EmulatorHandler; times: number }> = [];
  const routes: Array<{ method: string; pattern: RegExp; handler: EmulatorHandler }> = [];
  const delay = opts.chunkDelayMs ?? 20;

  const models: Record<string, string> = { ...opts.models };
  const chat: EmulatorHandler = (r, res) => {
    // The deployment route names the deployment in the path; an OpenAI-style route names the model in the body.
    const deployment = /^\/openai\/deployments\/([^/]+)\//.exec(r.path)?.[1];
    const name = deployment ? decodeURIComponent(deployment) : String((r.json as { model?: unknown })?.model ?? '');
    const refused = chatRefusal(r.json, models[name] ?? name, deployment ? r.query.get('api-version') : null);
    if (refused) return json(res, 400, refused);
    return (r.json as { stream?: boolean })?.stream
      ? streamChat(r, res, delay)
      : json(
          res,
          200,
          chatCompletion(String((r.json as { model?: string })?.model ?? 'emulated'), 'Hello from the emulator'),
        );
  };
  routes.push(
    { method: 'POST', pattern: /^\/openai\/deployments\/[^/]+\/chat\/completions$/, handler: chat },
    { method: 'POST', pattern: /^\/openai\/deployments\/[^/]+\/embeddings$/, handler: embeddings },
    { method: 'POST', pattern: /^\/v1\/chat\/completions$/, handler: chat },
    { method: 'POST', pattern: /^\/v1\/embeddings$/, handler: embeddings },
  );

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      return; // the client (the kit) cut the upload short: nothing to answer
    }
    const url = new URL(req.url ?? '/', 'http://emulator');
    const body = Buffer.concat(chunks);
    const r: Received = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    if ((req.headers['content-type'] ?? '').includes('json') && body.length) {
      try {
        r.json = JSON.parse(body.toString('utf8'));
      } catch {
        r.json = undefined;
      }
    }
    received.push(r);
    if (opts.apiKey !== undefined) {
      const sent = req.headers['api-key'] ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (sent !== opts.apiKey)
        return json(res, 401, {
          error: {
            code: '401',
            message:
              'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
          },
        });
    }
    res.on('close', () => {
      if (!res.writableFinished) aborted.push(r);
    });
    const o = overrides.find((x) => x.times > 0 && x.match(r));
    if (o) {
      o.times -= 1;
      await o.handler(r, res);
      return;
    }
    const route = [...routes].reverse().find((x) => x.method === r.method && x.pattern.test(r.path));
    if (!route) {
      json(res, 404, { error: { code: 'NotFound', message: `emulator: no ${r.method} ${r.path}` } });
      return;
    }
    await route.handler(r, res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    aborted,
    override: (match, handler, times = 1) => overrides.push({ match, handler, times }),
    route: (method, pattern, handler) => routes.push({ method, pattern, handler }),
    models,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
