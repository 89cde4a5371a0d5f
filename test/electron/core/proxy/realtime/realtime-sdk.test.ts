/**
 * The Realtime API through the kit with the official `openai` SDK's
 * WebSocket client (`OpenAIRealtimeWS`): Azure's preview form through
 * `OpenAIRealtimeWS.azure(AzureOpenAI)` and the GA `/openai/v1` form through
 * `OpenAI`, each holding a voice session against the emulated Azure
 * upstream; the key in the query or a subprotocol (what browsers send);
 * frames unchanged both ways, text and binary; close codes relayed; tokens
 * of `response.done` in `usage.report` and the live traffic feed; the
 * attendee's key nowhere upstream.
 */
import { AzureOpenAI, OpenAI } from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUDIO_100MS,
  closed,
  openSocket,
  type RealtimeKit,
  startRealtimeKit,
} from '../../../../support/realtime-kit.js';

let k: RealtimeKit;

beforeAll(async () => {
  k = await startRealtimeKit();
});
afterAll(async () => {
  await k?.stop();
});

/** Collects an SDK client's events by type; resolves `until` once that type arrives. */
function sdkEvents(rt: OpenAIRealtimeWS) {
  const seen: Array<{ type: string } & Record<string, unknown>> = [];
  const errors: Error[] = [];
  rt.on('event', (e) => seen.push(e as never));
  rt.on('error', (e) => errors.push(e));
  const until = (type: string, ms = 5000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const found = seen.find((e) => e.type === type);
      if (found) return resolve(found);
      const t = setTimeout(() => reject(new Error(`no ${type}; saw ${seen.map((e) => e.type).join(', ')}`)), ms);
      rt.on('event', (e) => {
        if (e.type === type) {
          clearTimeout(t);
          resolve(e as never);
        }
      });
    });
  return { seen, errors, until };
}

/** A voice turn: 300 ms of audio appended and committed, then a response. */
async function voiceTurn(rt: OpenAIRealtimeWS, ev: ReturnType<typeof sdkEvents>) {
  for (let i = 0; i < 3; i++) rt.send({ type: 'input_audio_buffer.append', audio: AUDIO_100MS });
  rt.send({ type: 'input_audio_buffer.commit' });
  await ev.until('input_audio_buffer.committed');
  rt.send({ type: 'response.create' });
  return ev.until('response.done');
}

const keyIsNowhereUpstream = () => {
  for (const c of k.rt.connections) {
    expect(c.rawHandshake).not.toContain(k.apiKey);
    expect(c.headers['api-key']).toBe('upstream-secret-key-123');
    expect(c.headers['sec-websocket-protocol']).toBeUndefined();
  }
};

