/**
 * The admin listener must never be reachable from the LAN. The kit is started
 * with its LAN listener on every interface; the admin port is then probed on
 * every non-loopback address of this machine and on 127.0.0.2 (a loopback
 * alias that reaches a 0.0.0.0 socket but not one bound to 127.0.0.1, so the
 * probe works even on a machine with no network). The LAN port answers on
 * the same addresses, which proves each probe could have connected.
 */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKit, type TestKit } from '../../../support/kit.js';

let kit: TestKit;

beforeAll(async () => {
  kit = await startKit({ host: '0.0.0.0' });
});
afterAll(async () => {
  await kit?.stop();
});

function probe(host: string, port: number): Promise<'open' | 'refused'> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, timeout: 3000 });
    s.once('connect', () => {
      s.destroy();
      resolve('open');
    });
    s.once('timeout', () => {
      s.destroy();
      reject(new Error(`probe of ${host}:${port} timed out`));
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') resolve('refused');
      else reject(e);
    });
  });
}

const outsideAddresses = (): string[] => {
  const out = ['127.0.0.2'];
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address);
  return out;
};

describe('admin listener', () => {
  it('is bound to 127.0.0.1 only', async () => {
    const { port, adminPort } = kit.info();
    expect(kit.adminUrl).toBe(`http://127.0.0.1:${adminPort}`);
    expect(await probe('127.0.0.1', adminPort)).toBe('open');
    for (const address of outsideAddresses()) {
      expect(await probe(address, port), `LAN port on ${address}`).toBe('open');
      expect(await probe(address, adminPort), `admin port on ${address}`).toBe('refused');
    }
  });

  it('is not mounted on the LAN listener', async () => {
    const r = await fetch(`${kit.localUrl}/admin/api/kit.info`, {
      method: 'POST',
      headers: { authorization: `Bearer ${kit.adminToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(r.status).toBe(404);
    expect(JSON.stringify(await r.json())).not.toContain(String(kit.info().adminPort));
  });

  it('refuses a non-loopback Host header (DNS rebinding) even with the token', async () => {
    const { adminPort } = kit.info();
    const r = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: adminPort }, () => {
        s.write(
          `POST /admin/api/kit.info HTTP/1.1\r\nHost: evil.example:${adminPort}\r\nAuthorization: Bearer ${kit.adminToken}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
        );
      });
      let got = '';
      s.setEncoding('utf8');
      s.on('data', (d: string) => {
        got += d;
      });
      s.on('end', () => resolve(got));
      s.on('error', reject);
    });
    expect(r).toMatch(/^HTTP\/1\.1 403/);
    expect(r).not.toContain('lanUrls');
  });
});
