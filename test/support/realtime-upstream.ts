/**
 * An emulated Azure OpenAI Realtime endpoint (WebSocket, with `ws`), strict
 * like the service: the preview path `/openai/realtime` needs a preview
 * `api-version` and a known `deployment`, the GA path `/openai/v1/realtime`
 * a known `model`; a missing or wrong `api-key` (or Entra bearer token) is
 * refused with HTTP 401 before the upgrade, an unknown deployment with 404.
 * Once open it speaks first (`session.created`), answers the client events
 * a voice lab sends (session.update, input_audio_buffer.append/commit/clear,
 * conversation.item.create, response.create/cancel) in the form's event
 * names (beta `response.audio.delta`, GA `response.output_audio.delta`),
 * ends each response with `response.done` and its `usage`, refuses what the
 * service refuses with `error` events (bad JSON, binary frames, a missing
 * `audio`, a second response while one runs, an unknown type), and records
 * every handshake and frame it received for the tests to read.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

export interface RealtimeConnection {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw request line and headers, to search for anything that must not be there. */
  rawHandshake: string;
  received: Array<{ data: Buffer; binary: boolean }>;
  socket: WebSocket;
  /** How the connection ended, once it has. */
  closed?: { code: number; reason: string };
}

export interface RealtimeUpstreamOptions {
  deployments?: string[];
  apiKey?: string;
  /** An Entra ID token the emulator accepts as `Authorization: Bearer`. */
  bearer?: string;
  /** Tokens each response reports. */
  usage?: { input: number; output: number };
  /** Audio deltas per response. */
  deltas?: number;
}

export interface RealtimeUpstream {
  /** The resource endpoint (`http://127.0.0.1:<port>`). */
  url: string;
  connections: RealtimeConnection[];
  /** Answers the next handshake with this HTTP status and body instead of upgrading. */
  refuseNext(status: number, body: unknown, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;
const send = (ws: WebSocket, event: Record<string, unknown>) => {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ event_id: id('event'), ...event }));
};
const error = (ws: WebSocket, code: string, message: string, param: string | null = null) =>
  send(ws, { type: 'error', error: { type: 'invalid_request_error', code, message, param, event_id: null } });

