/**
 * A kit in front of the emulated Realtime upstream for the realtime tests:
 * one Azure OpenAI resource serving `gpt-realtime` (and a playground, which
 * has no Realtime API), an event, a registered attendee, the HTTPS listener
 * (the openai SDK's realtime client always dials `wss://`), and small
 * helpers to open a raw `ws` connection, read a refused handshake and wait
 * for events.
 */
import WebSocket from 'ws';
import type { KitOptions } from '../../electron/core/kit.js';
import type { Input } from '../../shared/contract.js';
import { eventInput, startKit, type TestKit } from './kit.js';
import { type RealtimeUpstream, type RealtimeUpstreamOptions, startRealtimeUpstream } from './realtime-upstream.js';

export interface RealtimeKit {
  kit: TestKit;
  rt: RealtimeUpstream;
  apiKey: string;
  attendeeId: string;
  eventId: string;
  resourceId: string;
  /** `ws://127.0.0.1:<port>/api/v1` */
  wsBase: string;
  /** `https://127.0.0.1:<https port>/api/v1` */
  httpsBase: string;
  stop(): Promise<void>;
}

export async function startRealtimeKit(
  opts: { event?: Partial<Input<'events.create'>>; kit?: Partial<KitOptions>; upstream?: RealtimeUpstreamOptions } = {},
): Promise<RealtimeKit> {
  const rt = await startRealtimeUpstream(opts.upstream);
  const kit = await startKit({ httpsPort: 0, ...opts.kit });
  const resource = await kit.call('resources.create', {
    name: 'Voice',
    kind: 'azure-openai',
    endpoint: rt.url,
    deployment: 'gpt-realtime',
    auth: { type: 'api-key', key: 'upstream-secret-key-123' },
    enabled: true,
  });
  const playground = await kit.call('resources.create', {
    name: 'Playground',
    kind: 'playground',
    deployment: 'playground',
    auth: { type: 'none' },
    enabled: true,
  });
  const event = await kit.call('events.create', eventInput([resource.id, playground.id], opts.event));
  const reg = await kit.register(event.code, { name: 'Ada' });
  const apiKey = reg.body.apiKey as string;
  const attendeeId = (await kit.call('attendees.list', { eventId: event.id }))[0]?.id as string;
  return {
    kit,
    rt,
    apiKey,
    attendeeId,
    eventId: event.id,
    resourceId: resource.id,
    wsBase: `${kit.localUrl.replace('http', 'ws')}/api/v1`,
    httpsBase: `${kit.localHttpsUrl}/api/v1`,
    async stop() {
      await kit.stop();
      await rt.close();
    },
  };
}

/** An open socket and the events it received from its first frame on. */
export interface OpenSocket {
  ws: WebSocket;
  ev: ReturnType<typeof events>;
}

/**
 * Opens a WebSocket and resolves once it is open (or rejects with the refused handshake's status and
 * body). Its events are collected from the start: the first one may arrive with the handshake itself.
 */
export function openSocket(
  url: string,
  opts: { protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<OpenSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts.protocols ?? [], { headers: opts.headers ?? {} });
    const ev = events(ws);
    ws.once('open', () => resolve({ ws, ev }));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}`), {
            status: res.statusCode,
            headers: res.headers,
            body: JSON.parse(Buffer.concat(chunks).toString() || '{}'),
          }),
        ),
      );
    });
    ws.once('error', reject);
  });
}

/** The refused handshake's status, headers and body. */
export async function refusal(
  url: string,
  opts: Parameters<typeof openSocket>[1] = {},
): Promise<{ status: number; headers: Record<string, string>; body: { error: { code: string; message: string } } }> {
  try {
    const { ws } = await openSocket(url, opts);
    ws.terminate();
  } catch (e) {
    return e as never;
  }
  throw new Error('expected the handshake to be refused');
}

/** JSON events a socket receives (all of them in `seen`), and a way to take the next one of a type. */
export function events(ws: WebSocket) {
  const seen: Array<Record<string, unknown>> = [];
  const unread = new Map<string, Array<Record<string, unknown>>>();
  const waiters = new Map<string, Array<(e: Record<string, unknown>) => void>>();
  ws.on('message', (data: Buffer, binary: boolean) => {
    if (binary) return;
    const e = JSON.parse(data.toString()) as Record<string, unknown>;
    seen.push(e);
    const type = String(e.type);
    const waiter = waiters.get(type)?.shift();
    if (waiter) waiter(e);
    else unread.set(type, [...(unread.get(type) ?? []), e]);
  });
  return {
    seen,
    next(type: string, timeoutMs = 5000): Promise<Record<string, unknown>> {
      const ready = unread.get(type)?.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
        waiters.set(type, [
          ...(waiters.get(type) ?? []),
          (e) => {
            clearTimeout(t);
            resolve(e);
          },
        ]);
      });
    },
  };
}

/** Resolves with the close code and reason. */
export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve({ code: 1006, reason: '' });
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

/** 100 ms of 24 kHz 16-bit silence, base64: what one append of a voice lab carries. */
export const AUDIO_100MS = Buffer.alloc(4800).toString('base64');
