/**
 * The live-traffic bus between kit instances on one database: NOTIFY on
 * `kit_traffic` through the pool to publish, and one dedicated connection
 * that LISTENs. A dropped connection (the database restarted) is opened
 * again with a growing pause; records published meanwhile are not seen,
 * which a live view can afford (usage is counted elsewhere).
 */
import pg from 'pg';
import type { TrafficBus } from '../../traffic/shared-traffic.js';
import type { Queryable } from './allowance-vault.js';

const CHANNEL = 'kit_traffic';
const MAX_PAUSE_MS = 5000;

export class PgTrafficBus implements TrafficBus {
  readonly #db: Queryable;
  readonly #config: pg.ClientConfig;
  #client: pg.Client | undefined;
  #onPayload: ((payload: string) => void) | undefined;
  #pause = 200;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(db: Queryable, config: pg.ClientConfig) {
    this.#db = db;
    this.#config = config;
  }

  async publish(payload: string): Promise<void> {
    await this.#db.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
  }

  async listen(onPayload: (payload: string) => void): Promise<void> {
    this.#onPayload = onPayload;
    await this.#open();
  }

  async #open(): Promise<void> {
    const client = new pg.Client({ ...this.#config, application_name: 'ai-proxy-kit traffic' });
    const lost = () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      client.end().catch(() => undefined);
      this.#again();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => {
      if (n.channel === CHANNEL && n.payload) this.#onPayload?.(n.payload);
    });
    this.#client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.#pause = 200;
    } catch (e) {
      this.#client = undefined;
      await client.end().catch(() => undefined);
      throw e;
    }
    if (this.#closed) await this.close();
  }

  #again(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#open().catch(() => {
        this.#pause = Math.min(MAX_PAUSE_MS, this.#pause * 2);
        this.#again();
      });
    }, this.#pause);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}
