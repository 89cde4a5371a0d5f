/**
 * What kit instances sharing one PostgreSQL database share besides the
 * store: the daily allowances (request caps, token budgets, deployment caps)
 * and the per-minute limits, so they hold for the event as a whole, and the
 * live traffic, so the console of any instance shows every call. A kit on
 * its JSON store has none of this: its ledger and its gate are the whole
 * truth. Opened by the composition root (`kit.ts`) when the store is a
 * database; its own small pool, apart from the store's.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { AllowanceBank } from './proxy/metering/allowance-bank.js';
import { AllowanceLeases } from './proxy/metering/allowance-leases.js';
import type { AdmissionGate, LocalAdmissionGate } from './proxy/metering/minute-gate.js';
import { SharedAdmissionGate } from './proxy/metering/shared-admission-gate.js';
import { SharedAllowanceBank } from './proxy/metering/shared-allowance-bank.js';
import { SharedInFlight } from './proxy/metering/shared-in-flight.js';
import { PgAllowanceVault } from './store/postgres/allowance-vault.js';
import { PgInFlightVault } from './store/postgres/in-flight-vault.js';
import { PgMinuteBuckets } from './store/postgres/minute-buckets.js';
import { clientConfig } from './store/postgres/pool.js';
import { PgTrafficBus } from './store/postgres/traffic-bus.js';
import type { KitLog } from './store/store-health.js';
import type { TrafficFeed } from './traffic/feed.js';
import { SharedTraffic } from './traffic/shared-traffic.js';
import type { UsageLedger } from './usage/ledger.js';

export interface Conference {
  readonly allowances: AllowanceBank;
  readonly gate: AdmissionGate;
  /** Starts merging live traffic, under this instance's name (known once the kit listens). */
  shareTraffic(instanceName: string): Promise<void>;
  /** Gives unused allowance back, says this instance has nothing in flight, and lets the database go. */
  close(): Promise<void>;
}

export function openConference(opts: {
  storeUrl: string;
  ledger: UsageLedger;
  localGate: LocalAdmissionGate;
  feed: TrafficFeed;
  now: () => number;
  log: KitLog;
}): Conference {
  const config = clientConfig(opts.storeUrl);
  // A few connections: most calls are served from leased blocks in memory.
  const pool = new pg.Pool({ ...config, max: 4, idleTimeoutMillis: 30_000, application_name: 'ai-proxy-kit limits' });
  pool.on('error', () => undefined);
  const vault = new PgAllowanceVault(pool);
  const leases = new AllowanceLeases(vault, {
    now: opts.now,
    onTrouble: (e) =>
      opts.log(
        e
          ? `[limits] The database does not answer (${(e as Error).message}): calls under a daily or per-minute limit get 503 store_unavailable once this instance's leased allowance is used up.`
          : '[limits] The database answers again: limits are counted for the whole event again.',
      ),
  });
  const inFlight = new SharedInFlight(new PgInFlightVault(pool), randomUUID());
  const allowances = new SharedAllowanceBank(leases, opts.ledger);
  const gate = new SharedAdmissionGate(opts.localGate, new PgMinuteBuckets(pool), inFlight, opts.now);
  let traffic: SharedTraffic | undefined;
  return {
    allowances,
    gate,
    async shareTraffic(instanceName) {
      traffic = new SharedTraffic(opts.feed, new PgTrafficBus(pool, config), instanceName);
      await traffic.start();
    },
    async close() {
      await traffic?.close();
      await allowances.close();
      await inFlight.close();
      vault.close();
      await pool.end().catch(() => undefined);
    },
  };
}
