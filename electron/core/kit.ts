/**
 * The composition root: builds the whole kit (store, playground, upstream
 * pools, proxy, LAN listener, admin service and its loopback listener, live
 * traffic feed) from options. The Electron main process and the headless CLI
 * both call `createKit`; tests call it with port 0 and a temporary data dir.
 */

import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { KitInfo, StoreDriverInfo } from '../../shared/types.js';
import { createAdminServer } from './admin/http-binding.js';
import { createAdminService, type Handlers } from './admin/service.js';
import { type Conference, openConference } from './conference.js';
import { adminToken, DEFAULT_PORTS } from './config.js';
import { type DataDirLock, lockDataDir } from './data-dir-lock.js';
import { KeepAwake, type WakeLock } from './event-day/keep-awake.js';
import { listenWithFallback } from './event-day/listen.js';
import type { PowerSource } from './event-day/power.js';
import { Readiness } from './event-day/readiness.js';
import { storeConditions } from './event-day/store-conditions.js';
import type { Condition } from './event-day/warnings.js';
import { lanTls, secureEndpoint } from './lan/https.js';
import type { RateLimitOptions } from './lan/rate-limit.js';
import { createLanHttpsServer, createLanServer, type LanDeps, lanHandler } from './lan/server.js';
import { Visitors } from './lan/visitors.js';
import { LanAddressBook } from './net/address-book.js';
import { startPlayground } from './playground/server.js';
import { LocalAllowanceBank } from './proxy/metering/allowance-bank.js';
import { LocalAdmissionGate } from './proxy/metering/minute-gate.js';
import { Ownership } from './proxy/objects/ownership.js';
import { createProxy } from './proxy/pipeline/receive.js';
import { createRealtime } from './proxy/realtime/upgrade.js';
import type { TokenSource } from './proxy/upstream/credentials.js';
import { Upstream, type UpstreamOptions, type UpstreamTimeouts } from './proxy/upstream/upstream.js';
import { seedDemo } from './store/demo.js';
import type { FileLayer } from './store/file-layer.js';
import { openStore, STORE_FILE } from './store/open-store.js';
import { describeStoreUrl, openPgStore } from './store/postgres/open-pg-store.js';
import { fileSecretBox, type SecretBox } from './store/secret-box.js';
import type { StoreDriver } from './store/store-driver.js';
import { consoleLog, type KitLog, StoreHealth } from './store/store-health.js';
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
  routing?: Pick<UpstreamOptions, 'maxAttempts' | 'throttleMs' | 'random' | 'capacity'>;
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
  /**
   * When a port is taken, take the next free one (8002…8010, then any) instead of failing, and say so in
   * `kit.info` (the desktop app, and the CLI without an explicit --port). Default false.
   */
  portFallback?: boolean;
  /** How the kit keeps the machine awake while an event is live; null or absent: it cannot (and says so). */
  wakeLock?: WakeLock | null;
  /** Whether the display is kept on too (the desktop's projector view). */
  displayAwake?: () => boolean;
  /** Where power facts come from (default: none known). */
  power?: PowerSource;
  /** Addresses that are this machine for the join-page device count (default: loopback and own interfaces). */
  ownAddresses?: string[];
  /** A live event with no other device reaching the kit for this long gets the "no devices" advice (default 5 min). */
  quietMs?: number;
  /** How often disk and power are re-read and warnings re-evaluated (default 15 s). */
  readinessIntervalMs?: number;
  /** More warning conditions (each holds while returned), e.g. from the desktop shell. */
  extraConditions?: () => Condition[];
  /** What the desktop shell found at start (a key its keychain could not open), shown with the store's notices. */
  startupNotes?: string[];
  /** The store file's operations (the store bench measures them without fsync; tests inject failures). */
  storeFiles?: FileLayer;
  /** Where the store's episodes are logged (default: stderr). */
  log?: KitLog;
  /**
   * Addresses of reverse proxies in front of the LAN listener: their `X-Forwarded-For` and
   * `X-Forwarded-Proto` name the attendee (the per-device registration limit, the join-page count).
   */
  trustedProxies?: string[];
  /**
   * A PostgreSQL database (`postgres://…`) to keep the event store in, shared by every kit started with the
   * same URL; absent: the JSON store in the data dir.
   */
  storeUrl?: string;
  /**
   * With `storeUrl`: this instance's name in the live traffic every instance shows (default: the host name
   * and the LAN port).
   */
  instanceName?: string;
}

