/**
 * Relays one realtime session's frames between the attendee's WebSocket and
 * the kit's upstream one, unchanged both ways (text and binary alike, the
 * same bytes, never re-encoded), with backpressure: when one side's send
 * buffer passes a high-water mark the other side stops being read until that
 * frame is written out. Pings are answered on each hop by `ws` itself, and
 * the kit pings both sides on the registry's beat, cutting a side that did
 * not answer the last one. A close on one side closes the other with the same
 * code and reason; codes no endpoint may send (1005 "no status", 1006
 * "abnormal", 1015 "TLS failure") become a close without status, 1014 "bad
 * gateway" (upstream lost) or 1001 "going away" (client lost). A side that
 * does not finish its closing handshake within a few seconds is cut.
 */
import WebSocket from 'ws';

/** Bytes waiting in one side's send buffer before the other side is paused. */
export const HIGH_WATER_BYTES = 512 * 1024;
/** How long a closing handshake may take before the socket is cut. */
const CLOSE_GRACE_MS = 3000;

export type Side = 'client' | 'upstream';

export interface RelayHooks {
  /** A text frame from upstream, before it is sent on (the session reads usage off `response.done`). */
  upstreamText(data: Buffer): void;
  /** Both sockets are closed; called once. `by` is who closed first (`kit` for a session the kit ended). */
  closed(by: Side | 'kit', code: number, reason: string): void;
}

/** The close to send to the other side for one received from `from` (undefined code: close without status). */
export function relayedClose(code: number, reason: Buffer | string, from: Side): [number | undefined, string] {
  const text = typeof reason === 'string' ? reason : reason.toString('utf8');
  if (code === 1005) return [undefined, ''];
  if (code === 1006 || code === 1015) {
    return from === 'upstream'
      ? [1014, 'The upstream realtime connection was lost.']
      : [1001, 'The client connection was lost.'];
  }
  const sendable = (code >= 1000 && code <= 1014 && code !== 1004) || (code >= 3000 && code <= 4999);
  return sendable ? [code, text] : [1011, text];
}

export class FrameRelay {
  readonly #client: WebSocket;
  readonly #upstream: WebSocket;
  readonly #hooks: RelayHooks;
  #first: { by: Side | 'kit'; code: number; reason: string } | undefined;
  #open = 2;
  readonly #alive = { client: true, upstream: true };
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(client: WebSocket, upstream: WebSocket, hooks: RelayHooks) {
    this.#client = client;
    this.#upstream = upstream;
    this.#hooks = hooks;
    this.#wire(client, upstream, 'client');
    this.#wire(upstream, client, 'upstream');
    // Upstream was paused from its opening until now, so nothing it sent first is lost.
    upstream.resume();
  }

  /** Ends the session from the kit: the client gets `code` and `reason`, upstream a normal close. */
  end(code: number, reason: string): void {
    this.#first ??= { by: 'kit', code, reason };
    this.#close(this.#client, code, reason);
    this.#close(this.#upstream, 1000, 'The session was ended by the kit.');
  }

  /** Keepalive: pings both sides; a side that did not answer the previous ping is cut. */
  ping(): void {
    for (const [side, ws] of [
      ['client', this.#client],
      ['upstream', this.#upstream],
    ] as const) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (!this.#alive[side]) {
        ws.terminate();
        continue;
      }
      this.#alive[side] = false;
      ws.ping();
    }
  }

  #wire(from: WebSocket, to: WebSocket, side: Side): void {
    let paused = false;
    const resume = () => {
      paused = false;
      from.resume();
    };
    const tap = side === 'upstream' ? this.#hooks.upstreamText : undefined;
    from.on('message', (data: Buffer, isBinary: boolean) => {
      if (tap && !isBinary) tap(data);
      if (to.readyState !== WebSocket.OPEN) return;
      if (!paused && to.bufferedAmount + data.length > HIGH_WATER_BYTES) {
        // Stop reading this side until the frame that crossed the mark is written out.
        paused = true;
        from.pause();
        to.send(data, { binary: isBinary }, resume);
      } else {
        to.send(data, { binary: isBinary });
      }
    });
    from.on('pong', () => {
      this.#alive[side] = true;
    });
    // ws reports a broken connection as 'error' then 'close' (1006): the close is what matters here.
    from.on('error', () => undefined);
    from.on('close', (code: number, reason: Buffer) => {
      if (!this.#first) {
        const [c, r] = relayedClose(code, reason, side);
        this.#first = { by: side, code, reason: r || reason.toString('utf8') };
        this.#close(to, c, r);
      } else if (to.readyState === WebSocket.OPEN) {
        this.#close(to, 1000, '');
      }
      if (--this.#open === 0) {
        for (const t of this.#timers) clearTimeout(t);
        const f = this.#first;
        this.#hooks.closed(f.by, f.code, f.reason);
      }
    });
  }

  #close(ws: WebSocket, code: number | undefined, reason: string): void {
    if (ws.readyState === WebSocket.CLOSED) return;
    if (ws.readyState === WebSocket.OPEN) {
      if (code === undefined) ws.close();
      else ws.close(code, reason);
    }
    const t = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
    t.unref();
    this.#timers.push(t);
  }
}
