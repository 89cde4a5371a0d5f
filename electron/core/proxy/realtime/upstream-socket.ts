/**
 * Opens the kit's own WebSocket to an upstream Realtime endpoint with the
 * `ws` package (the same library as the server side: one frame codec, its
 * pause/resume for backpressure, no compression, no UTF-8 re-validation of
 * frames the kit only relays). The handshake is bounded in time, and an
 * upstream that answers the handshake with an HTTP error (401, 404, 429…)
 * hands that answer back, body included (bounded), so it can be passed to
 * the client or failed over like an HTTP call.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { KitError } from '../../errors.js';

/** The largest frame relayed (OpenAI takes audio appends of up to 15 MiB). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
const MAX_ERROR_BODY = 64 * 1024;
const ERROR_BODY_MS = 5000;

export type UpstreamOpening =
  | { kind: 'open'; socket: WebSocket }
  /** The upstream answered the handshake with an HTTP status instead of 101. */
  | { kind: 'refused'; status: number; headers: IncomingHttpHeaders; body: Buffer }
  /** Unreachable, timed out, or the client left before it opened. */
  | { kind: 'failed'; error: KitError; code?: string };

export interface OpenOptions {
  headers: Record<string, string>;
  handshakeMs: number;
  /** Fires when the attendee's socket goes away while the kit is still connecting. */
  cancelled: { aborted: boolean; onAbort(fn: () => void): void };
  /** Names the deployment in messages. */
  deployment: string;
}

export function openUpstream(url: string, o: OpenOptions): Promise<UpstreamOpening> {
  return new Promise((resolve) => {
    let done = false;
    const socket = new WebSocket(url, {
      headers: o.headers,
      handshakeTimeout: o.handshakeMs,
      perMessageDeflate: false,
      maxPayload: MAX_FRAME_BYTES,
      skipUTF8Validation: true,
      followRedirects: false,
    });
    const finish = (r: UpstreamOpening) => {
      if (done) return;
      done = true;
      socket.off('open', onOpen);
      socket.off('error', onError);
      socket.off('unexpected-response', onRefused);
      if (r.kind !== 'open') {
        // Later errors of a socket given up on must not surface as unhandled events.
        socket.on('error', () => undefined);
        socket.terminate();
      }
      resolve(r);
    };
    // Paused until the session's relay listens: the first event (session.created) must not be missed.
    const onOpen = () => {
      socket.pause();
      finish({ kind: 'open', socket });
    };
    const onError = (e: Error & { code?: string }) => {
      const timedOut = /handshake has timed out/i.test(e.message);
      const error = timedOut
        ? new KitError('upstream_timeout', `The realtime upstream behind "${o.deployment}" did not answer in time.`)
        : new KitError(
            'upstream_unavailable',
            `The realtime upstream behind "${o.deployment}" could not be reached${e.code ? ` (${e.code})` : ''}.`,
          );
      finish({ kind: 'failed', error, ...(e.code ? { code: e.code } : {}) });
    };
    // With a listener here, ws leaves the handshake to us: `finish` terminates it once the body is read.
    const onRefused = (_req: unknown, res: IncomingMessage) => {
      readBounded(res).then((body) =>
        finish({ kind: 'refused', status: res.statusCode ?? 502, headers: res.headers, body }),
      );
    };
    socket.on('open', onOpen);
    socket.on('error', onError);
    socket.on('unexpected-response', onRefused);
    if (o.cancelled.aborted) {
      finish({ kind: 'failed', error: new KitError('upstream_unavailable', 'The client went away.') });
      return;
    }
    o.cancelled.onAbort(() =>
      finish({ kind: 'failed', error: new KitError('upstream_unavailable', 'The client went away.') }),
    );
  });
}

/** An upstream refusal's body, at most 64 KiB and 5 s of it. */
function readBounded(res: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const end = () => {
      clearTimeout(timer);
      res.removeAllListeners('data');
      res.destroy();
      resolve(Buffer.concat(chunks));
    };
    const timer = setTimeout(end, ERROR_BODY_MS);
    res.on('data', (c: Buffer) => {
      if (size + c.length > MAX_ERROR_BODY) return end();
      chunks.push(c);
      size += c.length;
    });
    res.on('end', end);
    res.on('error', end);
  });
}
