/**
 * The composition root: builds the whole kit (store, playground, upstream
 * pools, proxy, LAN listener, admin service and its loopback listener, live
 * traffic feed) from options. The Electron main process and the headless CLI
 * both call `createKit`; tests call it with port 0 and a temporary data dir.
 */

import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KitInfo } from '../../shared/types.js';
import { createAdminServer } from './admin/http-binding.js';
import { createAdminService, type Handlers } from './admin/service.js';
import { adminToken } from './config.js';
import { lanTls, secureEndpoint } from './lan/https.js';
import type { RateLimitOptions } from './lan/rate-limit.js';
import { createLanHttpsServer, createLanServer, type LanDeps, lanHandler } from './lan/server.js';
import { lanBaseUrls } from './net/addresses.js';
import { startPlayground } from './playground/server.js';
import { createProxy } from './proxy/proxy.js';
import type { TokenSource } from './proxy/upstream/credentials.js';
import { Upstream, type UpstreamOptions, type UpstreamTimeouts } from './proxy/upstream/upstream.js';
import { seedDemo } from './store/demo.js';
import { fileSecretBox, type SecretBox } from './store/secret-box.js';
import { KitStore } from './store/store.js';
import { TrafficFeed } from './traffic/feed.js';
import { UsageLedger } from './usage/ledger.js';

export interface KitOptions {
  dataDir: string;
  host?: string;
  port?: number;
  adminPort?: number;
  /** Create the demo event and playground in an empty store (default true). */
  demo?: boolean;
  /** The built renderer to serve on the admin listener. */
  consoleDir?: string;
  version?: string;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  tokens?: TokenSource;
  secretBox?: SecretBox;
  timeouts?: Partial<UpstreamTimeouts>;
  maxBodyBytes?: number;
  /** Routing knobs (attempts per call, default throttle rest, the weighted draw's randomness). */
  routing?: Pick<UpstreamOptions, 'maxAttempts' | 'throttleMs' | 'random'>;
  /** How often in-memory usage counters reach the store file. */
  usageFlushMs?: number;
  /** LAN clients that take longer than this to send their request headers are cut off (default 20 s). */
  headersTimeoutMs?: number;
  /** Registrations allowed per client address per window on `/join` (default 10 per 10 minutes). */
  registrationLimit?: RateLimitOptions;
  /** An HTTPS LAN listener next to the HTTP one on this port (0 = any free port); off when undefined. */
  httpsPort?: number;
  /** The organizer's own certificate and key (PEM files) for HTTPS, instead of the kit's local CA. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
}

export interface Kit {
  readonly store: KitStore;
  readonly feed: TrafficFeed;
  readonly handlers: Handlers;
  readonly adminToken: string;
  info(): KitInfo;
  /** `http://127.0.0.1:<port>`: the LAN listener as seen from this machine. */
  readonly localUrl: string;
  readonly adminUrl: string;
  /** `https://127.0.0.1:<https port>` when the HTTPS listener is on. */
  readonly localHttpsUrl?: string;
  /** The local CA certificate attendees trust for HTTPS (absent with the organizer's own certificate). */
  readonly caPem?: string;
  close(): Promise<void>;
}

function listen(server: Server | HttpsServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server | HttpsServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function createKit(opts: KitOptions): Promise<Kit> {
  const now = opts.now ?? Date.now;
  const host = opts.host ?? '0.0.0.0';
  await mkdir(opts.dataDir, { recursive: true });
  const box = opts.secretBox ?? (await fileSecretBox(opts.dataDir));
  const store = await KitStore.open(opts.dataDir, box);
  if (opts.demo ?? true) await seedDemo(store, now());
  const token = await adminToken(opts.dataDir, opts.env);

  const playground = await startPlayground();
  const upstream = new Upstream({
    ...opts.routing,
    tokens: opts.tokens,
    timeouts: opts.timeouts,
    playgroundOrigin: playground.origin,
  });
  const feed = new TrafficFeed();
  const ledger = new UsageLedger(store, opts.usageFlushMs);
  const proxy = createProxy({
    store,
    feed,
    upstream,
    ledger,
    now,
    maxBodyBytes: opts.maxBodyBytes ?? 32 * 1024 * 1024,
  });

  let port = 0;
  let adminPort = 0;
  let lanUrls: string[] = [];
  let httpsPort = 0;
  let lanHttpsUrls: string[] = [];
  const tls = await lanTls({
    dataDir: opts.dataDir,
    httpsPort: opts.httpsPort,
    host,
    certFile: opts.tlsCertFile,
    keyFile: opts.tlsKeyFile,
  });
  const info = (): KitInfo => ({
    version: opts.version ?? '0.0.0',
    lanUrls,
    port,
    adminPort,
    dataDir: opts.dataDir,
    ...(tls ? { httpsPort, lanHttpsUrls, ...(tls.caFile ? { caFile: tls.caFile } : {}) } : {}),
  });

  const lanDeps: LanDeps = {
    store,
    proxy,
    now,
    headersTimeoutMs: opts.headersTimeoutMs,
    endpointFor: (hostHeader, secure) => {
      // The address the attendee reached us on is one their device can reach again.
      const ok = hostHeader && /^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:]+\](:\d+)?$/.test(hostHeader);
      return `${ok ? `${secure ? 'https' : 'http'}://${hostHeader}` : lanUrls[0]}/api/v1`;
    },
    registrationLimit: opts.registrationLimit,
    ...(tls
      ? {
          secureEndpointFor: (hostHeader) => secureEndpoint(hostHeader, httpsPort, lanHttpsUrls[0] ?? ''),
          caPem: tls.caPem,
        }
      : {}),
  };
  const lanHandle = lanHandler(lanDeps);
  const lan = createLanServer(lanDeps, lanHandle);
  const lanSecure = tls ? createLanHttpsServer(lanDeps, tls, lanHandle) : undefined;
  const handlers = createAdminService({ store, feed, upstream, now, info });
  const admin = createAdminServer({ handlers, feed, token, consoleDir: opts.consoleDir });

  try {
    port = await listen(lan, opts.port ?? 8000, host);
    adminPort = await listen(admin, opts.adminPort ?? 8001, '127.0.0.1');
    if (lanSecure) httpsPort = await listen(lanSecure, opts.httpsPort ?? 8443, host);
  } catch (e) {
    const servers = [lan, admin, ...(lanSecure ? [lanSecure] : [])];
    await Promise.all([...servers.map(closeServer), playground.close(), upstream.close()]);
    throw e;
  }
  lanUrls = lanBaseUrls(host, port);
  if (lanSecure) lanHttpsUrls = lanBaseUrls(host, httpsPort, 'https');

  return {
    store,
    feed,
    handlers,
    adminToken: token,
    info,
    localUrl: `http://127.0.0.1:${port}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    ...(lanSecure ? { localHttpsUrl: `https://127.0.0.1:${httpsPort}` } : {}),
    ...(tls?.caPem ? { caPem: tls.caPem } : {}),
    async close() {
      feed.close();
      await Promise.all([closeServer(lan), closeServer(admin), ...(lanSecure ? [closeServer(lanSecure)] : [])]);
      await Promise.all([playground.close(), upstream.close()]);
      await ledger.close();
      await store.persist();
    },
  };
}