export async function startRealtimeUpstream(opts: RealtimeUpstreamOptions = {}): Promise<RealtimeUpstream> {
  const deployments = opts.deployments ?? ['gpt-realtime'];
  const apiKey = opts.apiKey ?? 'upstream-secret-key-123';
  const usage = opts.usage ?? { input: 120, output: 80 };
  const deltas = opts.deltas ?? 3;
  const connections: RealtimeConnection[] = [];
  const refusals: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('realtime') ? 'realtime' : false) });
  const server: Server = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"code":"404","message":"Resource not found"}}');
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const refuse = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
      socket.end(
        `HTTP/1.1 ${status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${extra.join('')}connection: close\r\n\r\n${text}`,
      );
    };
    const planned = refusals.shift();
    if (planned) return refuse(planned.status, planned.body, planned.headers);
    const key = req.headers['api-key'];
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (key !== apiKey && !(opts.bearer && bearer === opts.bearer)) {
      return refuse(401, {
        error: {
          code: '401',
          message:
            'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
        },
      });
    }
    let ga: boolean;
    let deployment: string | null;
    if (url.pathname === '/openai/realtime') {
      ga = false;
      const version = url.searchParams.get('api-version');
      if (!version) return refuse(404, { error: { code: '404', message: 'Resource not found' } });
      if (!version.endsWith('-preview')) {
        return refuse(400, { error: { code: 'BadRequest', message: `API version ${version} is not supported.` } });
      }
      deployment = url.searchParams.get('deployment');
    } else if (url.pathname === '/openai/v1/realtime') {
      ga = true;
      deployment = url.searchParams.get('model');
    } else {
      return refuse(404, { error: { code: '404', message: 'Resource not found' } });
    }
    if (!deployment || !deployments.includes(deployment)) {
      return refuse(404, {
        error: {
          code: 'DeploymentNotFound',
          message:
            'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
        },
      });
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: RealtimeConnection = {
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        rawHandshake: `${req.method} ${req.url}\r\n${req.rawHeaders.join('\r\n')}`,
        received: [],
        socket: ws,
      };
      connections.push(conn);
      converse(ws, conn, { ga, model: deployment as string, usage, deltas });
    });
  });

  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections,
    refuseNext: (status, body, headers = {}) => refusals.push({ status, body, headers }),
    close: () =>
      new Promise<void>((ok) => {
        for (const c of connections) c.socket.terminate();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function converse(
  ws: WebSocket,
  conn: RealtimeConnection,
  o: { ga: boolean; model: string; usage: { input: number; output: number }; deltas: number },
): void {
  const names = o.ga
    ? { audio: 'response.output_audio.delta', transcript: 'response.output_audio_transcript.delta' }
    : { audio: 'response.audio.delta', transcript: 'response.audio_transcript.delta' };
  let session: Record<string, unknown> = o.ga
    ? { type: 'realtime', object: 'realtime.session', id: id('sess'), model: o.model, output_modalities: ['audio'] }
    : { object: 'realtime.session', id: id('sess'), model: o.model, modalities: ['text', 'audio'], voice: 'alloy' };
  let buffered = 0;
  let responding = false;
  send(ws, { type: 'session.created', session });

  ws.on('close', (code, reason) => {
    conn.closed = { code, reason: reason.toString() };
  });
  ws.on('message', (data: Buffer, binary) => {
    conn.received.push({ data, binary });
    if (binary) return error(ws, 'invalid_event', 'Binary frames are not supported; send JSON text events.');
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(data.toString('utf8'));
    } catch {
      return error(ws, 'invalid_json', "The server could not parse the client event's JSON.");
    }
    switch (e.type) {
      case 'session.update':
        session = { ...session, ...(e.session as object) };
        return send(ws, { type: 'session.updated', session });
      case 'input_audio_buffer.append':
        if (typeof e.audio !== 'string')
          return error(ws, 'missing_required_parameter', "Missing required parameter: 'audio'.", 'audio');
        buffered += Buffer.from(e.audio, 'base64').length;
        return;
      case 'input_audio_buffer.commit':
        // 100 ms of 24 kHz 16-bit audio at least.
        if (buffered < 4800) {
          return error(
            ws,
            'input_audio_buffer_commit_empty',
            `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${Math.round(buffered / 48)}ms of audio.`,
          );
        }
        buffered = 0;
        return send(ws, { type: 'input_audio_buffer.committed', previous_item_id: null, item_id: id('item') });
      case 'input_audio_buffer.clear':
        buffered = 0;
        return send(ws, { type: 'input_audio_buffer.cleared' });
      case 'conversation.item.create': {
        const item = { id: id('item'), ...(e.item as object) };
        if (o.ga) {
          send(ws, { type: 'conversation.item.added', previous_item_id: null, item });
          return send(ws, { type: 'conversation.item.done', previous_item_id: null, item });
        }
        return send(ws, { type: 'conversation.item.created', previous_item_id: null, item });
      }
      case 'response.create':
        if (responding) {
          return error(
            ws,
            'conversation_already_has_active_response',
            'Conversation already has an active response in progress.',
          );
        }
        responding = true;
        return void respond(ws, names, o).finally(() => {
          responding = false;
        });
      case 'response.cancel':
        return;
      default:
        return error(
          ws,
          'invalid_value',
          `Invalid value: '${String(e.type)}'. Supported values are: 'session.update', 'input_audio_buffer.append', 'input_audio_buffer.commit', 'input_audio_buffer.clear', 'conversation.item.create', 'response.create' and 'response.cancel'.`,
          'type',
        );
    }
  });
}

async function respond(
  ws: WebSocket,
  names: { audio: string; transcript: string },
  o: { usage: { input: number; output: number }; deltas: number },
): Promise<void> {
  const responseId = id('resp');
  const itemId = id('item');
  const base = { object: 'realtime.response', id: responseId };
  send(ws, { type: 'response.created', response: { ...base, status: 'in_progress', output: [] } });
  send(ws, {
    type: 'response.output_item.added',
    response_id: responseId,
    output_index: 0,
    item: { id: itemId, type: 'message', role: 'assistant' },
  });
  for (let i = 0; i < o.deltas; i++) {
    await new Promise((r) => setTimeout(r, 5));
    const audio = Buffer.alloc(4800, i).toString('base64');
    send(ws, {
      type: names.audio,
      response_id: responseId,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      delta: audio,
    });
    send(ws, {
      type: names.transcript,
      response_id: responseId,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      delta: `word${i} `,
    });
  }
  const { input, output } = o.usage;
  send(ws, {
    type: 'response.done',
    response: {
      ...base,
      status: 'completed',
      output: [
        {
          id: itemId,
          type: 'message',
          role: 'assistant',
          content: [{ type: 'audio', transcript: 'word0 word1 word2' }],
        },
      ],
      usage: {
        total_tokens: input + output,
        input_tokens: input,
        output_tokens: output,
        input_token_details: {
          cached_tokens: 0,
          text_tokens: Math.floor(input / 2),
          audio_tokens: input - Math.floor(input / 2),
        },
        output_token_details: { text_tokens: Math.floor(output / 4), audio_tokens: output - Math.floor(output / 4) },
      },
    },
  });
}
