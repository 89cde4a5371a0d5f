/**
 * A real MCP server for tests, built with `@modelcontextprotocol/sdk`: the
 * Streamable HTTP transport (stateful, with sessions) at `<base>/mcp` and the
 * older HTTP+SSE transport at `<base>/sse` + `<base>/messages`, under a base
 * path so tests can check that nothing outside it is reachable. Every request
 * is recorded (method, path, headers).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export interface McpRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export interface TestMcpServer {
  url: string;
  /** Where the MCP server is mounted; configure this as the resource's endpoint. */
  base: string;
  requests: McpRequest[];
  close(): Promise<void>;
}

function tools(): McpServer {
  const server = new McpServer({ name: 'kit-test-tools', version: '1.0.0' });
  server.registerTool(
    'add',
    { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }),
  );
  return server;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

export async function startMcpServer(basePath = '/srv'): Promise<TestMcpServer> {
  const requests: McpRequest[] = [];
  const streamable = new Map<string, StreamableHTTPServerTransport>();
  const sse = new Map<string, SSEServerTransport>();

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://mcp');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers });
    try {
      if (url.pathname === `${basePath}/mcp`) {
        // The transport reads the body itself (the project's pinned @hono/node-server cannot take a
        // pre-read one), so a POST without a session is taken to be an initialize: it refuses anything else.
        const id = req.headers['mcp-session-id'] as string | undefined;
        let transport = id ? streamable.get(id) : undefined;
        if (!id && req.method === 'POST') {
          const t: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(),
            onsessioninitialized: (sid) => {
              streamable.set(sid, t);
            },
          });
          t.onclose = () => {
            if (t.sessionId) streamable.delete(t.sessionId);
          };
          await tools().connect(t);
          transport = t;
        }
        if (!transport) {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"unknown session"}');
          return;
        }
        await transport.handleRequest(req, res);
        return;
      }
      if (url.pathname === `${basePath}/sse` && req.method === 'GET') {
        const t = new SSEServerTransport(`${basePath}/messages`, res);
        sse.set(t.sessionId, t);
        res.on('close', () => sse.delete(t.sessionId));
        await tools().connect(t);
        return;
      }
      if (url.pathname === `${basePath}/messages` && req.method === 'POST') {
        const t = sse.get(url.searchParams.get('sessionId') ?? '');
        if (!t) {
          res.writeHead(404).end('unknown session');
          return;
        }
        await t.handlePostMessage(req, res, await readJson(req));
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no ${req.method} ${url.pathname}`);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    base: `${url}${basePath}`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        for (const t of streamable.values()) void t.close();
        for (const t of sse.values()) void t.close();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
