// The realtime bench's upstream: an Azure OpenAI Realtime endpoint (`ws`) in
// its own process. A session opens with `session.created`; every
// `input_audio_buffer.append` is answered at once with a `response.audio.delta`
// of the same audio whose `item_id` is the append's `event_id`, so the client
// can time each frame there and back. The `api-key` must be the bench's
// upstream key, as on the service. Prints `READY <port>` once listening.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const KEY = process.argv[2] ?? 'bench-upstream-key';
const server = createServer((_req, res) => res.writeHead(426).end());
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

server.on('upgrade', (req, socket, head) => {
  if (req.headers['api-key'] !== KEY) {
    socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.send(JSON.stringify({ type: 'session.created', event_id: 'event_0', session: { model: 'gpt-realtime' } }));
    ws.on('message', (data, binary) => {
      if (binary) return;
      const e = JSON.parse(data.toString());
      if (e.type !== 'input_audio_buffer.append') return;
      ws.send(
        JSON.stringify({
          type: 'response.audio.delta',
          event_id: `event_${e.event_id}`,
          response_id: 'resp_bench',
          item_id: e.event_id,
          output_index: 0,
          content_index: 0,
          delta: e.audio,
        }),
      );
    });
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
