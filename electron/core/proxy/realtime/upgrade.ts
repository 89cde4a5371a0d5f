/**
 * The Realtime API on the LAN listener: WebSocket upgrades on
 * `/api/v1/openai/realtime` (Azure's preview form) and
 * `/api/v1/openai/v1/realtime` (GA), taken from the HTTP server's `upgrade`
 * event with `ws` in `noServer` mode. In order: the attendee's key (header,
 * query or subprotocol), the event window and browser origin, the
 * deployment, the event's limits (a session is one request against the
 * daily and per-minute caps and holds one place among the attendee's calls
 * in flight), then the upstream connection. Only once upstream has accepted
 * does the client's handshake complete, so every refusal before that is an
 * HTTP answer in the SDKs' error shape (the kit's own, or upstream's passed
 * along); after it, the session (`session.ts`) speaks in `error` events and
 * close frames.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import type { TrafficRecord } from '../../../../shared/types.js';
import { authenticateKey, type Caller } from '../../auth/attendee-auth.js';
import { KitError, toKitError } from '../../errors.js';
import type { StoreDriver } from '../../store/store-driver.js';
import type { TrafficFeed } from '../../traffic/feed.js';
import type { UsageLedger } from '../../usage/ledger.js';
import type { AllowanceBank } from '../metering/allowance-bank.js';
import type { AdmissionGate } from '../metering/minute-gate.js';
import { type Admission, admit } from '../pipeline/admit.js';
import { checkOrigin } from '../pipeline/cors.js';
import type { Upstream } from '../upstream/upstream.js';
import { connectUpstream } from './connect.js';
import { offeredProtocols, protocolToEcho, realtimeKey, realtimePaths, requestedDeployment } from './handshake.js';
import { refuseAsUpstream, refuseKitError } from './http-refusal.js';
import { RealtimeSession } from './session.js';
import { RealtimeSessions } from './sessions.js';
import { realtimeCandidates } from './target.js';
import { MAX_FRAME_BYTES } from './upstream-socket.js';

export interface RealtimeDeps {
  store: StoreDriver;
  ledger: UsageLedger;
  allowances: AllowanceBank;
  gate: AdmissionGate;
  feed: TrafficFeed;
  upstream: Upstream;
  now: () => number;
}

export interface Realtime {
  /** The LAN server's `upgrade` listener. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly sessions: RealtimeSessions;
  /** Ends every session (1001) before the kit stops. */
  close(): Promise<void>;
}

const API_PREFIX = '/api/v1';
const wsKey = /^[+/0-9A-Za-z]{22}==$/;

