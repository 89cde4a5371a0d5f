/**
 * Live traffic merged across kit instances that share a database: each
 * instance publishes its own records in compact batches on a bus (PostgreSQL
 * NOTIFY, whose payloads must stay under 8000 bytes) and pushes the records
 * other instances publish into its own feed, tagged with their names, so the
 * console of any instance shows the whole event. Records hold no secrets
 * (no keys, no query strings, no bodies); long paths are shortened so one
 * record always fits a payload. Another instance's records are shown, never
 * published again.
 */
import type { RealtimeSessionInfo, TrafficRecord } from '../../../shared/types.js';
import type { TrafficFeed } from './feed.js';

/** How records travel between instances. */
export interface TrafficBus {
  publish(payload: string): Promise<void>;
  /** Starts delivering every payload published by any instance (its own included). */
  listen(onPayload: (payload: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; a margin for the envelope's escaping. */
export const MAX_PAYLOAD_BYTES = 7800;
const MAX_TEXT = 300;

type Wire = Omit<TrafficRecord, 'id' | 'instance'>;

const clip = (s: string | undefined) => (s !== undefined && s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s);

/** The record as it travels: no id (each feed numbers its own), text fields bounded. */
function toWire(r: TrafficRecord): Wire {
  const { id: _id, instance: _instance, ...rest } = r;
  const wire: Wire = { ...rest, route: clip(r.route) as string, path: clip(r.path) as string };
  if (r.attendeeName !== undefined) wire.attendeeName = clip(r.attendeeName);
  if (r.errorCode !== undefined) wire.errorCode = clip(r.errorCode);
  if (r.session?.closeReason !== undefined) wire.session = { ...r.session, closeReason: clip(r.session.closeReason) };
  return wire;
}

const str = (v: unknown) => typeof v === 'string';
const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const optional = (v: unknown, is: (v: unknown) => boolean) => v === undefined || is(v);

/** A record from another instance, checked field by field: anything else on the channel is dropped. */
function fromWire(v: unknown): Wire | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  if (!str(r.at) || !str(r.method) || !str(r.route) || !str(r.path) || !num(r.status) || !num(r.durationMs))
    return undefined;
  for (const f of ['eventId', 'attendeeId', 'attendeeName', 'deployment', 'resourceId', 'errorCode'])
    if (!optional(r[f], str)) return undefined;
  for (const f of ['ttfbMs', 'promptTokens', 'completionTokens', 'totalTokens'])
    if (!optional(r[f], num)) return undefined;
  if (!optional(r.stream, (s) => typeof s === 'boolean')) return undefined;
  if (r.session !== undefined) {
    const s = r.session as Partial<RealtimeSessionInfo> | null;
    if (typeof s !== 'object' || s === null || !str(s.id) || !str(s.phase) || !str(s.openedAt)) return undefined;
  }
  return r as unknown as Wire;
}

const payloadHead = (instance: string) => `{"i":${JSON.stringify(instance)},"r":[`;

/** Splits records into payloads under the bus's limit, each `{"i": instance, "r": [records]}`. */
export function payloadsOf(instance: string, records: TrafficRecord[]): string[] {
  const head = payloadHead(instance);
  const out: string[] = [];
  let parts: string[] = [];
  let bytes = Buffer.byteLength(head) + 2;
  const flush = () => {
    if (parts.length) out.push(`${head}${parts.join(',')}]}`);
    parts = [];
    bytes = Buffer.byteLength(head) + 2;
  };
  for (const r of records) {
    const one = JSON.stringify(toWire(r));
    const size = Buffer.byteLength(one) + 1;
    if (Buffer.byteLength(head) + 2 + size > MAX_PAYLOAD_BYTES) continue; // cannot happen with clipped fields
    if (bytes + size > MAX_PAYLOAD_BYTES) flush();
    parts.push(one);
    bytes += size;
  }
  flush();
  return out;
}

export class SharedTraffic {
  readonly #feed: TrafficFeed;
  readonly #bus: TrafficBus;
  readonly #instance: string;
  /** How this instance's own payloads begin: the bus hands them back too, and they are dropped unparsed. */
  readonly #ownHead: string;
  #unsubscribe: (() => void) | undefined;

  constructor(feed: TrafficFeed, bus: TrafficBus, instance: string) {
    this.#feed = feed;
    this.#bus = bus;
    this.#instance = instance;
    this.#ownHead = payloadHead(instance);
  }

  async start(): Promise<void> {
    this.#feed.instance = this.#instance;
    await this.#bus.listen((payload) => this.#received(payload));
    this.#unsubscribe = this.#feed.subscribe((batch) => {
      const own = batch.filter((r) => r.instance === this.#instance);
      // Lost while the database is away: live traffic is a view, not a record (usage is counted apart).
      for (const p of payloadsOf(this.#instance, own)) void this.#bus.publish(p).catch(() => undefined);
    });
  }

  #received(payload: string): void {
    if (payload.startsWith(this.#ownHead)) return;
    let msg: { i?: unknown; r?: unknown };
    try {
      msg = JSON.parse(payload) as { i?: unknown; r?: unknown };
    } catch {
      return;
    }
    if (typeof msg.i !== 'string' || msg.i === this.#instance || !Array.isArray(msg.r)) return;
    for (const item of msg.r) {
      const r = fromWire(item);
      if (r) this.#feed.push({ ...r, instance: msg.i });
    }
  }

  async close(): Promise<void> {
    this.#unsubscribe?.();
    await this.#bus.close();
  }
}
