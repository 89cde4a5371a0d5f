/**
 * The LAN listener: `/api/v1/*` for SDKs and `/join/*` for attendees, nothing
 * else. The admin surface is never mounted here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { KitError, sendError } from '../errors.js';
import type { ProxyHandler } from '../proxy/proxy.js';
import type { KitStore } from '../store/store.js';
import { openEvent, readRegistration, register, sendJson } from './join.js';
import { joinPage, joinScriptHash } from './join-page.js';

export interface LanDeps {
  store: KitStore;
  proxy: ProxyHandler;
  now: () => number;
  /** The endpoint to hand an attendee who reached us at `host`. */
  endpointFor: (hostHeader: string | undefined) => string;
  /** How long a client may take to send its request headers (slowloris, idle sockets); default 20 s. */
  headersTimeoutMs?: number;
}

const pageCsp = `default-src 'none'; script-src ${joinScriptHash}; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

async function join(deps: LanDeps, req: IncomingMessage, res: ServerResponse, code: string): Promise<void> {
  if (req.method === 'POST') {
    const input = await readRegistration(req);
    const answer = await register(deps.store, code, input, deps.endpointFor(req.headers.host), deps.now());
    sendJson(res, 201, answer);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new KitError('method_not_allowed', 'Use GET or POST.');
  const html = joinPage(openEvent(deps.store, code, deps.now()));
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': pageCsp,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(req.method === 'HEAD' ? undefined : html);
}

export function createLanServer(deps: LanDeps): Server {
  const headersTimeout = deps.headersTimeoutMs ?? 20_000;
  const options = {
    noDelay: true,
    requestTimeout: 10 * 60_000,
    headersTimeout,
    // Node checks both timeouts on this beat; its 30 s default would let a socket idle for 50 s.
    connectionsCheckingInterval: Math.max(100, Math.min(5_000, headersTimeout / 4)),
  };
  const server = createServer(options, (req, res) => {
    // The first request arrived: from here Node's own timeouts (and keep-alive's) govern the socket.
    if (req.socket.timeout) req.socket.setTimeout(0);
    const url = req.url ?? '/';
    if (url.startsWith('/api/v1/') || url === '/api/v1') {
      void deps.proxy(req, res);
      return;
    }
    const m = /^\/join\/([A-Za-z0-9-]{1,64})\/?(?:\?.*)?$/.exec(url);
    if (m?.[1]) {
      join(deps, req, res, m[1]).catch((e) => sendError(res, e));
      return;
    }
    sendError(
      res,
      new KitError('route_not_found', 'Nothing here. SDKs use /api/v1; attendees register at /join/<event code>.'),
    );
  });
  server.keepAliveTimeout = 65_000;
  // Node's headersTimeout counts from a request's first byte, so a socket that never sends one would stay
  // open forever: many such idle sockets are a cheap way to exhaust a laptop. Node destroys it on timeout.
  server.on('connection', (socket: Socket) => socket.setTimeout(headersTimeout));
  return server;
}