export interface Kit {
  readonly store: StoreDriver;
  /** The usage counters (tests count through it as the proxy does). */
  readonly ledger: UsageLedger;
  readonly feed: TrafficFeed;
  /** The upstream side: pools, resource health, resources' queues of calls in flight. */
  readonly upstream: Upstream;
  readonly handlers: Handlers;
  readonly adminToken: string;
  /** Event-day readiness: pre-flight checks and warnings (the tray and notifications subscribe). */
  readonly readiness: Readiness;
  readonly keepAwake: KeepAwake;
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

function closeServer(server: Server | HttpsServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function createKit(opts: KitOptions): Promise<Kit> {
  // A data dir that cannot be made or written (a read-only disk) does not stop the kit: the store says why.
  await mkdir(opts.dataDir, { recursive: true }).catch(() => undefined);
  const lock = await lockDataDir(opts.dataDir, 'kit', 'two kits cannot share one data dir');
  try {
    return await buildKit(opts, lock);
  } catch (e) {
    lock.release();
    throw e;
  }
}

async function buildKit(opts: KitOptions, lock: DataDirLock): Promise<Kit> {
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const host = opts.host ?? '0.0.0.0';
  const notes = [...(opts.startupNotes ?? [])];
  const box = opts.secretBox ?? (await fileSecretBox(opts.dataDir, notes));
  const health = new StoreHealth(opts.log ?? consoleLog, now);
  const store: StoreDriver = opts.storeUrl
    ? await openPgStore(opts.storeUrl, box, health, opts.log ?? consoleLog)
    : await openStore(opts.dataDir, box, { now, health, files: opts.storeFiles });
  const storeDriver: StoreDriverInfo = opts.storeUrl
    ? { kind: 'postgres', location: describeStoreUrl(opts.storeUrl) }
    : { kind: 'json', location: join(opts.dataDir, STORE_FILE) };
  // A demo that cannot be saved (a read-only data dir) is simply not there: the console says why.
  if (opts.demo ?? true) await seedDemo(store, now()).catch(() => undefined);
  const token = await adminToken(opts.dataDir, opts.env, notes);

  // Read before anything that must be closed is started: unusable certificate files stop the start cleanly.
  const tls = await lanTls({
    dataDir: opts.dataDir,
    httpsPort: opts.httpsPort,
    host,
    certFile: opts.tlsCertFile,
    keyFile: opts.tlsKeyFile,
    notes,
  });
  for (const n of notes) health.notice(n);

  const playground = await startPlayground();
  const upstream = new Upstream({
    ...opts.routing,
    tokens: opts.tokens,
    timeouts: opts.timeouts,
    playgroundOrigin: playground.origin,
  });
  const feed = new TrafficFeed();
  const ledger = new UsageLedger(store, opts.usageFlushMs, now);
  const ownership = new Ownership(store, ledger);
  const localGate = new LocalAdmissionGate(now);
  // Kit instances on one database count limits for the event as a whole; a kit of its own, in its ledger.
  const conference: Conference | undefined = opts.storeUrl
    ? openConference({ storeUrl: opts.storeUrl, ledger, localGate, feed, now, log: opts.log ?? consoleLog })
    : undefined;
  const allowances = conference?.allowances ?? new LocalAllowanceBank(ledger);
  const gate = conference?.gate ?? localGate;
  const realtime = createRealtime({ store, ledger, allowances, gate, feed, upstream, now });
  const proxy = createProxy({
    store,
    ownership,
    feed,
    upstream,
    ledger,
    allowances,
    gate,
    now,
    maxBodyBytes: opts.maxBodyBytes ?? 32 * 1024 * 1024,
  });

  let port = 0;
  let portNote: string | undefined;
  let adminPort = 0;
  let httpsPort = 0;
  const addresses = new LanAddressBook(host);
  const visitors = new Visitors({ ownAddresses: opts.ownAddresses });
  const keepAwake = new KeepAwake({
    lock: opts.wakeLock ?? null,
    events: () => store.events,
    now,
    display: opts.displayAwake,
  });
  let readiness: Readiness | undefined;
  const info = (): KitInfo => ({
    version: opts.version ?? '0.0.0',
    lanUrls: addresses.urls(port),
    port,
    adminPort,
    dataDir: opts.dataDir,
    ...(tls
      ? { httpsPort, lanHttpsUrls: addresses.urls(httpsPort, 'https'), ...(tls.caFile ? { caFile: tls.caFile } : {}) }
      : {}),
    preflight: (readiness as Readiness).preflight(),
    store: store.status(),
    storeDriver,
  });

  const lanDeps: LanDeps = {
    store,
    proxy,
    ledger,
    now,
    headersTimeoutMs: opts.headersTimeoutMs,
    endpointFor: (hostHeader, secure) => {
      // The address the attendee reached us on is one their device can reach again.
      const ok = hostHeader && /^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:]+\](:\d+)?$/.test(hostHeader);
      return `${ok ? `${secure ? 'https' : 'http'}://${hostHeader}` : addresses.urls(port)[0]}/api/v1`;
    },
    registrationLimit: opts.registrationLimit,
    visitors,
    ...(opts.trustedProxies?.length ? { trustedProxies: new Set(opts.trustedProxies) } : {}),
    upgrade: realtime.upgrade,
    ...(tls
      ? {
          secureEndpointFor: (hostHeader) =>
            secureEndpoint(hostHeader, httpsPort, addresses.urls(httpsPort, 'https')[0] ?? ''),
          caPem: tls.caPem,
        }
      : {}),
  };
  const lanHandle = lanHandler(lanDeps);
  const lan = createLanServer(lanDeps, lanHandle);
  const lanSecure = tls ? createLanHttpsServer(lanDeps, tls, lanHandle) : undefined;
  for (const server of [lan, ...(lanSecure ? [lanSecure] : [])])
    server.on('connection', (socket: { remoteAddress?: string }) => visitors.connected(socket.remoteAddress, now()));
  const handlers = createAdminService({
    store,
    ledger,
    feed,
    upstream,
    now,
    info,
    lanBase: () => addresses.urls(port)[0] as string,
    eventsChanged: () => void keepAwake.refresh(),
    chooseAddress: (address) => addresses.prefer(address),
  });
  const admin = createAdminServer({ handlers, feed, token, consoleDir: opts.consoleDir });