export function createRealtime(deps: RealtimeDeps): Realtime {
  const sessions = new RealtimeSessions(deps.now);
  /** Per handshake: the subprotocol to echo and the rate-limit headers for the 101 answer. */
  const handshakes = new WeakMap<IncomingMessage, { protocol?: string; headers: Readonly<Record<string, string>> }>();
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: MAX_FRAME_BYTES,
    skipUTF8Validation: true,
    handleProtocols: (_offered, req) => handshakes.get(req)?.protocol ?? false,
  });
  wss.on('headers', (lines: string[], req: IncomingMessage) => {
    const h = handshakes.get(req)?.headers;
    if (h) for (const k in h) lines.push(`${k}: ${h[k]}`);
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // The listener's idle guard is for sockets that never send a request; a session may rightly sit quiet.
    (socket as Duplex & { setTimeout?(ms: number): void }).setTimeout?.(0);
    socket.on('error', () => undefined);
    const started = deps.now();
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const pathname = (qi === -1 ? url : url.slice(0, qi)).replace(/\/$/, '');
    const query = new URLSearchParams(qi === -1 ? '' : url.slice(qi + 1));
    const form = realtimePaths[pathname];
    const route = form ? pathname.slice(API_PREFIX.length) : pathname;
    const record: Omit<TrafficRecord, 'id' | 'at' | 'status' | 'durationMs'> = { method: 'GET', route, path: route };
    const done = (status: number, errorCode?: string): void => {
      deps.feed.push({
        ...record,
        at: new Date(started).toISOString(),
        status,
        durationMs: deps.now() - started,
        ...(errorCode ? { errorCode } : {}),
      });
    };
    let caller: Caller | undefined;
    let admission: Admission | undefined;
    try {
      if (!form) {
        throw new KitError(
          'route_not_found',
          `No WebSocket endpoint at ${pathname}: the Realtime API is at ${API_PREFIX}/openai/realtime?deployment=… and ${API_PREFIX}/openai/v1/realtime?model=….`,
        );
      }
      checkHandshake(req);
      const protocols = offeredProtocols(req.headers['sec-websocket-protocol']);
      const key = realtimeKey(req.headers, req.rawHeaders, query, protocols) as string;
      const found = authenticateKey(deps.store, key, started);
      caller = found instanceof Promise ? await found : found;
      Object.assign(record, {
        eventId: caller.event.id,
        attendeeId: caller.attendee.id,
        ...(caller.attendee.name ? { attendeeName: caller.attendee.name } : {}),
      });
      checkOrigin(caller.event, req.headers.origin);
      const deployment = requestedDeployment(form, query);
      record.deployment = deployment;
      const candidates = realtimeCandidates(deps.store, caller.event, deployment);
      const admitting = admit(deps, caller, deployment as string);
      admission = admitting instanceof Promise ? await admitting : admitting;

      let gone = false;
      const onGone: Array<() => void> = [];
      socket.once('close', () => {
        gone = true;
        for (const fn of onGone) fn();
      });
      const connected = await connectUpstream(
        deps.upstream,
        {
          form,
          deployment: deployment as string,
          candidates,
          query,
          clientHeaders: req.headers,
          protocols,
          cancelled: {
            get aborted() {
              return gone;
            },
            onAbort: (fn) => onGone.push(fn),
          },
        },
        deps.now,
      );
      if (connected.resource) record.resourceId = connected.resource.id;
      if (!connected.dispatched) {
        // Nothing reached upstream: the session is not counted.
        admission.ticket?.cancel();
        admission.hold?.cancel();
        deps.ledger.uncountRequest(admission.slot);
      } else if (connected.kind !== 'open') {
        admission.ticket?.release();
        admission.hold?.done();
        if (!gone) deps.ledger.countError(admission.slot);
      }
      if (gone) {
        if (connected.kind === 'open') connected.opening.socket.terminate();
        return done(499);
      }
      if (connected.kind === 'failed') throw connected.error;
      const headers = admission.ticket?.headers ?? {};
      if (connected.kind === 'refused') {
        const { status, headers: up, body } = connected.opening;
        refuseAsUpstream(socket, status, up, body, { ...headers });
        return done(status);
      }
      const upstreamSocket = connected.opening.socket;
      const protocol = protocolToEcho(protocols);
      handshakes.set(req, { ...(protocol ? { protocol } : {}), headers });
      const start = { caller, deployment: deployment as string, resourceId: connected.resource.id, route, started };
      const held: Admission = admission;
      let upgraded = false;
      socket.once('close', () => {
        if (!upgraded) {
          // The client left between upstream's answer and its own handshake.
          upstreamSocket.terminate();
          held.ticket?.release();
          held.hold?.done();
        }
      });
      wss.handleUpgrade(req, socket, head, (client: WebSocket) => {
        upgraded = true;
        const session = new RealtimeSession(deps, { ...start, admission: held }, client, upstreamSocket, (s) =>
          sessions.remove(s),
        );
        sessions.add(session);
      });
    } catch (e) {
      const err = toKitError(e);
      if (err.code === 'internal_error') console.error('[realtime] unexpected error on', route, e);
      refuseKitError(socket, err, admission?.ticket?.headers ?? {});
      done(err.status, err.code);
    }
  }

  return {
    upgrade: (req, socket, head) => void upgrade(req, socket, head),
    sessions,
    close: () => sessions.close(),
  };
}

/** What ws itself would refuse, refused first (before any upstream connection is opened for it). */
function checkHandshake(req: IncomingMessage): void {
  const version = Number(req.headers['sec-websocket-version']);
  if (
    req.method !== 'GET' ||
    req.headers.upgrade?.toLowerCase() !== 'websocket' ||
    !wsKey.test(req.headers['sec-websocket-key'] ?? '') ||
    (version !== 13 && version !== 8)
  ) {
    throw new KitError(
      'invalid_request',
      'Not a valid WebSocket handshake (GET with Upgrade: websocket, a Sec-WebSocket-Key and version 13).',
    );
  }
}
