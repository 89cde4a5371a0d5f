/**
 * The hostile-input corpus: what a room of 300 laptops (and the one attendee
 * who tries things) can throw at the LAN listener. For every case: a clear
 * 4xx (never a 5xx the kit made itself), no crash, nothing smuggled
 * upstream, memory bounded, and a normal request right after still works.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../../support/emulator.js';
import { azureSetup, startKit, type TestKit } from '../../../support/kit.js';

const MAX_BODY = 1024 * 1024;
const HEADERS_TIMEOUT = 1500;
let emu: Emulator;
let kit: TestKit;
let apiKey: string;
let eventCode: string;
let port: number;
const CHAT = '/api/v1/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21';

beforeAll(async () => {
  emu = await startEmulator({ chunkDelayMs: 0 });
  kit = await startKit({ maxBodyBytes: MAX_BODY, headersTimeoutMs: HEADERS_TIMEOUT });
  const setup = await azureSetup(kit, emu.url);
  apiKey = setup.apiKey;
  eventCode = setup.event.code;
  port = kit.info().port;
  // The families with free-form paths, each behind a base path the upstream must never be escaped from.
  const base = { auth: { type: 'api-key' as const, key: 'k' }, enabled: true };
  const extra = await Promise.all([
    kit.call('resources.create', {
      ...base,
      name: 'mcp',
      kind: 'mcp',
      endpoint: `${emu.url}/mcp-base`,
      deployment: 'tools',
    }),
    kit.call('resources.create', {
      ...base,
      name: 'search',
      kind: 'azure-search',
      endpoint: `${emu.url}/search-base`,
      deployment: 'docs',
    }),
    kit.call('resources.create', {
      ...base,
      name: 'agents',
      kind: 'foundry-agents',
      endpoint: `${emu.url}/agents-base/api/projects/p`,
      deployment: 'agents',
    }),
  ]);
  await kit.call('events.update', {
    id: setup.event.id,
    resourceIds: [setup.resource.id, ...extra.map((r) => r.id)],
  });
});
afterAll(async () => {
  await kit?.stop();
  await emu?.close();
});

interface RawAnswer {
  status: number;
  text: string;
  closed: boolean;
}

/** Writes raw bytes on a fresh connection and reads the first answer (or the close). */
function raw(bytes: string | Buffer, timeoutMs = 5000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write(bytes));
    let text = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${String(bytes).slice(0, 80)}`));
    }, timeoutMs);
    const done = (closed: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text, closed });
    };
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      text += d;
      const head = text.indexOf('\r\n\r\n');
      if (head === -1) return;
      const len = /content-length: (\d+)/i.exec(text.slice(0, head))?.[1];
      if (len !== undefined && text.length >= head + 4 + Number(len)) done(false);
    });
    s.on('close', () => done(true));
    s.on('error', () => undefined);
  });
}

const request = (method: string, path: string, headers: Record<string, string>, body = '') =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

async function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  const r = await fetch(`${kit.localUrl}${path}`, {
    method: 'POST',
    headers: { 'api-key': apiKey, 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await r.text();
  return { status: r.status, text, json: () => JSON.parse(text) as { error?: { code: string; message: string } } };
}

/** The sanity check after each case: the kit still proxies a normal request. */
async function normalRequestWorks(): Promise<void> {
  const r = await post(CHAT, JSON.stringify({ messages: [{ role: 'user', content: 'still there?' }] }));
  expect(r.status).toBe(200);
}

const smuggled = () =>
  emu.received.filter((r) => JSON.stringify(r.headers).toLowerCase().includes('x-evil') || r.path.includes('..'));

describe('malformed and oversized bodies', () => {
  it.each([
    ['truncated JSON', '{"messages": [', 'invalid_json'],
    ['empty body', '', 'invalid_json'],
    ['a JSON array', '[1,2,3]', 'invalid_json'],
    ['a JSON string', '"hello"', 'invalid_json'],
    ['null', 'null', 'invalid_json'],
    ['NaN', '{"max_tokens": NaN}', 'invalid_json'],
    ['trailing garbage', '{"messages":[]} {"x":1}', 'invalid_json'],
  ])('%s → 400 %s', async (_name, body, code) => {
    const r = await post(CHAT, body);
    expect(r.status).toBe(400);
    expect(r.json().error?.code).toBe(code);
  });

  it('refuses a declared oversized body before reading it, and closes the connection', async () => {
    const a = await raw(
      `POST ${CHAT} HTTP/1.1\r\nHost: x\r\napi-key: ${apiKey}\r\nContent-Length: ${MAX_BODY * 50}\r\n\r\n{"messages":`,
    );
    expect(a.status).toBe(413);
    expect(a.text).toContain('body_too_large');
    expect(a.text.toLowerCase()).toContain('connection: close');
    await normalRequestWorks();
  });

  it('cuts off an endless chunked body instead of draining it forever', async () => {
    const before = process.memoryUsage().rss;
    const answer = await new Promise<{ status: number; sentBytes: number }>((resolve, reject) => {
      const s: Socket = connect({ host: '127.0.0.1', port }, () => {
        s.write(`POST ${CHAT} HTTP/1.1\r\nHost: x\r\napi-key: ${apiKey}\r\nTransfer-Encoding: chunked\r\n\r\n`);
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
        const pump = () => {
          // 256 MiB at most: far beyond the limit, so a kit that drains instead of closing fails here.
          while (!s.destroyed && sent < 256 * 1024 * 1024) {
            sent += frame.length;
            if (!s.write(frame)) return void s.once('drain', pump);
          }
        };
        pump();
      });
      let sent = 0;
      let text = '';
      s.setEncoding('latin1');
      s.on('data', (d: string) => {
        text += d;
      });
      s.on('error', () => undefined);
      s.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), sentBytes: sent }));
      setTimeout(() => reject(new Error('the kit kept the connection open')), 20_000);
    });
    expect(answer.status).toBe(413);
    expect(answer.sentBytes).toBeLessThan(128 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    await normalRequestWorks();
  });

  it('survives deeply nested JSON (answers, never a kit 5xx)', async () => {
    const depth = 200_000;
    for (const body of [
      `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
      `{"messages":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    ]) {
      const r = await post(CHAT, body);
      expect(r.status, r.text.slice(0, 200)).toBeLessThan(500);
    }
    await normalRequestWorks();
  });

  it('takes invalid UTF-8 in a body without failing', async () => {
    const body = Buffer.concat([
      Buffer.from('{"messages":[{"role":"user","content":"'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
      Buffer.from('"}]}'),
    ]);
    const r = await post(CHAT, body);
    expect(r.status).toBeLessThan(500);
    const r2 = await post(CHAT, Buffer.from([0xff, 0xfe, 0xfd]));
    expect(r2.status).toBe(400);
    await normalRequestWorks();
  });

  it.each([
    ['text/plain', '{"messages":[{"role":"user","content":"hi"}]}', [200, 415]],
    ['application/x-www-form-urlencoded', 'messages=hi&model=x', [400, 415]],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n\u0000\u0001\r\n--x--',
      [400, 415],
    ],
    ['application/json; charset=utf-16', '\u00ff\u00fe{\u0000}\u0000', [400, 415]],
  ])('content type %s → one of %j', async (type, body, allowed) => {
    const r = await post(CHAT, body, { 'content-type': type });
    expect(allowed).toContain(r.status);
    await normalRequestWorks();
  });

  it('bounds the registration body and its JSON too', async () => {
    const big = await fetch(`${kit.localUrl}/join/${eventCode}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(64 * 1024) }),
    });
    expect(big.status).toBe(413);
    const nested = await fetch(`${kit.localUrl}/join/${eventCode}`, {
      method: 'POST',
      body: `${'['.repeat(5000)}${']'.repeat(5000)}`,
    });
    expect(nested.status).toBe(400);
  });
});

