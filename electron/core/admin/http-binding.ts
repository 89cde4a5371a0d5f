/**
 * The admin listener, bound to loopback only: `POST /admin/api/<method>`,
 * the live traffic stream (SSE), and the organizer console's static files.
 * Every API call needs the admin token; the Host header must be a loopback
 * name, so a web page elsewhere cannot reach it through DNS rebinding.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { type StreamName, streams } from '../../../shared/methods.js';
import { MAX_OPEN_BYTES } from '../../../shared/shell-api.js';
import { KitError, sendError } from '../errors.js';
import { readBody } from '../http/read-body.js';
import type { TrafficFeed } from '../traffic/feed.js';
import { dispatchAdmin } from './dispatch.js';
import type { Handlers } from './service.js';
import { type StreamSources, streamSources } from './streams.js';

export interface AdminHttpDeps {
  handlers: Handlers;
  feed: TrafficFeed;
  token: string;
  /** The built renderer (index.html and assets); absent in tests that need only the API. */
  consoleDir?: string;
}

export const consoleCsp =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const digest = (s: string) => createHash('sha256').update(s).digest();

function authorized(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return !!m?.[1] && timingSafeEqual(digest(m[1]), digest(token));
}

function loopbackHost(req: IncomingMessage): boolean {
  const host = (req.headers.host ?? '').toLowerCase();
  return /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host);
}

async function serveStatic(dir: string, urlPath: string, res: ServerResponse): Promise<void> {
  const rel = normalize(decodeURIComponent(urlPath)).replace(/^([/\\])+/, '');
  let file = join(dir, rel);
  if (!file.startsWith(dir + sep) && file !== dir) throw new KitError('not_found', 'Not found.');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    // Client-side routes fall back to the app shell.
    file = join(dir, 'index.html');
    body = await readFile(file);
  }
  const type = types[extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, {
    'content-type': type,
    'content-length': body.length,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
    ...(type.startsWith('text/html') ? { 'content-security-policy': consoleCsp, 'x-frame-options': 'DENY' } : {}),
  });
  res.end(body);
}

/** The contract's streams by the path they are served at. */
const streamAt = new Map(Object.entries(streams).map(([name, s]) => [s.path as string, name as StreamName]));

function serveStream(
  listen: StreamSources[StreamName],
  event: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  res.write(': connected\n\n');
  const unsubscribe = listen((payload) => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
  });
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  req.on('close', () => {
    clearInterval(ping);
    unsubscribe();
  });
}

/** Admin bodies are small; a backup being opened carries its whole file (base64). */
const bodyLimit = (method: string) =>
  method === 'backup.inspect' || method === 'backup.restore' ? Math.ceil((MAX_OPEN_BYTES * 4) / 3) + 4096 : 1024 * 1024;

async function handle(deps: AdminHttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!loopbackHost(req)) throw new KitError('forbidden', 'The admin console answers only on 127.0.0.1 or localhost.');
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path.startsWith('/admin/api/')) {
    if (!authorized(req, deps.token)) throw new KitError('unauthorized', 'Missing or wrong admin token.');
    const stream = streamAt.get(path);
    if (stream && req.method === 'GET') {
      // The SSE event is named after the stream's group (`traffic`).
      serveStream(streamSources(deps.feed)[stream], stream.split('.')[0] as string, req, res);
      return;
    }
    if (req.method !== 'POST') throw new KitError('method_not_allowed', 'Admin methods are called with POST.');
    const method = decodeURIComponent(path.slice('/admin/api/'.length));
    const buf = await readBody(req, bodyLimit(method));
    let input: unknown = {};
    if (buf.length) {
      try {
        input = JSON.parse(buf.toString('utf8'));
      } catch {
        throw new KitError('invalid_input', 'The body is not valid JSON.');
      }
    }
    const out = await dispatchAdmin(deps.handlers, method, input);
    const text = JSON.stringify(out);
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(text);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new KitError('method_not_allowed', 'Use GET.');
  if (!deps.consoleDir) throw new KitError('not_found', 'The console is not built (npm run build).');
  await serveStatic(deps.consoleDir, path === '/' ? 'index.html' : path, res);
}

export function createAdminServer(deps: AdminHttpDeps): Server {
  return createServer((req, res) => {
    handle(deps, req, res).catch((e) => {
      const err =
        e instanceof KitError ? e : new KitError('internal_error', 'The admin service failed; see the kit log.');
      if (err.code === 'internal_error') console.error('[admin]', e);
      sendError(res, err);
    });
  });
}
