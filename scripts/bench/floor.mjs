// The floor: the least any Node gateway does. node:http in, an undici Pool
// out, headers copied minus hop-by-hop ones, bytes piped both ways, nothing
// parsed. Whatever a gateway costs above this is its own work.
// Usage: node floor.mjs <upstream origin>. Prints `READY <port>`.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const hop = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade']);
const pool = new Pool(process.argv[2], { connections: 256, keepAliveTimeout: 60_000 });

function copy(headers) {
  const out = {};
  for (const k in headers) if (!hop.has(k)) out[k] = headers[k];
  return out;
}

const server = createServer({ noDelay: true }, async (req, res) => {
  try {
    const up = await pool.request({
      path: req.url,
      method: req.method,
      headers: copy(req.headers),
      body: req.method === 'GET' || req.method === 'HEAD' ? null : req,
    });
    res.writeHead(up.statusCode, copy(up.headers));
    for await (const chunk of up.body) if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    res.end();
  } catch {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  }
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`READY ${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
