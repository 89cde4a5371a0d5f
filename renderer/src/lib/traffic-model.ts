/**
 * The console's live-traffic model: a bounded tail of recent records and
 * one bucket per second for the last few minutes, from which the charts'
 * series are derived. Records arrive in batches (the feed's ticks); views
 * are told at most a few times a second, so 200 requests/s stays smooth.
 * Realtime sessions send a record when they open, after each response and
 * when they close: only the opening one is a request in the charts (a
 * session's length is not a latency), and the model keeps one row per
 * session for the sessions table.
 */
import type { TrafficRecord } from '../../../shared/types.js';

/** One realtime session as the console shows it: open (no `closedAt`) or recently closed. */
export interface SessionRow {
  id: string;
  attendeeName?: string;
  deployment?: string;
  openedAt: number;
  closedAt?: number;
  responses: number;
  totalTokens: number;
  closeCode?: number;
  closeReason?: string;
}

/** Sessions remembered at most (open ones first kept); a room rarely holds more voice sessions at once. */
const MAX_SESSIONS = 500;

export interface Series {
  /** Unix seconds, one per second of the window, oldest first. */
  x: number[];
  rps: number[];
  p50: (number | null)[];
  p95: (number | null)[];
  s2xx: number[];
  s4xx: number[];
  s5xx: number[];
  /** Tokens over the 60 s ending at each second. */
  tokensPerMin: number[];
}

interface Bucket {
  count: number;
  durations: number[];
  s2xx: number;
  s4xx: number;
  s5xx: number;
  tokens: number;
  /** Computed once the second is over. */
  p50?: number | null;
  p95?: number | null;
}

/** Enough samples per second for stable percentiles; beyond it the bucket keeps a reservoir. */
const MAX_SAMPLES = 1000;

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? null;
}

export class TrafficModel {
  readonly #tail: TrafficRecord[] = [];
  readonly #buckets = new Map<number, Bucket>();
  readonly #listeners = new Set<() => void>();
  readonly #sessions = new Map<string, SessionRow>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #total = 0;
  #lastId = 0;
  #lastAt = 0;
  version = 0;

  constructor(
    readonly tailSize = 1000,
    readonly windowSeconds = 300,
    readonly notifyMs = 400,
  ) {}

  get total(): number {
    return this.#total;
  }

