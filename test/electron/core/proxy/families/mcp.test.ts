/**
 * MCP passthrough through the kit with the official `@modelcontextprotocol/sdk`
 * client against a real MCP server built with the same SDK: Streamable HTTP
 * (sessions, GET stream, DELETE), the older HTTP+SSE transport, session and
 * resumption headers passed, the attendee's key swapped for the server's
 * credential, and paths that cannot leave the configured server URL.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcpUrl, safeSubPath } from '../../../../../electron/core/proxy/families/mcp.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';
import { startMcpServer, type TestMcpServer } from '../../../../support/mcp-server.js';

let mcp: TestMcpServer;
let kit: TestKit;
let apiKey: string;

beforeAll(async () => {
  mcp = await startMcpServer('/srv');
  kit = await startKit();
  const r = await kit.call('resources.create', {
    name: 'Tools server',
    kind: 'mcp',
    endpoint: mcp.base,
    deployment: 'tools',
    auth: { type: 'bearer', token: 'mcp-upstream-token' },
    enabled: true,
  });
  const event = await kit.call('events.create', eventInput([r.id]));
  apiKey = (await kit.register(event.code)).body.apiKey as string;
});
afterAll(async () => {
  await kit?.stop();
  await mcp?.close();
});

const client = () => new Client({ name: 'kit-test', version: '1.0.0' });

describe('MCP through the kit', () => {
  it('Streamable HTTP: initialize, list and call tools, session id kept, DELETE ends the session', async () => {
    const before = mcp.requests.length;
    const transport = new StreamableHTTPClientTransport(new URL(`${kit.apiBase}/mcp/tools/mcp`), {
      requestInit: { headers: { 'api-key': apiKey } },
    });
    const c = client();
    await c.connect(transport);
    const { tools } = await c.listTools();
    expect(tools.map((x) => x.name)).toEqual(['add']);
    const result = await c.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
    expect(result.content).toEqual([{ type: 'text', text: '5' }]);
    const sessionId = transport.sessionId;
    expect(sessionId).toBeTruthy();
    await transport.terminateSession();
    await c.close();

    const seen = mcp.requests.slice(before);
    expect(seen.every((r) => r.path === '/srv/mcp')).toBe(true);
    expect(seen.every((r) => r.headers.authorization === 'Bearer mcp-upstream-token')).toBe(true);
    expect(JSON.stringify(seen.map((r) => r.headers))).not.toContain(apiKey);
    // After initialize, every request carries the session id the server gave.
    expect(seen.slice(1).every((r) => r.headers['mcp-session-id'] === sessionId)).toBe(true);
    expect(seen.some((r) => r.method === 'DELETE')).toBe(true);
    // The client's standalone GET stream for server messages went through too.
    expect(seen.some((r) => r.method === 'GET' && r.headers.accept?.includes('text/event-stream'))).toBe(true);
    expect(seen.some((r) => r.headers['mcp-protocol-version'])).toBe(true);
  });

  it('the older HTTP+SSE transport: the endpoint event points back at the kit, POSTs go through it', async () => {
    const before = mcp.requests.length;
    const transport = new SSEClientTransport(new URL(`${kit.apiBase}/mcp/tools/sse`), {
      requestInit: { headers: { 'api-key': apiKey } },
    });
    const c = client();
    await c.connect(transport);
    const result = await c.callTool({ name: 'add', arguments: { a: 40, b: 2 } });
    expect(result.content).toEqual([{ type: 'text', text: '42' }]);
    await c.close();
    const seen = mcp.requests.slice(before);
    expect(seen[0]?.path).toBe('/srv/sse');
    expect(seen.filter((r) => r.path === '/srv/messages').length).toBeGreaterThan(0);
    expect(seen.every((r) => r.headers.authorization === 'Bearer mcp-upstream-token')).toBe(true);
  });

  it('Last-Event-ID and Mcp-Session-Id are passed on a GET stream', async () => {
    const before = mcp.requests.length;
    const r = await fetch(`${kit.apiBase}/mcp/tools/mcp`, {
      headers: { 'api-key': apiKey, accept: 'text/event-stream', 'mcp-session-id': 'abc', 'last-event-id': 'evt-7' },
    });
    await r.body?.cancel();
    const got = mcp.requests.slice(before)[0];
    expect(got?.method).toBe('GET');
    expect(got?.headers['last-event-id']).toBe('evt-7');
    expect(got?.headers['mcp-session-id']).toBe('abc');
    expect(r.status).toBe(404); // the server does not know that session: its answer comes back as it is
  });

  it('an unknown MCP server → 404 deployment_not_found naming the event’s servers', async () => {
    const r = await fetch(`${kit.apiBase}/mcp/files/mcp`, {
      method: 'POST',
      headers: { 'api-key': apiKey },
      body: '{}',
    });
    expect(r.status).toBe(404);
    const body = await r.json();
    expect(body.error.code).toBe('deployment_not_found');
    expect(body.error.message).toContain('tools');
  });

  it('no path (raw or encoded) leaves the configured server URL', async () => {
    const { hostname, port } = new URL(kit.localUrl);
    const rawGet = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ hostname, port, path, headers: { 'api-key': apiKey } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    const before = mcp.requests.length;
    for (const path of [
      '/api/v1/mcp/tools/../../admin',
      '/api/v1/mcp/tools/..%2F..%2Fadmin',
      '/api/v1/mcp/tools/%2e%2e/admin',
      '/api/v1/mcp/tools/sub/%2E%2E/%2E%2E/admin',
      '/api/v1/mcp/tools/..%5Cadmin',
    ]) {
      expect(await rawGet(path), path).toBe(400);
    }
    expect(mcp.requests.slice(before)).toEqual([]);
  });

  it('the module rebuilds paths under the base on its own, whatever reaches it', () => {
    expect(safeSubPath('/a/b c/%7Ex')).toBe('/a/b%20c/~x');
    for (const bad of ['/..', '/a/%2e%2e', '/a/..%2Fb', '/%5C..', '/a/%zz'])
      expect(() => safeSubPath(bad), bad).toThrow();
    expect(mcpUrl('http://h:1/srv/', '/mcp', '?x=1')).toBe('http://h:1/srv/mcp?x=1');
    expect(mcpUrl('http://h:1/srv', '', '')).toBe('http://h:1/srv');
    expect(() => mcpUrl('http://h:1/srv', '/../admin', '')).toThrow();
    expect(() => mcpUrl('http://h:1/srv', '@evil.example/x', '')).toThrow();
  });

  it('a quiet server event stream (GET) is not cut by the kit’s idle timeout', async () => {
    const quiet = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
      setTimeout(() => res.end('event: message\ndata: {"late":true}\n\n'), 2500);
    });
    await new Promise<void>((ok) => quiet.listen(0, '127.0.0.1', ok));
    const strict = await startKit({ timeouts: { idleMs: 200 } });
    try {
      const r = await strict.call('resources.create', {
        name: 'Quiet',
        kind: 'mcp',
        endpoint: `http://127.0.0.1:${(quiet.address() as AddressInfo).port}/mcp`,
        deployment: 'quiet',
        auth: { type: 'none' },
        enabled: true,
      });
      const ev = await strict.call('events.create', eventInput([r.id]));
      const key = (await strict.register(ev.code)).body.apiKey as string;
      const res = await fetch(`${strict.apiBase}/mcp/quiet`, {
        headers: { 'api-key': key, accept: 'text/event-stream' },
      });
      expect(await res.text()).toContain('{"late":true}');
    } finally {
      await strict.stop();
      quiet.closeAllConnections();
      quiet.close();
    }
  });
});
