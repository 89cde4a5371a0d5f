/**
 * The LAN listeners: `/api/v1/*` for SDKs and `/join/*` for attendees, nothing
 * else; the admin surface is never mounted here. One request handler serves
 * the plain-http listener and, when the organizer turns it on, the HTTPS one
 * next to it (same routes, same store).
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { CSV_MIME } from '../../../shared/report-csv.js';
import { KitError, sendError } from '../errors.js';
import { sendJson } from '../http/send-json.js';
import type { ProxyHandler } from '../proxy/pipeline/receive.js';
import { eventDeployments, register, visibleEvent } from '../registration/register.js';
import type { StoreDriver } from '../store/store-driver.js';
import type { UsageLedger } from '../usage/ledger.js';
import { clientOf } from './forwarded.js';
import { deviceCookie, deviceTokenOf, newDeviceToken, readRegistration } from './join.js';
import { joinPage, joinScriptHash } from './join-page.js';
import { myUsage, myUsageCsvFile } from './my-usage.js';
import { qrSvg } from './qr.js';
import { RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { buildSamples, envFile } from './samples.js';
import type { Visitors } from './visitors.js';

export interface LanDeps {
  store: StoreDriver;
  proxy: ProxyHandler;
  ledger: UsageLedger;
  now: () => number;
  /** The endpoint to hand an attendee who reached us at `host` on this listener (`secure` = over TLS). */
  endpointFor: (hostHeader: string | undefined, secure: boolean) => string;
  /** The HTTPS endpoint for an attendee who reached us at `host`, when the HTTPS listener is on. */
  secureEndpointFor?: (hostHeader: string | undefined) => string;
  /** The kit's local CA certificate (PEM), when the HTTPS listener uses it; served at `/join/ca.pem`. */
  caPem?: string;
  registrationLimit?: RateLimitOptions;
  /** How long a client may take to send its request headers (slowloris, idle sockets); default 20 s. */
  headersTimeoutMs?: number;
  /** Counts the devices that open a join page. */
  visitors?: Visitors;
  /** Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed (`lan/forwarded.ts`). */
  trustedProxies?: ReadonlySet<string>;
  /** WebSocket upgrades (the Realtime API); without it, upgrade requests are refused. */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

const pageCsp = `default-src 'none'; script-src ${joinScriptHash}; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

async function page(deps: LanDeps, req: IncomingMessage, res: ServerResponse, code: string): Promise<void> {
  const event = visibleEvent(deps.store, code);
  const { secure, address } = clientOf(req, deps.trustedProxies);
  const endpoint = deps.secureEndpointFor?.(req.headers.host) ?? deps.endpointFor(req.headers.host, secure);
  const localCa = Boolean(deps.caPem && endpoint.startsWith('https:'));
  const deployments = eventDeployments(deps.store, event);
  const ctx = { endpoint, deployments, localCa };
  const pageUrl = `${deps.endpointFor(req.headers.host, secure).replace(/\/api\/v1$/, '')}/join/${event.code}`;
  const html = joinPage({
    event,
    now: deps.now(),
    endpoint,
    deployments,
    samples: buildSamples(ctx),
    env: envFile(ctx),
    ...(localCa ? { caUrl: '/join/ca.pem' } : {}),
    qrSvg: await qrSvg(pageUrl, `QR code of ${pageUrl}`),
  });
  const headers: Record<string, string> = {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': pageCsp,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  // The device token makes registration idempotent per browser; it is set before the first POST.
  const token = deviceTokenOf(req.headers.cookie);
  const issued = token ? undefined : newDeviceToken();
  if (issued) headers['set-cookie'] = deviceCookie(issued);
  if (req.method !== 'HEAD') deps.visitors?.openedJoinPage({ address, token, issued, eventId: event.id }, deps.now());
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : html);
}

async function join(
  deps: LanDeps,
  limiter: RateLimiter,
  req: IncomingMessage,
  res: ServerResponse,
  code: string,
  rest: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  const client = clientOf(req, deps.trustedProxies);
  // Several instances on one database: an event made through another one a moment ago may not be cached here yet.
  if (deps.store.findEventByCode && !deps.store.eventByCode(code)) await deps.store.findEventByCode(code);
  if (rest === '/usage') {
    if (method !== 'GET') throw new KitError('method_not_allowed', 'Use GET with your key in the api-key header.');
    sendJson(res, 200, await myUsage(deps.store, deps.ledger, code, req.headers, deps.now()));
    return;
  }
  if (rest === '/usage.csv') {
    if (method !== 'GET') throw new KitError('method_not_allowed', 'Use GET with your key in the api-key header.');
    const file = await myUsageCsvFile(deps.store, deps.ledger, code, req.headers, deps.now());
    res.writeHead(200, {
      'content-type': CSV_MIME,
      'content-disposition': `attachment; filename="${file.name}"`,
      'cache-control': 'no-store',
    });
    res.end(file.csv);
    return;
  }
  if (rest === '/qr.svg') {
    if (method !== 'GET') throw new KitError('method_not_allowed', 'Use GET.');
    const event = visibleEvent(deps.store, code);
    const url = `${deps.endpointFor(req.headers.host, client.secure).replace(/\/api\/v1$/, '')}/join/${event.code}`;
    const svg = await qrSvg(url, `QR code of ${url}`);
    res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' });
    res.end(svg);
    return;
  }
  if (rest !== '' && rest !== '/') throw new KitError('route_not_found', 'Nothing here. Open /join/<event code>.');
  if (method === 'POST') {
    const wait = limiter.take(client.address ?? 'unknown', deps.now());
    if (wait) {
      throw new KitError(
        'too_many_requests',
        `Too many registrations from this device's network address. Try again in ${wait} seconds, or ask the organizer.`,
        { 'retry-after': String(wait) },
      );
    }
    const input = await readRegistration(req);
    let token = deviceTokenOf(req.headers.cookie);
    const fresh = !token;
    token ??= newDeviceToken();
    const endpoint = deps.secureEndpointFor?.(req.headers.host) ?? deps.endpointFor(req.headers.host, client.secure);
    const answer = await register(deps.store, code, input, endpoint, deps.now(), token);
    if (fresh) res.setHeader('set-cookie', deviceCookie(token));
    sendJson(res, answer.created ? 201 : 200, answer);
    return;
  }
  if (method !== 'GET' && method !== 'HEAD') throw new KitError('method_not_allowed', 'Use GET or POST.');
  await page(deps, req, res, code);
}