  const wanted = { lan: opts.port ?? DEFAULT_PORTS.lan, admin: opts.adminPort ?? DEFAULT_PORTS.admin };
  try {
    const fallback = opts.portFallback ?? false;
    const l = await listenWithFallback(lan, wanted.lan, host, { fallback, avoid: [wanted.admin], what: 'LAN' });
    port = l.port;
    portNote = l.note;
    adminPort = (await listenWithFallback(admin, wanted.admin, '127.0.0.1', { fallback, avoid: [port], what: 'admin' }))
      .port;
    if (lanSecure)
      httpsPort = (
        await listenWithFallback(lanSecure, opts.httpsPort ?? DEFAULT_PORTS.https, host, { fallback, what: 'HTTPS' })
      ).port;
  } catch (e) {
    const servers = [lan, admin, ...(lanSecure ? [lanSecure] : [])];
    await Promise.all([
      ...servers.map(closeServer),
      playground.close(),
      upstream.close(),
      realtime.close(),
      ...(conference ? [conference.close()] : []),
    ]);
    throw e;
  }

  readiness = new Readiness({
    store,
    dataDir: opts.dataDir,
    now,
    startedAt,
    health: (id) => upstream.health.view(id, now()),
    visitors,
    keepAwake,
    power: opts.power ?? (async () => null),
    network: () => addresses.facts({ port, configuredPort: wanted.lan, portNote }),
    quietMs: opts.quietMs,
    intervalMs: opts.readinessIntervalMs,
    extraConditions: () => [...storeConditions(store.status()), ...(opts.extraConditions?.() ?? [])],
  });
  await keepAwake.start();
  await readiness.start();
  if (conference) {
    const name = opts.instanceName ?? `${hostname()}:${port}`;
    await conference
      .shareTraffic(name)
      .catch((e: Error) =>
        (opts.log ?? consoleLog)(`[traffic] Other instances' live traffic cannot be shown: ${e.message}`),
      );
  }

  return {
    store,
    ledger,
    feed,
    upstream,
    handlers,
    adminToken: token,
    readiness,
    keepAwake,
    info,
    localUrl: `http://127.0.0.1:${port}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    ...(lanSecure ? { localHttpsUrl: `https://127.0.0.1:${httpsPort}` } : {}),
    ...(tls?.caPem ? { caPem: tls.caPem } : {}),
    async close() {
      keepAwake.stop();
      readiness?.stop();
      // Upgraded sockets are no longer the HTTP servers': the sessions are closed first, with 1001.
      await realtime.close();
      feed.close();
      await Promise.all([closeServer(lan), closeServer(admin), ...(lanSecure ? [closeServer(lanSecure)] : [])]);
      await Promise.all([playground.close(), upstream.close()]);
      await (conference ?? allowances).close();
      await ledger.close();
      await store.close();
      lock.release();
    },
  };
}