describe('authentication headers', () => {
  const chat = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] });

  it('fails closed on repeated or conflicting keys', async () => {
    const cases: Array<[string, string[], string]> = [
      ['the same api-key twice', [`api-key: ${apiKey}`, `api-key: ${apiKey}`], 'invalid_api_key'],
      ['two different api-keys', [`api-key: ${apiKey}`, 'api-key: apk-other'], 'invalid_api_key'],
      [
        'two Authorization headers',
        [`Authorization: Bearer ${apiKey}`, 'Authorization: Bearer apk-other'],
        'conflicting_api_keys',
      ],
      [
        'api-key and a different bearer',
        [`api-key: ${apiKey}`, 'Authorization: Bearer apk-other'],
        'conflicting_api_keys',
      ],
      ['a bearer with two tokens', [`Authorization: Bearer ${apiKey} apk-other`], 'missing_api_key'],
    ];
    for (const [name, lines, code] of cases) {
      const a = await raw(
        `POST ${CHAT} HTTP/1.1\r\nHost: x\r\n${lines.join('\r\n')}\r\nContent-Type: application/json\r\nContent-Length: ${chat.length}\r\n\r\n${chat}`,
      );
      expect(a.status, name).toBe(401);
      expect(a.text, name).toContain(code);
    }
  });

  it('rejects CR/LF tricks in auth headers without passing anything upstream', async () => {
    const before = emu.received.length;
    const tricks = [
      `api-key: ${apiKey}\rX-Evil: 1`,
      `api-key: ${apiKey}\nX-Evil: 1`,
      `api-key: ${apiKey}\r\n X-Evil: 1`,
      `Authorization: Bearer ${apiKey}\r\n\tX-Evil: 1`,
      `api-key: ${apiKey}\r\n\r\nPOST /api/v1/x HTTP/1.1\r\nX-Evil: 1`,
    ];
    for (const t of tricks) {
      const a = await raw(
        `POST ${CHAT} HTTP/1.1\r\nHost: x\r\n${t}\r\nContent-Type: application/json\r\nContent-Length: ${chat.length}\r\n\r\n${chat}`,
      );
      expect([400, 401, 404], JSON.stringify(t)).toContain(a.status);
    }
    const key = Buffer.concat([
      Buffer.from(`POST ${CHAT} HTTP/1.1\r\nHost: x\r\napi-key: `),
      Buffer.from([0xff, 0xc3, 0x28, 0x00]),
    ]);
    const a = await raw(Buffer.concat([key, Buffer.from('\r\nContent-Length: 2\r\n\r\n{}')]));
    expect([400, 401]).toContain(a.status);
    expect(emu.received.slice(before).some((r) => JSON.stringify(r.headers).toLowerCase().includes('x-evil'))).toBe(
      false,
    );
    await normalRequestWorks();
  });
});