function caCert(deps: LanDeps, res: ServerResponse): void {
  if (!deps.caPem) throw new KitError('route_not_found', 'This kit does not use its own certificate authority.');
  res.writeHead(200, {
    'content-type': 'application/x-pem-file',
    'content-disposition': 'attachment; filename="ai-proxy-kit-ca.pem"',
    'cache-control': 'no-store',
  });
  res.end(deps.caPem);
}

/** The request handler shared by the http and https LAN listeners. */
export function lanHandler(deps: LanDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const limiter = new RateLimiter(deps.registrationLimit);
  return (req, res) => {
    // The first request arrived: from here Node's own timeouts (and keep-alive's) govern the socket.
    if (req.socket.timeout) req.socket.setTimeout(0);
    const url = req.url ?? '/';
    if (url.startsWith('/api/v1/') || url === '/api/v1') {
      void deps.proxy(req, res);
      return;
    }
    const path = url.split('?')[0] ?? '/';
    if (path === '/join/ca.pem') {
      try {
        caCert(deps, res);
      } catch (e) {
        sendError(res, e);
      }
      return;
    }
    const m = /^\/join\/([A-Za-z0-9-]{1,64})(\/[a-z.]*)?$/.exec(path);
    if (m?.[1]) {
      join(deps, limiter, req, res, m[1], m[2] ?? '').catch((e) => sendError(res, e));
      return;
    }
    sendError(
      res,
      new KitError('route_not_found', 'Nothing here. SDKs use /api/v1; attendees register at /join/<event code>.'),
    );
  };
}

/** Listener options and idle-socket guard shared by the http and https listeners. */
function serverOptions(deps: LanDeps) {
  const headersTimeout = deps.headersTimeoutMs ?? 20_000;
  return {
    headersTimeout,
    options: {
      noDelay: true,
      requestTimeout: 10 * 60_000,
      headersTimeout,
      // Node checks both timeouts on this beat; its 30 s default would let a socket idle for 50 s.
      connectionsCheckingInterval: Math.max(100, Math.min(5_000, headersTimeout / 4)),
    },
  };
}

function guard<S extends Server | HttpsServer>(
  server: S,
  headersTimeout: number,
  connectionEvent: string,
  upgrade: LanDeps['upgrade'],
): S {
  server.keepAliveTimeout = 65_000;
  if (upgrade) server.on('upgrade', upgrade);
  // Many sockets that never send a request are a cheap way to exhaust a laptop. Node 18+ also expires them
  // through headersTimeout (a 408 on its connections-check beat); this idle timer is the same bound without
  // depending on that beat or on the Node version Electron ships. Node destroys the socket on timeout.
  server.on(connectionEvent, (socket: Socket) => socket.setTimeout(headersTimeout));
  return server;
}

export function createLanServer(deps: LanDeps, handler = lanHandler(deps)): Server {
  const { headersTimeout, options } = serverOptions(deps);
  return guard(createServer(options, handler), headersTimeout, 'connection', deps.upgrade);
}

export function createLanHttpsServer(
  deps: LanDeps,
  tls: { cert: string; key: string },
  handler: ReturnType<typeof lanHandler>,
): HttpsServer {
  const { headersTimeout, options } = serverOptions(deps);
  // 'secureConnection' fires after the TLS handshake; the handshake itself is bounded by handshakeTimeout.
  return guard(
    createHttpsServer({ ...options, cert: tls.cert, key: tls.key, handshakeTimeout: headersTimeout }, handler),
    headersTimeout,
    'secureConnection',
    deps.upgrade,
  );
}
