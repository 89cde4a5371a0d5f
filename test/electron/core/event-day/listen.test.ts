/** A taken port: refused with what to do, or (the default port) the next free one, said loudly. */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listenWithFallback } from '../../../../electron/core/event-day/listen.js';

const servers: Server[] = [];
const open = () => {
  const s = createServer();
  servers.push(s);
  return s;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('listenWithFallback', () => {
  it('takes the port asked for when it is free', async () => {
    const r = await listenWithFallback(open(), 0, '127.0.0.1', { fallback: false, what: 'LAN' });
    expect(r.port).toBeGreaterThan(0);
    expect(r.note).toBeUndefined();
  });

  it('refuses a taken port without fallback, saying what to do', async () => {
    const { port } = await listenWithFallback(open(), 0, '127.0.0.1', { fallback: false, what: 'LAN' });
    await expect(listenWithFallback(open(), port, '127.0.0.1', { fallback: false, what: 'LAN' })).rejects.toThrow(
      `The LAN port ${port} is in use by another program (another kit?). Stop that program, or start with another port`,
    );
  });

  it('with fallback, takes port + 2 … (skipping the avoided one) and says why', async () => {
    const { port } = await listenWithFallback(open(), 0, '127.0.0.1', { fallback: false, what: 'LAN' });
    const r = await listenWithFallback(open(), port, '127.0.0.1', { fallback: true, avoid: [port + 2], what: 'LAN' });
    // port + 3 is the first candidate; if something else holds it, a later one.
    expect(r.port).not.toBe(port);
    expect(r.port).not.toBe(port + 2);
    expect(r.note).toBe(`port ${port} was in use by another program, so the kit took ${r.port}.`);
  });
});
