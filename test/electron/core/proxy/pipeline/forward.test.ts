/**
 * `forward` options a family may set, exercised through a proxy built over a
 * custom route (the way a family uses them): a per-request idle timeout that
 * lets a quiet event stream live, and a route that opts out of metering.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAllowanceBank } from '../../../../../electron/core/proxy/metering/allowance-bank.js';
import { LocalAdmissionGate } from '../../../../../electron/core/proxy/metering/minute-gate.js';
import { Ownership } from '../../../../../electron/core/proxy/objects/ownership.js';
import { resolveDeployment } from '../../../../../electron/core/proxy/pipeline/deployments.js';
import { forward } from '../../../../../electron/core/proxy/pipeline/forward.js';
import { createProxy } from '../../../../../electron/core/proxy/pipeline/receive.js';
import type { ProxyRoute } from '../../../../../electron/core/proxy/route.js';
import { Upstream } from '../../../../../electron/core/proxy/upstream/upstream.js';
import { TrafficFeed } from '../../../../../electron/core/traffic/feed.js';
import { UsageLedger } from '../../../../../electron/core/usage/ledger.js';
import { type Emulator, startEmulator } from '../../../../support/emulator.js';
import { azureSetup, startKit, type TestKit } from '../../../../support/kit.js';

let emu: Emulator;
let kit: TestKit;
let server: Server;
let base: string;
let apiKey: string;
let eventId: string;
let ledger: UsageLedger;
const upstream = new Upstream({ timeouts: { idleMs: 300 } });

const quietStream = (idleTimeoutMs?: number, metered?: boolean): ProxyRoute['handler'] => {
  return async (call) => {
    const deployment = call.params.deployment ?? '';
    await forward(call, {
      deployment,
      candidates: resolveDeployment(call, deployment, ['azure-openai']),
      build: (r) => ({ url: `${r.endpoint}/quiet`, ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }) }),
      ...(metered === undefined ? {} : { metered }),
    });
  };
};

beforeAll(async () => {
  emu = await startEmulator();
  // Sends one event, stays quiet for 2 s (far past the 300 ms idle timeout, whose timer is coarse), then ends.
  emu.route('POST', /^\/quiet$/, async (_r, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: one\n\n');
    await new Promise((ok) => setTimeout(ok, 2000));
    res.end('data: two\n\n');
  });
  kit = await startKit();
  ({
    apiKey,
    event: { id: eventId },
  } = await azureSetup(kit, emu.url, 'quiet'));
  ledger = new UsageLedger(kit.store, 60_000);
  const routes: ProxyRoute[] = [
    { method: 'POST', path: '/default/:deployment', handler: quietStream() },
    { method: 'POST', path: '/patient/:deployment', handler: quietStream(0, false) },
  ];
  const proxy = createProxy(
    {
      store: kit.store,
      ownership: new Ownership(kit.store, ledger),
      feed: new TrafficFeed(),
      upstream,
      ledger,
      allowances: new LocalAllowanceBank(ledger),
      gate: new LocalAdmissionGate(),
      now: Date.now,
      maxBodyBytes: 1 << 20,
    },
    routes,
  );
  server = createServer((req, res) => void proxy(req, res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((ok) => server?.close(() => ok()) ?? ok());
  await upstream.close();
  await kit?.stop();
  await emu?.close();
});

/** The attendee's counters for today, as the cap check sees them. */
function todays() {
  const event = kit.store.event(eventId);
  if (!event) throw new Error('no event');
  return ledger.totals(eventId, kit.store.attendees[0]?.id ?? '', ledger.dayOf(event, Date.now()).day);
}

const call = (path: string) => fetch(`${base}${path}`, { method: 'POST', headers: { 'api-key': apiKey }, body: '{}' });

describe('forward options', { timeout: 20_000 }, () => {
  it('cuts a quiet stream at the kit’s idle timeout by default', async () => {
    const r = await call('/default/quiet');
    expect(r.status).toBe(200);
    await expect(r.text()).rejects.toThrow();
  });

  it('lets a route allow a quiet stream (idleTimeoutMs: 0), and not count it (metered: false)', async () => {
    const before = { ...todays() };
    const counted = await call('/default/quiet'); // the control: the same call on a metered route counts
    await counted.text().catch(() => '');
    expect(todays().requests).toBe(before.requests + 1);
    const r = await call('/patient/quiet');
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('data: one\n\ndata: two\n\n');
    expect(todays().requests).toBe(before.requests + 1); // unchanged by the unmetered call
  });
});
