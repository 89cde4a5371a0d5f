/**
 * Classic Foundry agents through the kit with the official `@azure/ai-agents`
 * client and two attendees: the whole flow (agent, thread, messages, runs
 * polled and streamed, run steps, create-and-run, files, vector stores), and
 * isolation for every ownable type: list, get, update, delete and sub-paths
 * of another attendee's object answer 404, and never reach upstream.
 */
import { request } from 'node:http';
import { Readable } from 'node:stream';
import type { AgentsClient } from '@azure/ai-agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentsKit,
  agentsClient,
  FOUNDRY_TOKEN,
  refusal,
  startAgentsKit,
} from '../../../../support/agents-kit.js';
import { storedText } from '../../../../support/kit.js';
import { sha256 } from '../../../../support/services.js';

let t: AgentsKit;
let ada: AgentsClient;
let bob: AgentsClient;
let eventCode: string;

beforeAll(async () => {
  t = await startAgentsKit();
  ada = agentsClient(t.kit, t.keys.ada);
  bob = agentsClient(t.kit, t.keys.bob);
  eventCode = (await t.kit.call('events.list', {}))[0]!.code;
});
afterAll(() => t?.stop());

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A request with the path exactly as written (fetch would resolve dot segments itself). */
const raw = (key: string, method: string, path: string) =>
  new Promise<{ status: number }>((resolve, reject) => {
    const { hostname, port } = new URL(t.kit.localUrl);
    const req = request({ hostname, port, path: `/api/v1${path}`, method, headers: { 'api-key': key } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('error', reject);
    req.end();
  });

const storeFile = () => storedText(t.kit);

describe('classic agents, end to end', () => {
  it('agent → thread → message → run (polled) → reply and run steps', async () => {
    const agent = await ada.createAgent('gpt-4o', { name: 'helper', instructions: 'Be brief.' });
    const sent = t.emu.received.at(-1);
    expect(sent?.path).toBe('/api/projects/p1/assistants');
    expect(sent?.headers.authorization).toBe(`Bearer ${FOUNDRY_TOKEN}`);
    expect(JSON.stringify(sent?.headers)).not.toContain(t.keys.ada);
    expect(sent?.query.get('api-version')).toBe('v1');

    const thread = await ada.threads.create();
    await ada.messages.create(thread.id, 'user', 'Hello?');
    const run = await ada.runs.createAndPoll(thread.id, agent.id, { pollingOptions: { intervalInMs: 10 } });
    expect(run.status).toBe('completed');
    const messages = await all(ada.messages.list(thread.id));
    expect(messages.map((m) => m.role)).toContain('assistant');
    const steps = await all(ada.runSteps.list(thread.id, run.id));
    expect(steps).toHaveLength(1);
    expect((await ada.runSteps.get(thread.id, run.id, steps[0]!.id)).status).toBe('completed');
  });

  it('a streamed run on an own thread arrives as events', async () => {
    const agent = await ada.createAgent('gpt-4o', { name: 'streamer' });
    const thread = await ada.threads.create();
    const stream = await ada.runs.create(thread.id, agent.id).stream();
    const events: string[] = [];
    for await (const e of stream) events.push(String(e.event));
    expect(events).toContain('thread.run.completed');
  });

  it('create-and-run: the thread it makes is the caller’s (non-streamed)', async () => {
    const agent = await ada.createAgent('gpt-4o', { name: 'car' });
    const run = await ada.runs.createThreadAndRun(agent.id, {
      thread: { messages: [{ role: 'user', content: 'hi' }] },
    });
    expect((await ada.threads.get(run.threadId)).id).toBe(run.threadId);
    expect(await refusal(bob.threads.get(run.threadId))).toEqual({ status: 404, code: 'not_found' });
  });

  it('create-and-run streamed: the new thread is on disk before its id reaches the client', async () => {
    const agent = await ada.createAgent('gpt-4o', { name: 'car-stream' });
    const stream = await ada.runs.createThreadAndRun(agent.id, { thread: { messages: [] } }).stream();
    let threadId: string | undefined;
    let onDiskWhenSeen = false;
    for await (const e of stream) {
      if (e.event === 'thread.created') {
        threadId = (e.data as { id: string }).id;
        onDiskWhenSeen = (await storeFile()).includes(`"${threadId}"`);
      }
    }
    expect(threadId).toBeTruthy();
    expect(onDiskWhenSeen).toBe(true);
    expect((await ada.threads.get(threadId!)).id).toBe(threadId);
    expect(await refusal(bob.threads.get(threadId!))).toEqual({ status: 404, code: 'not_found' });
  });

  it('files: chunked multipart upload and download, byte-identical; the id is recorded as a file', async () => {
    const bytes = Buffer.alloc(200 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
    const file = await ada.files.upload(
      Readable.from([bytes.subarray(0, 70_000), bytes.subarray(70_000)]),
      'assistants',
      {
        fileName: 'notes.bin',
      },
    );
    expect(file.id.startsWith('assistant-')).toBe(true);
    const upload = t.foundry.uploads.find((u) => u.id === file.id);
    expect(upload?.headers['content-length']).toBeUndefined();
    expect(upload?.headers['transfer-encoding']).toBe('chunked');
    expect(sha256(upload!.bytes)).toBe(sha256(bytes));
    const content = await ada.files.getContent(file.id).asNodeStream();
    const chunks: Buffer[] = [];
    for await (const c of content.body!) chunks.push(Buffer.from(c as Buffer));
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(bytes));
    expect(t.kit.store.objects.find((o) => o.id === file.id)?.type).toBe('file');
  });

  it('vector stores with the caller’s own files', async () => {
    const file = await ada.files.upload(Readable.from([Buffer.from('hello')]), 'assistants', { fileName: 'a.txt' });
    const vs = await ada.vectorStores.create({ name: 'docs', fileIds: [file.id] });
    await ada.vectorStoreFiles.create(vs.id, { fileId: file.id });
    expect((await all(ada.vectorStoreFiles.list(vs.id))).map((f) => f.id)).toEqual([file.id]);
    // Bob may not build on Ada's file.
    expect(await refusal(bob.vectorStores.create({ name: 'x', fileIds: [file.id] }))).toEqual({
      status: 404,
      code: 'not_found',
    });
  });

  it('the query string is parsed: api%2Dversion is the api-version', async () => {
    const r = await fetch(`${t.kit.apiBase}/vector_stores?api%2Dversion=2025-05-15-preview&limit=5`, {
      headers: { 'api-key': t.keys.ada },
    });
    expect(r.status).toBe(200);
    const got = t.emu.received.at(-1);
    expect(got?.query.getAll('api-version')).toEqual(['2025-05-15-preview']);
    // Lists are read upstream in large pages (the kit filters them down to the caller's).
    expect(got?.query.get('limit')).toBe('100');
  });
});

describe('two attendees: every ownable type is its creator’s alone', () => {
  let ids: { assistant: string; thread: string; file: string; vectorStore: string };

  beforeAll(async () => {
    const assistant = await ada.createAgent('gpt-4o', { name: 'private' });
    const thread = await ada.threads.create();
    await ada.messages.create(thread.id, 'user', 'secret');
    const file = await ada.files.upload(Readable.from([Buffer.from('secret bytes')]), 'assistants', {
      fileName: 's.txt',
    });
    const vectorStore = await ada.vectorStores.create({ name: 'secret' });
    ids = { assistant: assistant.id, thread: thread.id, file: file.id, vectorStore: vectorStore.id };
    // Bob's own objects, so his lists are not empty by accident.
    await bob.createAgent('gpt-4o', { name: 'bobs' });
    await bob.threads.create();
    await bob.vectorStores.create({ name: 'bobs' });
  });

  it('lists show only the caller’s objects', async () => {
    const bobAgents = await all(bob.listAgents());
    expect(bobAgents.map((a) => a.name)).toEqual(['bobs']);
    expect((await all(ada.listAgents())).map((a) => a.id)).toContain(ids.assistant);
    const bobThreads = await all(bob.threads.list());
    expect(bobThreads.map((x) => x.id)).not.toContain(ids.thread);
    expect(bobThreads).toHaveLength(1);
    expect((await bob.files.list()).data.map((f) => f.id)).not.toContain(ids.file);
    expect((await ada.files.list()).data.map((f) => f.id)).toContain(ids.file);
    expect((await all(bob.vectorStores.list())).map((v) => v.name)).toEqual(['bobs']);
  });

  it('get, update, delete and sub-paths of another attendee’s objects → 404 not_found, nothing forwarded', async () => {
    const before = t.emu.received.length;
    const cases: Array<[string, () => PromiseLike<unknown>]> = [
      ['get assistant', () => bob.getAgent(ids.assistant)],
      ['update assistant', () => bob.updateAgent(ids.assistant, { name: 'mine now' })],
      ['delete assistant', () => bob.deleteAgent(ids.assistant)],
      ['get thread', () => bob.threads.get(ids.thread)],
      ['update thread', () => bob.threads.update(ids.thread, { metadata: { a: 'b' } })],
      ['delete thread', () => bob.threads.delete(ids.thread)],
      ['thread messages', () => all(bob.messages.list(ids.thread))],
      ['post a message', () => bob.messages.create(ids.thread, 'user', 'hi')],
      ['run on the thread', () => bob.runs.create(ids.thread, ids.assistant)],
      ['runs of the thread', () => all(bob.runs.list(ids.thread))],
      ['get file', () => bob.files.get(ids.file)],
      ['delete file', () => bob.files.delete(ids.file)],
      [
        'file content',
        () =>
          fetch(`${t.kit.apiBase}/files/${ids.file}/content`, { headers: { 'api-key': t.keys.bob } }).then(async (r) =>
            Promise.reject({
              statusCode: r.status,
              code: ((await r.json()) as { error: { code: string } }).error.code,
            }),
          ),
      ],
      ['get vector store', () => bob.vectorStores.get(ids.vectorStore)],
      ['update vector store', () => bob.vectorStores.update(ids.vectorStore, { name: 'mine' })],
      ['delete vector store', () => bob.vectorStores.delete(ids.vectorStore)],
      ['vector store files', () => all(bob.vectorStoreFiles.list(ids.vectorStore))],
    ];
    for (const [what, p] of cases) expect(await refusal(p()), what).toEqual({ status: 404, code: 'not_found' });
    // Using Ada's assistant from Bob's own thread, or Ada's file in Bob's message: also refused.
    const bobThread = await bob.threads.create();
    expect(await refusal(bob.runs.create(bobThread.id, ids.assistant))).toEqual({ status: 404, code: 'not_found' });
    expect(
      await refusal(
        bob.messages.create(bobThread.id, 'user', 'see file', { attachments: [{ fileId: ids.file, tools: [] }] }),
      ),
    ).toEqual({ status: 404, code: 'not_found' });
    // Only Bob's own thread creation reached upstream.
    expect(t.emu.received.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/projects/p1/threads']);
    // And Ada still has everything.
    expect((await ada.getAgent(ids.assistant)).id).toBe(ids.assistant);
    expect((await ada.threads.get(ids.thread)).id).toBe(ids.thread);
  });

  it('paths cannot step out of the object they name', async () => {
    for (const path of [
      `/threads/${ids.thread}/..%2F..%2Fassistants%2F${ids.assistant}`,
      `/threads/%2e%2e/assistants/${ids.assistant}`,
      `/vector_stores/${ids.vectorStore}/files/%2E%2E`,
      `/threads/${ids.thread}/messages/../../../assistants/${ids.assistant}`,
      `/threads/${ids.thread}/messages/%5C..%5C..%5Cx`,
    ]) {
      const before = t.emu.received.length;
      const r = await raw(t.keys.ada, 'GET', path);
      expect(r.status, path).toBe(400);
      expect(t.emu.received.length, path).toBe(before);
    }
  });

  it('lists page past other attendees’ objects, with cursors that are the caller’s own', async () => {
    const carolApiKey = (await t.kit.register(eventCode, { name: 'Carol' })).body.apiKey as string;
    const carol = agentsClient(t.kit, carolApiKey);
    const mine: string[] = [];
    for (let i = 0; i < 3; i++) mine.push((await carol.threads.create()).id);
    // 25 newer threads of Bob's bury Carol's under several upstream pages (the emulator pages by 10).
    for (let i = 0; i < 25; i++) await bob.threads.create();
    const listed = await all(carol.threads.list());
    expect(listed.map((x) => x.id).sort()).toEqual([...mine].sort());
    // Small client pages (the SDK reads only the first; REST clients follow `last_id`): each thread once, in order.
    const seen: string[] = [];
    let after = '';
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${t.kit.apiBase}/threads?limit=2${after ? `&after=${after}` : ''}`, {
        headers: { 'api-key': carolApiKey },
      });
      const page = (await r.json()) as { data: Array<{ id: string }>; has_more: boolean; last_id: string | null };
      seen.push(...page.data.map((x) => x.id));
      if (page.last_id) expect(mine).toContain(page.last_id);
      if (!page.has_more) break;
      after = page.last_id ?? '';
    }
    expect(seen).toEqual([...mine].reverse());
  });

  it('a delete forgets the record; the object is then nobody’s', async () => {
    const thread = await ada.threads.create();
    expect(t.kit.store.objects.some((o) => o.id === thread.id)).toBe(true);
    await ada.threads.delete(thread.id);
    expect(t.kit.store.objects.some((o) => o.id === thread.id)).toBe(false);
    expect(await storeFile()).not.toContain(`"${thread.id}"`);
    expect(await refusal(ada.threads.get(thread.id))).toEqual({ status: 404, code: 'not_found' });
  });

  it('ownership survives a restart of the kit (records are on disk)', async () => {
    const file = JSON.parse(await storeFile()) as { objects: Array<{ id: string; type: string; attendeeId: string }> };
    const mine = file.objects.filter((o) => Object.values(ids).includes(o.id));
    expect(mine.map((o) => o.type).sort()).toEqual(['assistant', 'file', 'thread', 'vector_store']);
    expect(new Set(mine.map((o) => o.attendeeId)).size).toBe(1);
  });
});

describe('objects the organizer shares, and objects the kit never saw', () => {
  let sharedId: string;
  let strayId: string;

  beforeAll(async () => {
    // Built straight on the project, as an organizer would, not through the kit.
    const make = async (name: string) => {
      const r = await fetch(`${t.emu.url}/api/projects/p1/assistants?api-version=v1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o', name }),
      });
      return ((await r.json()) as { id: string }).id;
    };
    sharedId = await make('workshop helper');
    strayId = await make('not shared');
    await t.kit.call('resources.update', { id: t.foundryResourceId, sharedObjects: [sharedId] });
  });

  it('a shared object is listed, readable and usable by every attendee', async () => {
    expect((await all(bob.listAgents())).map((a) => a.id)).toContain(sharedId);
    expect((await ada.getAgent(sharedId)).name).toBe('workshop helper');
    const thread = await bob.threads.create();
    const run = await bob.runs.createAndPoll(thread.id, sharedId, { pollingOptions: { intervalInMs: 10 } });
    expect(run.status).toBe('completed');
  });

  it('…and changed or deleted by none (403 forbidden)', async () => {
    expect(await refusal(bob.deleteAgent(sharedId))).toEqual({ status: 403, code: 'forbidden' });
    expect(await refusal(ada.updateAgent(sharedId, { name: 'mine' }))).toEqual({ status: 403, code: 'forbidden' });
    expect((await ada.getAgent(sharedId)).name).toBe('workshop helper');
  });

  it('an object the kit never saw created is nobody’s', async () => {
    expect(await refusal(ada.getAgent(strayId))).toEqual({ status: 404, code: 'not_found' });
    expect((await all(ada.listAgents())).map((a) => a.id)).not.toContain(strayId);
    const thread = await ada.threads.create();
    expect(await refusal(ada.runs.create(thread.id, strayId))).toEqual({ status: 404, code: 'not_found' });
  });
});
