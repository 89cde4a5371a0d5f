/**
 * The live realtime sessions and their beat: twice a second each session
 * looks at the event's rules again (a revoked key, an event that ended, the
 * token budget, the longest session), so a change takes effect within a
 * second whatever store driver holds it; every 30 seconds both sides of each
 * session are pinged. The timer runs only while sessions are open. On
 * shutdown every session is closed with 1001 ("going away").
 */
import type { RealtimeSession } from './session.js';

const TICK_MS = 500;
const PING_EVERY_MS = 30_000;
/** How long shutdown waits for closing handshakes before it lets go. */
const CLOSE_WAIT_MS = 3500;

export class RealtimeSessions {
  readonly #live = new Set<RealtimeSession>();
  readonly #now: () => number;
  readonly #tickMs: number;
  readonly #pingEvery: number;
  #timer: NodeJS.Timeout | undefined;
  #beats = 0;
  #emptied: Array<() => void> = [];

  constructor(now: () => number, opts: { tickMs?: number; pingEveryMs?: number } = {}) {
    this.#now = now;
    this.#tickMs = opts.tickMs ?? TICK_MS;
    this.#pingEvery = Math.max(1, Math.round((opts.pingEveryMs ?? PING_EVERY_MS) / this.#tickMs));
  }

  get size(): number {
    return this.#live.size;
  }

  add(s: RealtimeSession): void {
    this.#live.add(s);
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#tick(), this.#tickMs);
      this.#timer.unref();
    }
  }

  remove(s: RealtimeSession): void {
    this.#live.delete(s);
    if (this.#live.size > 0) return;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const fn of this.#emptied.splice(0)) fn();
  }

  /** Closes every session (1001) and waits, bounded, for their closing handshakes. */
  async close(): Promise<void> {
    if (this.#live.size === 0) return;
    const empty = new Promise<void>((resolve) => this.#emptied.push(resolve));
    for (const s of [...this.#live]) s.end('server_shutting_down', 'The kit is shutting down.', 1001);
    await Promise.race([empty, new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
  }

  #tick(): void {
    const now = this.#now();
    const ping = ++this.#beats % this.#pingEvery === 0;
    for (const s of [...this.#live]) {
      try {
        s.check(now);
        if (ping) s.ping();
      } catch (e) {
        console.error('[realtime] session check failed', e);
      }
    }
  }
}