  add(batch: TrafficRecord[]): void {
    let added = 0;
    for (const r of batch) {
      const at = Date.parse(r.at);
      // The history and the live stream overlap; ids only go back when the kit restarted (later times).
      if (r.id <= this.#lastId && at <= this.#lastAt) continue;
      this.#lastId = r.id;
      this.#lastAt = Math.max(this.#lastAt, at);
      added++;
      this.#tail.push(r);
      if (r.session) this.#session(r, at);
      const sec = Math.floor(at / 1000);
      let b = this.#buckets.get(sec);
      if (!b) {
        b = { count: 0, durations: [], s2xx: 0, s4xx: 0, s5xx: 0, tokens: 0 };
        this.#buckets.set(sec, b);
      }
      b.tokens += r.totalTokens ?? 0;
      // A session's later records carry tokens, not a new request or a latency.
      if (r.session && r.session.phase !== 'open') continue;
      this.#total++;
      b.count++;
      if (b.durations.length < MAX_SAMPLES) b.durations.push(r.durationMs);
      else {
        const j = Math.floor(Math.random() * b.count);
        if (j < MAX_SAMPLES) b.durations[j] = r.durationMs;
      }
      if (r.status >= 500) b.s5xx++;
      else if (r.status >= 400) b.s4xx++;
      else b.s2xx++;
    }
    if (added === 0) return;
    // Trim in chunks so the array is not shifted on every record.
    if (this.#tail.length > this.tailSize * 1.25) this.#tail.splice(0, this.#tail.length - this.tailSize);
    this.version++;
    this.#schedule();
  }

  #session(r: TrafficRecord, at: number): void {
    const info = r.session as NonNullable<TrafficRecord['session']>;
    let row = this.#sessions.get(info.id);
    if (!row) {
      row = { id: info.id, openedAt: Date.parse(info.openedAt), responses: 0, totalTokens: 0 };
      this.#sessions.set(info.id, row);
    }
    row.attendeeName = r.attendeeName ?? r.attendeeId;
    row.deployment = r.deployment;
    row.responses = Math.max(row.responses, info.responses);
    row.totalTokens = Math.max(row.totalTokens, info.totalTokens);
    if (info.phase === 'closed')
      Object.assign(row, { closedAt: at, closeCode: info.closeCode, closeReason: info.closeReason });
    if (this.#sessions.size <= MAX_SESSIONS) return;
    // Forget the oldest closed sessions first (a Map iterates in insertion order).
    for (const [id, s] of this.#sessions) {
      if (this.#sessions.size <= MAX_SESSIONS) break;
      if (s.closedAt !== undefined) this.#sessions.delete(id);
    }
  }

  /** Realtime sessions, open ones first (longest open first), then the most recently closed, at most `limit`. */
  sessions(limit = 50): SessionRow[] {
    const all = [...this.#sessions.values()];
    const open = all.filter((s) => s.closedAt === undefined).sort((a, b) => a.openedAt - b.openedAt);
    const closed = all.filter((s) => s.closedAt !== undefined).sort((a, b) => (b.closedAt ?? 0) - (a.closedAt ?? 0));
    return [...open, ...closed].slice(0, limit);
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      for (const l of this.#listeners) l();
    }, this.notifyMs);
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Newest first, at most `limit`, filtered. */
  tail(limit = 200, keep: (r: TrafficRecord) => boolean = () => true): TrafficRecord[] {
    const out: TrafficRecord[] = [];
    for (let i = this.#tail.length - 1; i >= 0 && out.length < limit; i--) {
      const r = this.#tail[i] as TrafficRecord;
      if (keep(r)) out.push(r);
    }
    return out;
  }

  /** Distinct values seen in the tail, for the filter pickers. */
  distinct<K extends 'attendeeName' | 'deployment'>(key: K): string[] {
    const s = new Set<string>();
    for (const r of this.#tail) {
      const v = r[key];
      if (v) s.add(v);
    }
    return [...s].sort();
  }

  series(nowMs = Date.now()): Series {
    const end = Math.floor(nowMs / 1000);
    const start = end - this.windowSeconds + 1;
    for (const sec of this.#buckets.keys()) if (sec < start - 60) this.#buckets.delete(sec);
    const s: Series = { x: [], rps: [], p50: [], p95: [], s2xx: [], s4xx: [], s5xx: [], tokensPerMin: [] };
    let rolling = 0;
    for (let sec = start - 59; sec < start; sec++) rolling += this.#buckets.get(sec)?.tokens ?? 0;
    for (let sec = start; sec <= end; sec++) {
      const b = this.#buckets.get(sec);
      rolling += b?.tokens ?? 0;
      rolling -= this.#buckets.get(sec - 60)?.tokens ?? 0;
      s.x.push(sec);
      s.rps.push(b?.count ?? 0);
      s.s2xx.push(b?.s2xx ?? 0);
      s.s4xx.push(b?.s4xx ?? 0);
      s.s5xx.push(b?.s5xx ?? 0);
      s.tokensPerMin.push(rolling);
      if (!b) {
        s.p50.push(null);
        s.p95.push(null);
        continue;
      }
      if (b.p50 !== undefined && b.p95 !== undefined) {
        s.p50.push(b.p50);
        s.p95.push(b.p95);
        continue;
      }
      const sorted = [...b.durations].sort((a, c) => a - c);
      const p50 = percentile(sorted, 50);
      const p95 = percentile(sorted, 95);
      if (sec < end) Object.assign(b, { p50, p95 });
      s.p50.push(p50);
      s.p95.push(p95);
    }
    return s;
  }

  /** Requests over the last `seconds`, without the percentile work. */
  count(seconds = 60, nowMs = Date.now()): number {
    const end = Math.floor(nowMs / 1000);
    let n = 0;
    for (let sec = end - seconds + 1; sec <= end; sec++) n += this.#buckets.get(sec)?.count ?? 0;
    return n;
  }

  /** Headline numbers over the last `seconds` (default one minute). */
  summary(seconds = 60, nowMs = Date.now()) {
    const end = Math.floor(nowMs / 1000);
    let count = 0;
    let errors = 0;
    let tokens = 0;
    const durations: number[] = [];
    // At most ~100 samples per second: a minute at 200 requests/s sorts 6,000 numbers, not 12,000.
    for (let sec = end - seconds + 1; sec <= end; sec++) {
      const b = this.#buckets.get(sec);
      if (!b) continue;
      count += b.count;
      errors += b.s4xx + b.s5xx;
      tokens += b.tokens;
      const step = Math.max(1, Math.floor(b.durations.length / 100));
      for (let i = 0; i < b.durations.length; i += step) durations.push(b.durations[i] as number);
    }
    durations.sort((a, c) => a - c);
    return {
      requestsPerSecond: count / seconds,
      requests: count,
      errors,
      tokens,
      p50: percentile(durations, 50),
      p95: percentile(durations, 95),
    };
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#listeners.clear();
  }
}