describe('the openai SDK realtime client through the kit', () => {
  it('holds an Azure preview session with OpenAIRealtimeWS.azure(AzureOpenAI)', async () => {
    const client = new AzureOpenAI({ endpoint: k.httpsBase, apiKey: k.apiKey, apiVersion: '2025-04-01-preview' });
    const rt = await OpenAIRealtimeWS.azure(client, {
      deploymentName: 'gpt-realtime',
      options: { ca: k.kit.caPem },
    });
    const ev = sdkEvents(rt);
    const created = await ev.until('session.created');
    expect((created.session as { model?: string }).model).toBe('gpt-realtime');
    expect(ev.seen[0]?.type).toBe('session.created'); // the first event, as from Azure
    rt.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Be brief.' } });
    await ev.until('session.updated');
    const done = await voiceTurn(rt, ev);
    expect((done.response as { usage?: { total_tokens?: number } }).usage?.total_tokens).toBe(200);
    expect(ev.seen.filter((e) => e.type === 'response.audio.delta')).toHaveLength(3);
    expect(ev.errors).toEqual([]);
    rt.close();
    await closed(rt.socket);

    const conn = k.rt.connections.at(-1);
    expect(conn?.path).toBe('/openai/realtime');
    expect(conn?.query.get('api-version')).toBe('2025-04-01-preview');
    expect(conn?.query.get('deployment')).toBe('gpt-realtime');
    keyIsNowhereUpstream();

    const report = await k.kit.call('usage.report', { eventId: k.eventId });
    expect(report.attendees[0]).toMatchObject({
      requests: 1,
      promptTokens: 120,
      completionTokens: 80,
      totalTokens: 200,
    });
    expect(report.deployments[0]).toMatchObject({ deployment: 'gpt-realtime', requests: 1, totalTokens: 200 });
  });

  it('holds a GA session on /openai/v1 with OpenAI, and the live traffic shows it open, answering and closed', async () => {
    const before = k.kit.feed.recent(5000).length;
    const client = new OpenAI({ baseURL: `${k.httpsBase}/openai/v1`, apiKey: k.apiKey });
    const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { ca: k.kit.caPem } }, client);
    const ev = sdkEvents(rt);
    await ev.until('session.created');
    await voiceTurn(rt, ev);
    expect(ev.seen.some((e) => e.type === 'response.output_audio.delta')).toBe(true);
    rt.close({ code: 1000, reason: 'done' });
    expect(await closed(rt.socket)).toEqual({ code: 1000, reason: 'done' });

    const conn = k.rt.connections.at(-1);
    expect(conn?.path).toBe('/openai/v1/realtime');
    expect(conn?.query.get('model')).toBe('gpt-realtime');
    expect(conn?.headers.authorization).toBeUndefined();
    keyIsNowhereUpstream();
    await new Promise((r) => setTimeout(r, 50));
    const opened = k.kit.feed
      .recent(5000)
      .slice(before)
      .find((r) => r.session?.phase === 'open');
    const records = k.kit.feed.recent(5000).filter((r) => r.session?.id === opened?.session?.id);
    const phases = records.map((r) => r.session?.phase);
    expect(phases).toEqual(['open', 'response', 'closed']);
    const [open, response, end] = records;
    expect(open).toMatchObject({ status: 101, route: '/openai/v1/realtime', deployment: 'gpt-realtime' });
    expect(response).toMatchObject({ totalTokens: 200, session: { totalTokens: 200, responses: 1 } });
    expect(end?.session).toMatchObject({ phase: 'closed', closeCode: 1000, closeReason: 'done', totalTokens: 200 });
    expect(end?.session?.id).toBe(open?.session?.id);
    expect(end?.totalTokens).toBeUndefined(); // counted once, on the response record
    expect(JSON.stringify(records)).not.toContain(k.apiKey);
  });
});

