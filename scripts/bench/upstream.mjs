// The bench's upstream: an Azure OpenAI-shaped emulator in its own process, so
// its CPU and memory are nobody else's. Chat (JSON or SSE) and embeddings
// (one 1536-dim vector, the size of text-embedding-3-small's) with fixed
// bodies; a deployment named `gap<N>` streams with N ms between chunks, one
// named `slow<N>` answers chat after N ms (a busy model, for the fairness
// cell); and
// v1 audio transcriptions (a multipart upload, read whole and answered with
// its size). Every JSON request body is parsed, as a real service would, so
// every target pays the same upstream cost. Prints `READY <port>` once
// listening.
import { createServer } from 'node:http';

const STREAM_PIECES = 20;
const created = 1_700_000_000;

const chatBody = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: 'The Los Angeles Dodgers won the World Series in 2020, at Globe Life Field.',
      },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 27, completion_tokens: 18, total_tokens: 45 },
});

const vector = Array.from({ length: 1536 }, (_, i) => Number((Math.sin(i + 1) * 0.05).toFixed(7)));
const embeddingsBody = JSON.stringify({
  object: 'list',
  data: [{ object: 'embedding', index: 0, embedding: vector }],
  model: 'text-embedding-3-small',
  usage: { prompt_tokens: 9, total_tokens: 9 },
});

const frame = (o) => `data: ${JSON.stringify(o)}\n\n`;
const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model: 'gpt-4o-mini' };
const streamFrames = [
  frame({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }),
  ...Array.from({ length: STREAM_PIECES }, (_, i) =>
    frame({ ...base, choices: [{ index: 0, delta: { content: ` word${i}` }, finish_reason: null }] }),
  ),
  frame({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
];
const usageFrame = frame({
  ...base,
  choices: [],
  usage: { prompt_tokens: 27, completion_tokens: 20, total_tokens: 47 },
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function stream(res, gap, usage) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  // The gap is between generated pieces; the closing frames (finish, usage, [DONE]) leave together, as on Azure.
  for (let i = 0; i < streamFrames.length - 1; i++) {
    if (res.destroyed) return;
    res.write(streamFrames[i]);
    if (gap) await sleep(gap);
  }
  res.end(`${streamFrames.at(-1)}${usage ? usageFrame : ''}data: [DONE]\n\n`);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if ((req.url ?? '').startsWith('/openai/v1/audio/transcriptions')) {
      const size = chunks.reduce((n, c) => n + c.length, 0);
      return send(res, 200, `{"text":"heard ${size} bytes"}`);
    }
    let body = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return send(res, 400, '{"error":{"code":"invalid_json","message":"bad body"}}');
    }
    const m = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)(?:\?|$)/.exec(req.url ?? '');
    if (!m) return send(res, 404, `{"error":{"code":"NotFound","message":"no route ${req.method} ${req.url}"}}`);
    if (m[2] === 'embeddings') return send(res, 200, embeddingsBody);
    if (body.stream)
      return void stream(res, Number(/gap(\d+)/.exec(m[1])?.[1] ?? 0), body.stream_options?.include_usage);
    const slow = Number(/^slow(\d+)$/.exec(m[1])?.[1] ?? 0);
    if (slow) return void sleep(slow).then(() => send(res, 200, chatBody));
    send(res, 200, chatBody);
  });
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
