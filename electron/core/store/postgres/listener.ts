/**
 * The change feed between instances: one dedicated connection that LISTENs on
 * `kit_store`. Every committed change to a record table arrives as a
 * notification (table, row key, revision). When the connection drops (the
 * database restarted, the network went away), notifications sent meanwhile
 * are lost, so the listener reconnects with a growing pause and, once it
 * listens again, asks for a full reload.
 */
import pg from 'pg';
import type { KitLog } from '../store-health.js';
import { clientConfig } from './pool.js';
import type { RowKey } from './read.js';
import type { Table } from './rows.js';

export const CHANNEL = 'kit_store';

/** One change: a row of a table at a revision, or `all` (a restore replaced everything). */
export type Change = { table: Table; key: RowKey; rev: number } | { all: true };

const tables = new Set<string>(['kit_resources', 'kit_events', 'kit_attendees', 'kit_objects']);

function parse(payload: string | undefined): Change | undefined {
  try {
    const p = JSON.parse(payload ?? '') as { t?: string; k?: unknown; r?: unknown };
    if (p.t === '*') return { all: true };
    if (p.t && tables.has(p.t) && Array.isArray(p.k) && typeof p.r === 'number')
      return { table: p.t as Table, key: p.k.map(String), rev: p.r };
  } catch {
    // not ours: ignored
  }
  return undefined;
}

export interface ListenerOptions {
  url: string;
  onChange: (c: Change) => void;
  /** Called each time the listener listens again after a drop: everything must be read again. */
  onReconnect: () => void;
  log: KitLog;
}

const MAX_PAUSE_MS = 2000;

export class ChangeListener {
  readonly #opts: ListenerOptions;
  #client: pg.Client | undefined;
  #closed = false;
  #pause = 100;
  #timer: NodeJS.Timeout | undefined;
  #down = false;

  constructor(opts: ListenerOptions) {
    this.#opts = opts;
  }

  /** Connects and listens; rejects when the database cannot be reached now. */
  async start(): Promise<void> {
    await this.#connect();
  }

  /** Whether the listener is listening now. */
  get listening(): boolean {
    return this.#client !== undefined;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ ...clientConfig(this.#opts.url), application_name: 'ai-proxy-kit listener' });
    let dropped = false;
    const drop = () => {
      if (dropped) return;
      dropped = true;
      if (this.#client === client) this.#client = undefined;
      client.end().catch(() => undefined);
      if (!this.#closed) this.#lost();
    };
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', (n) => {
      const change = n.channel === CHANNEL ? parse(n.payload) : undefined;
      if (change) this.#opts.onChange(change);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (e) {
      dropped = true;
      await client.end().catch(() => undefined);
      throw e;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
  }

  #lost(): void {
    if (!this.#down) {
      this.#down = true;
      this.#opts.log(
        '[store] The connection to the database was lost; reads are served from memory and the kit reconnects.',
      );
    }
    this.#retry();
  }

  #retry(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#connect().then(
        () => {
          if (this.#closed) return;
          this.#pause = 100;
          if (this.#down) {
            this.#down = false;
            this.#opts.log('[store] Connected to the database again; reading everything again.');
          }
          this.#opts.onReconnect();
        },
        () => {
          this.#pause = Math.min(MAX_PAUSE_MS, this.#pause * 2);
          this.#retry();
        },
      );
    }, this.#pause);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    const c = this.#client;
    this.#client = undefined;
    await c?.end().catch(() => undefined);
  }
}