describe('path traversal', () => {
  const paths = [
    '/api/v1/openai/deployments/../../../admin/api/kit.info',
    '/api/v1/openai/deployments/gpt-4o-mini/../../../../etc/passwd',
    '/api/v1/openai/deployments/%2e%2e%2f%2e%2e%2fadmin/chat/completions',
    '/api/v1/openai/deployments/gpt-4o-mini%2f..%2f..%2fx/chat/completions',
    '/api/v1/mcp/tools/../../../admin/api/kit.info',
    '/api/v1/mcp/tools/..%2f..%2f..%2fsecret',
    '/api/v1/mcp/tools/%2e%2e/%2e%2e/secret',
    '/api/v1/mcp/..%2ftools/x',
    '/api/v1/assistants/..%2f..%2fsecret',
    '/api/v1/threads/%2e%2e%2f%2e%2e%2fsecret/messages',
    '/api/v1/files/..%5c..%5csecret',
    '/api/v1/indexes/..%2f..%2fadmin/docs/search',
    '/api/v1/indexes/docs/docs/..%2f..%2f..%2fx',
    "/api/v1/indexes('..%2f..%2fx')/docs/search.post.search",
    '/api/v1/%2e%2e/%2e%2e/join/x',
    '/api/v1/openai/deployments/%zz/chat/completions',
    '/api/v1/mcp/tools/%00',
  ];

  it.each(paths)('%s → a 4xx, nothing escapes upstream', async (path) => {
    const before = emu.received.length;
    for (const method of ['GET', 'POST', 'DELETE']) {
      const a = await raw(request(method, path, { 'api-key': apiKey, 'content-type': 'application/json' }, '{}'));
      expect(a.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(a.status, `${method} ${path}`).toBeLessThan(500);
      expect(a.text).not.toContain('"lanUrls"');
    }
    for (const r of emu.received.slice(before)) {
      // Whatever the kit forwarded stays below the resource's base path, with no dot segments.
      const decoded = decodeURIComponent(r.path);
      expect(decoded).not.toMatch(/(^|[/\\])\.\.([/\\]|$)/);
      expect(r.path).toMatch(
        /^\/(mcp-base|search-base|agents-base\/api\/projects\/p|openai\/deployments\/gpt-4o-mini)\//,
      );
    }
  });
});

describe('slow and idle clients', () => {
  it('cuts off slowloris headers and idle sockets, and serves others meanwhile', async () => {
    const sockets: Socket[] = [];
    const closedAt: number[] = [];
    const t0 = Date.now();
    const open = (slow: boolean) =>
      new Promise<void>((ok) => {
        const s = connect({ host: '127.0.0.1', port }, () => {
          if (slow) {
            s.write(`POST ${CHAT} HTTP/1.1\r\nHost: x\r\nX-Slow: `);
            const drip = setInterval(() => (s.destroyed ? clearInterval(drip) : s.write('a')), 100);
          }
          ok();
        });
        s.on('error', () => undefined);
        s.on('close', () => closedAt.push(Date.now() - t0));
        // Read whatever the kit answers (Node's 408 when its headers timeout wins the race with the idle
        // timer): a paused socket holding unread bytes never reaches 'end', so it would look open forever.
        s.resume();
        sockets.push(s);
      });
    await Promise.all(Array.from({ length: 300 }, (_, i) => open(i < 50)));
    expect(sockets).toHaveLength(300);

    const started = Date.now();
    await normalRequestWorks();
    expect(Date.now() - started).toBeLessThan(1000);

    // Every one of them is closed by the kit soon after the headers timeout (with room for a busy CI
    // machine), by whichever comes first of the kit's idle timer and Node's headers timeout.
    const deadline = Date.now() + HEADERS_TIMEOUT + 15_000;
    while (closedAt.length < sockets.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const s of sockets) s.destroy();
    expect(closedAt.length).toBe(300);
    expect(Math.max(...closedAt)).toBeLessThan(HEADERS_TIMEOUT + 15_000);
    await normalRequestWorks();
  }, 30_000);
});

describe('after the whole corpus', () => {
  it('made no 5xx of its own, smuggled nothing, and still works', async () => {
    const own5xx = kit.feed.recent(2000).filter((r) => r.status >= 500);
    expect(own5xx).toEqual([]);
    expect(smuggled()).toEqual([]);
    await normalRequestWorks();
  });
});
