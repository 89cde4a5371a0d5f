/**
 * What the proxy needs from the rest of the kit, gathered in one place so
 * the composition root wires it and tests can swap a piece.
 */
import type { StoreDriver } from '../store/store-driver.js';
import type { TrafficFeed } from '../traffic/feed.js';
import type { UsageLedger } from '../usage/ledger.js';
import type { AllowanceBank } from './metering/allowance-bank.js';
import type { AdmissionGate } from './metering/minute-gate.js';
import type { Ownership } from './objects/ownership.js';
import type { Upstream } from './upstream/upstream.js';

export interface ProxyDeps {
  store: StoreDriver;
  ownership: Ownership;
  feed: TrafficFeed;
  upstream: Upstream;
  ledger: UsageLedger;
  /** The daily allowances: one kit's ledger, or the allowance kit instances on one database share. */
  allowances: AllowanceBank;
  /** Per-minute admission (requests, tokens and calls in flight per attendee). */
  gate: AdmissionGate;
  now: () => number;
  maxBodyBytes: number;
}
