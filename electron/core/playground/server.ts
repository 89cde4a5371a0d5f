/**
 * The playground speaks the OpenAI wire format on a loopback port of its own,
 * so the proxy reaches it exactly as it reaches Ollama or Azure: same
 * forwarding, streaming, limits and accounting code, nothing special-cased.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../http/read-body.js';
import type { ChatRequest } from './model.js';

type Model = typeof import('./model.js');
let model: Promise<Model> | undefined;
/** The model, and with it gpt-tokenizer's tables (~65 MB resident), loads on the first playground call only. */
const loadModel = (): Promise<Model> => {
  model ??= import('./model.js');
  return model;
};

const MAX_BODY = 16 * 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const fail = (res: ServerResponse, status: number, code: string, message: string) =>
  send(res, status, { error: { code, message, type: 'invalid_request_error' } });

function chat(
  { answerChat, streamPieces }: Model,
  req: ChatRequest & { stream?: boolean; stream_options?: { include_usage?: boolean } },
  res: ServerResponse,
): void {
  if (!Array.isArray(req.messages) || req.messages.length === 0) {
    fail(res, 400, 'invalid_request', "'messages' must be a non-empty array.");
    return;
  }
  const a = answerChat(req);
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const model = req.model ?? 'playground';
  const usage = {
    prompt_tokens: a.promptTokens,
    completion_tokens: a.completionTokens,
    total_tokens: a.promptTokens + a.completionTokens,
  };
  const toolCalls = a.toolCall
    ? [{ id: a.toolCall.id, type: 'function', function: { name: a.toolCall.name, arguments: a.toolCall.arguments } }]
    : undefined;

  if (!req.stream) {
    send(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: a.content, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
          finish_reason: a.finishReason,
        },
      ],
      usage,
    });
    return;
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const base = { id, object: 'chat.completion.chunk', created, model };
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`;
  const frames: string[] = [chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])];
  if (toolCalls && a.toolCall) {
    frames.push(
      chunk([
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, ...toolCalls[0], function: { name: a.toolCall.name, arguments: '' } }] },
          finish_reason: null,
        },
      ]),
    );
    frames.push(
      chunk([
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: { arguments: a.toolCall.arguments } }] },
          finish_reason: null,
        },
      ]),
    );
  } else {
    for (const piece of streamPieces(a.content ?? ''))
      frames.push(chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]));
  }
  frames.push(chunk([{ index: 0, delta: {}, finish_reason: a.finishReason }]));
  if (req.stream_options?.include_usage) frames.push(chunk([], { usage }));
  frames.push('data: [DONE]\n\n');

  // A little pacing makes the stream look (and test) like a real model's: pieces arrive apart.
  let i = 0;
  const timer = setInterval(() => {
    const f = frames[i++];
    if (f === undefined || res.destroyed) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(f);
  }, 8);
  res.on('close', () => clearInterval(timer));
}

function embeddings(
  { countTextTokens, embed }: Model,
  req: { input?: unknown; dimensions?: number; encoding_format?: string; model?: string },
  res: ServerResponse,
): void {
  const inputs = typeof req.input === 'string' ? [req.input] : Array.isArray(req.input) ? req.input : undefined;
  if (!inputs || inputs.length === 0) {
    fail(res, 400, 'invalid_request', "'input' must be a string or a non-empty array.");
    return;
  }
  const dims =
    typeof req.dimensions === 'number' && req.dimensions > 0 && req.dimensions <= 3072 ? req.dimensions : 1536;
  let tokens = 0;
  const data = inputs.map((input, index) => {
    const text = typeof input === 'string' ? input : JSON.stringify(input);
    tokens += countTextTokens(text);
    const vector = embed(text, dims);
    const embedding =
      req.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  send(res, 200, {
    object: 'list',
    data,
    model: req.model ?? 'playground',
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]?.replace(/\/+$/, '');
  if (req.method === 'GET' && path === '/v1/models') {
    send(res, 200, { object: 'list', data: [{ id: 'playground', object: 'model', owned_by: 'ai-proxy-kit' }] });
    return;
  }
  if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/embeddings')) {
    fail(res, 404, 'not_found', `The playground has no ${req.method} ${path} operation.`);
    return;
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse((await readBody(req, MAX_BODY)).toString('utf8'));
  } catch {
    fail(res, 400, 'invalid_json', 'The body is not valid JSON.');
    return;
  }
  const m = await loadModel();
  if (path === '/v1/chat/completions') chat(m, body as ChatRequest, res);
  else embeddings(m, body, res);
}

export interface Playground {
  origin: string;
  close(): Promise<void>;
}

export async function startPlayground(): Promise<Playground> {
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => fail(res, 500, 'internal_error', 'The playground failed.'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
