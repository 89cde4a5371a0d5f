/**
 * The upstream exchange on undici's dispatch API, against a real local
 * server: chunks that arrive before anyone reads are held (the parser
 * paused), a slow reader holds upstream back, a client that goes away
 * cuts the exchange before or after the headers, a failover answer is
 * read out so its connection is used again, and a reset mid-body and a
 * too-large held answer reject the reader.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallSignal } from '../../../../../electron/core/proxy/pipeline/call.js';
import { exchange } from '../../../../../electron/core/proxy/pipeline/exchange.js';

let server: Server;
let origin: string;
const sockets = new Set<Socket>();
let connections = 0;
/** The server side of the connection that last asked for `/big`. */
let bigSocket: Socket | undefined;
const agent = new Agent({ connections: 4, keepAliveTimeout: 10_000 });

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    req.resume();
    if (path === '/one') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-two': ['a', 'b'] });
      res.end('{"ok":true}');
    } else if (path === '/pieces') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let i = 0;
      const t = setInterval(() => {
        res.write(`piece${i}\n`);
        if (++i === 5) {
          clearInterval(t);
          res.end();
        }
      }, 5);
    } else if (path === '/big') {
      bigSocket = req.socket;
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      // Each MiB its own letter (a, b, c, d), so a reader can tell the order it got them in.
      res.end(Buffer.concat([0x61, 0x62, 0x63, 0x64].map((l) => Buffer.alloc(1024 * 1024, l))));
    } else if (path === '/throttled') {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"429","message":"slow down"}}');
    } else if (path === '/reset') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    } else if (path === '/never') {
      // answers nothing: the client gives up first
    }
  });
  server.on('connection', (s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await agent.close();
  for (const s of sockets) s.destroy();
  await new Promise((ok) => server.close(ok));
});

const send = (path: string, signal = new CallSignal()) =>
  exchange(agent, { origin, path, method: 'GET', headers: {} }, signal);

describe('exchange', () => {
  it('gives status and parsed headers, and the body to a reader that comes later', async () => {
    const answer = await send('/one');
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['x-two']).toEqual(['a', 'b']);
    await new Promise((ok) => setTimeout(ok, 30)); // the body arrived meanwhile and waited
    const chunks: Buffer[] = [];
    await answer.read((c) => {
      chunks.push(c);
    });
    expect(Buffer.concat(chunks).toString()).toBe('{"ok":true}');
  });

  it('waits for a slow reader before taking the next chunk', async () => {
    const answer = await send('/pieces');
    const seen: string[] = [];
    let inReader = 0;
    let overlapped = false;
    await answer.read(async (c) => {
      if (inReader++) overlapped = true;
      seen.push(c.toString());
      await new Promise((ok) => setTimeout(ok, 15));
      inReader--;
    });
    expect(overlapped).toBe(false);
    expect(seen.join('')).toBe('piece0\npiece1\npiece2\npiece3\npiece4\n');
  });

  it('holds a large answer back while the reader is busy, and delivers it whole', async () => {
    const answer = await send('/big');
    let size = 0;
    await answer.read((c) => {
      size += c.length;
      return new Promise((ok) => setImmediate(ok));
    });
    expect(size).toBe(4 * 1024 * 1024);
  });

  it('keeps the order of chunks that arrived before a reader that is slow from the first one', async () => {
    const answer = await send('/big');
    await new Promise((ok) => setTimeout(ok, 50)); // several chunks arrived and were held
    let expected = 0;
    let ordered = true;
    await answer.read((c) => {
      // Every byte's letter must be the one of the MiB its offset in the answer falls in.
      for (let i = 0; i < c.length; i += 4096) if (c[i] !== 0x61 + ((expected + i) >> 20)) ordered = false;
      if (c[c.length - 1] !== 0x61 + ((expected + c.length - 1) >> 20)) ordered = false;
      expected += c.length;
      return new Promise((ok) => setTimeout(ok, 1));
    });
    expect(expected).toBe(4 * 1024 * 1024);
    expect(ordered).toBe(true);
  });

  it('refuses a held answer past its limit with the caller’s error', async () => {
    const answer = await send('/big');
    const tooLarge = new Error('too large');
    await expect(answer.whole(1024 * 1024, () => tooLarge)).rejects.toBe(tooLarge);
  });

  it('reads a small failover answer out, so the same connection serves the next call', async () => {
    const before = connections;
    const throttled = await send('/throttled');
    expect(throttled.statusCode).toBe(429);
    await throttled.dump();
    const next = await send('/one');
    await next.dump();
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('rejects the reader when upstream resets mid-body', async () => {
    const answer = await send('/reset');
    await expect(answer.read(() => undefined)).rejects.toMatchObject({ code: expect.stringMatching(/^UND_ERR/) });
  });

  it('rejects at once when the client is gone before the headers, and cuts upstream', async () => {
    const signal = new CallSignal();
    const pending = send('/never', signal);
    await new Promise((ok) => setTimeout(ok, 30));
    signal.abort();
    await expect(pending).rejects.toMatchObject({ code: 'UND_ERR_ABORTED' });
    const gone = new CallSignal();
    gone.abort();
    await expect(send('/one', gone)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects the reader when the client goes away mid-body', async () => {
    const signal = new CallSignal();
    const answer = await send('/pieces', signal);
    let n = 0;
    await expect(
      answer.read(() => {
        if (++n === 2) signal.abort();
      }),
    ).rejects.toMatchObject({ code: 'UND_ERR_ABORTED' });
    expect(n).toBeLessThan(5);
  });

  it('lets the connection of an answer nobody reads go when it is destroyed', async () => {
    const answer = await send('/big');
    const served = bigSocket as Socket;
    await new Promise((ok) => setTimeout(ok, 30)); // past the early limit: the parser waits for a reader
    expect(served.destroyed).toBe(false);
    const closed = new Promise((ok) => served.once('close', ok));
    answer.destroy();
    await Promise.race([closed, new Promise((ok) => setTimeout(ok, 2000))]);
    expect(served.destroyed).toBe(true);
    await expect(answer.read(() => undefined)).rejects.toMatchObject({ code: 'UND_ERR_ABORTED' });
  });

  it('is read once', async () => {
    const answer = await send('/one');
    await answer.read(() => undefined);
    await expect(answer.read(() => undefined)).rejects.toThrow(/read once/);
  });
});