describe('keys, subprotocols and frames', () => {
  it('takes the key as a subprotocol, echoes `realtime`, and turns openai-beta.realtime-v1 into a header', async () => {
    const { ws, ev } = await openSocket(
      `${k.wsBase}/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-realtime`,
      { protocols: ['realtime', `openai-insecure-api-key.${k.apiKey}`, 'openai-beta.realtime-v1'] },
    );
    expect(ws.protocol).toBe('realtime');
    await ev.next('session.created');
    expect(k.rt.connections.at(-1)?.headers['openai-beta']).toBe('realtime=v1');
    keyIsNowhereUpstream();
    ws.close();
    await closed(ws);
  });

  it('takes the key as the api-key query parameter and never forwards it', async () => {
    const { ws, ev } = await openSocket(`${k.wsBase}/openai/v1/realtime?model=gpt-realtime&api-key=${k.apiKey}`);
    await ev.next('session.created');
    expect(k.rt.connections.at(-1)?.query.has('api-key')).toBe(false);
    keyIsNowhereUpstream();
    ws.close();
    await closed(ws);
  });

  it('relays text and binary frames unchanged both ways', async () => {
    const { ws, ev } = await openSocket(`${k.wsBase}/openai/v1/realtime?model=gpt-realtime`, {
      headers: { 'api-key': k.apiKey },
    });
    await ev.next('session.created');
    const conn = k.rt.connections.at(-1)!;
    // Odd spacing and key order survive: the kit never re-serializes a frame.
    const text = '{ "type" : "input_audio_buffer.append",  "audio":"AAAA" , "x": [1, 2.50] }';
    ws.send(text);
    const binary = Buffer.from([0, 1, 2, 255, 254, 0x7b]);
    ws.send(binary);
    await ev.next('error'); // the service refuses binary frames
    expect(conn.received.map((f) => [f.data.toString('latin1'), f.binary])).toEqual([
      [text, false],
      [binary.toString('latin1'), true],
    ]);
    const back = new Promise<[Buffer, boolean]>((resolve) => ws.once('message', (d: Buffer, b) => resolve([d, b])));
    conn.socket.send(Buffer.from([9, 8, 7]), { binary: true });
    expect(await back).toEqual([Buffer.from([9, 8, 7]), true]);
    ws.close(4001, 'bye from the lab');
    expect(await closed(ws)).toEqual({ code: 4001, reason: 'bye from the lab' });
    await new Promise((r) => setTimeout(r, 100));
    expect(conn.closed).toEqual({ code: 4001, reason: 'bye from the lab' });
  });

  it('relays upstream close codes, and an upstream lost mid-session as 1014', async () => {
    const open = () =>
      openSocket(`${k.wsBase}/openai/v1/realtime?model=gpt-realtime`, { headers: { 'api-key': k.apiKey } });
    const a = await open();
    await a.ev.next('session.created');
    k.rt.connections.at(-1)?.socket.close(4000, 'upstream says goodbye');
    expect(await closed(a.ws)).toEqual({ code: 4000, reason: 'upstream says goodbye' });

    const b = await open();
    await b.ev.next('session.created');
    k.rt.connections.at(-1)?.socket.terminate();
    expect(await closed(b.ws)).toEqual({ code: 1014, reason: 'The upstream realtime connection was lost.' });

    const c = await open();
    await c.ev.next('session.created');
    const conn = k.rt.connections.at(-1)!;
    c.ws.close(); // no status code at all
    await closed(c.ws);
    await new Promise((r) => setTimeout(r, 100));
    expect(conn.closed?.code).toBe(1005);
  });

  it('holds upstream back while the client does not read (backpressure), and delivers every frame in order', async () => {
    const { ws, ev } = await openSocket(`${k.wsBase}/openai/v1/realtime?model=gpt-realtime`, {
      headers: { 'api-key': k.apiKey },
    });
    await ev.next('session.created');
    const conn = k.rt.connections.at(-1)!;
    ws.pause(); // the client stops reading
    const frame = Buffer.alloc(256 * 1024, 7);
    const count = 160; // 40 MiB
    for (let i = 0; i < count; i++) {
      frame.writeUInt32BE(i, 0);
      conn.socket.send(Buffer.from(frame), { binary: true });
    }
    await new Promise((r) => setTimeout(r, 500));
    // The kit stopped reading upstream: most of it still waits in the upstream's own send buffer.
    expect(conn.socket.bufferedAmount).toBeGreaterThan(16 * 1024 * 1024);
    const got: number[] = [];
    const all = new Promise<void>((resolve) =>
      ws.on('message', (d: Buffer, binary) => {
        if (binary) got.push(d.readUInt32BE(0));
        if (got.length === count) resolve();
      }),
    );
    ws.resume();
    await all;
    expect(got).toEqual(Array.from({ length: count }, (_, i) => i));
    ws.close();
    await closed(ws);
  });

  it('answers the plain-HTTP GET of a realtime path with how to connect', async () => {
    const r = await fetch(`${k.kit.apiBase}/openai/v1/realtime?model=gpt-realtime`, {
      headers: { 'api-key': k.apiKey },
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain('speaks WebSocket');
  });
});
