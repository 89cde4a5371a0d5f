/**
 * Files and vector stores through the kit with the official clients: `OpenAI`
 * on the v1 API, and `AzureOpenAI` on the dated API with a GA api-version
 * (files only, as on Azure) and a preview one (vector stores, their files,
 * file batches and search). Uploads stream up and downloads come back byte
 * for byte; and with two attendees every file and vector store is its
 * creator's alone: lists show only theirs, anything on another's object is
 * 404 and never reaches upstream, and another's file id in a body is 404.
 */
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../../support/emulator.js';
import { filesApi, type ObjectsContext } from '../../../../support/files-api.js';
import { eventInput, startKit } from '../../../../support/kit.js';
import { collections, ids } from '../../../../support/openai-wire.js';
import { sha256 } from '../../../../support/services.js';
import { all, GA, patterned, refused, type SurfaceKit, startSurfaceKit } from '../../../../support/surface-kit.js';

let t: SurfaceKit;
beforeAll(async () => {
  t = await startSurfaceKit();
});
afterAll(() => t?.stop());

const last = () => t.emu.received.at(-1);
const jsonl = (n: number) =>
  Buffer.from(
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({ custom_id: `r${i}`, method: 'POST', url: '/chat/completions', body: { n: i } }),
    ).join('\n'),
  );
const text = (s: string, name: string) => toFile(Buffer.from(s), name, { type: 'text/plain' });

describe('files on the v1 API (OpenAI)', () => {
  it('upload streams up, download is byte-identical, the file is recorded as the caller’s', async () => {
    const bytes = Buffer.concat([jsonl(2000), patterned(1)]);
    const ada = t.v1(t.keys.ada);
    const file = await ada.files.create({ file: await toFile(bytes, 'batch.jsonl'), purpose: 'batch' });
    expect(file.object).toBe('file');
    expect(file.id.startsWith('file-')).toBe(true);
    expect(last()?.path).toBe('/openai/v1/files');
    expect(last()?.headers['transfer-encoding']).toBe('chunked');
    expect(last()?.headers['api-key']).toBe('aoai-account-key');
    expect(sha256(t.azure.ctx.uploads.find((u) => u.id === file.id)?.bytes ?? Buffer.alloc(0))).toBe(sha256(bytes));
    const content = await ada.files.content(file.id);
    expect(sha256(Buffer.from(await content.arrayBuffer()))).toBe(sha256(bytes));
    expect((await ada.files.retrieve(file.id)).bytes).toBe(bytes.length);
    expect(t.kit.store.objects.find((o) => o.id === file.id)?.type).toBe('file');
  });

  it('upstream refusals pass through: a bad purpose, an assistants file’s download', async () => {
    const ada = t.v1(t.keys.ada);
    expect(
      await refused(ada.files.create({ file: await text('x', 'a.txt'), purpose: 'nonsense' as 'batch' })),
    ).toMatchObject({ status: 400, code: 'invalid_value' });
    const f = await ada.files.create({ file: await text('private', 'a.txt'), purpose: 'assistants' });
    expect(f.id.startsWith('assistant-')).toBe(true);
    expect(await refused(ada.files.content(f.id))).toMatchObject({ status: 400 });
  });
});

describe('files with AzureOpenAI and a GA api-version', () => {
  it('upload, list, retrieve, download and delete on /openai/files with the client’s api-version', async () => {
    const ada = t.dated(t.keys.ada, GA);
    const bytes = jsonl(50);
    const file = await ada.files.create({ file: await toFile(bytes, 'tune.jsonl'), purpose: 'fine-tune' });
    expect(last()?.path).toBe('/openai/files');
    expect(last()?.query.get('api-version')).toBe(GA);
    expect((await ada.files.list()).data.map((f) => f.id)).toContain(file.id);
    expect((await ada.files.retrieve(file.id)).filename).toBe('tune.jsonl');
    expect(sha256(Buffer.from(await (await ada.files.content(file.id)).arrayBuffer()))).toBe(sha256(bytes));
    expect((await ada.files.delete(file.id)).deleted).toBe(true);
    expect(t.kit.store.objects.some((o) => o.id === file.id)).toBe(false);
  });

  it('vector stores are preview-only on the dated API: the service’s 404 passes through', async () => {
    expect(await refused(t.dated(t.keys.ada, GA).vectorStores.create({ name: 'x' }))).toMatchObject({ status: 404 });
  });
});

describe('vector stores (AzureOpenAI preview, and OpenAI v1)', () => {
  it('a store with files, a file batch, the parsed content and a search over the caller’s text', async () => {
    const ada = t.dated(t.keys.ada);
    const lighthouse = await ada.files.create({
      file: await text('The lighthouse keeper lights the lamp at dusk.', 'lighthouse.txt'),
      purpose: 'assistants',
    });
    const bakery = await ada.files.create({
      file: await text('The bakery opens at dawn with fresh bread.', 'bakery.txt'),
      purpose: 'assistants',
    });
    const harbour = await ada.files.create({
      file: await text('Boats leave the harbour when the lamp is lit.', 'harbour.txt'),
      purpose: 'assistants',
    });
    const vs = await ada.vectorStores.create({ name: 'town', file_ids: [lighthouse.id] });
    expect(vs.object).toBe('vector_store');
    expect(last()?.path).toBe('/openai/vector_stores');
    await ada.vectorStores.files.create(vs.id, { file_id: bakery.id });
    const batch = await ada.vectorStores.fileBatches.create(vs.id, { files: [{ file_id: harbour.id }] });
    expect(batch.object).toBe('vector_store.files_batch');
    expect((await ada.vectorStores.fileBatches.retrieve(batch.id, { vector_store_id: vs.id })).status).toBe(
      'completed',
    );
    expect(
      (await all(ada.vectorStores.fileBatches.listFiles(batch.id, { vector_store_id: vs.id }))).map((f) => f.id),
    ).toEqual([harbour.id]);
    expect((await all(ada.vectorStores.files.list(vs.id))).map((f) => f.id).sort()).toEqual(
      [lighthouse.id, bakery.id, harbour.id].sort(),
    );
    const content = await all(ada.vectorStores.files.content(bakery.id, { vector_store_id: vs.id }));
    expect(content[0]?.text).toContain('fresh bread');
    const hits = await all(ada.vectorStores.search(vs.id, { query: 'lamp lit' }));
    expect(hits.map((h) => h.filename)).toEqual(['harbour.txt', 'lighthouse.txt']);
    expect(last()?.path).toBe(`/openai/vector_stores/${vs.id}/search`);
    expect((await ada.vectorStores.update(vs.id, { name: 'village' })).name).toBe('village');
    expect((await ada.vectorStores.retrieve(vs.id)).file_counts.total).toBe(3);
  });

  it('the v1 client sees the same account: a store made there, used with a file uploaded there', async () => {
    const ada = t.v1(t.keys.ada);
    const f = await ada.files.create({ file: await text('Owls hunt at night.', 'owls.txt'), purpose: 'assistants' });
    const vs = await ada.vectorStores.create({ name: 'nature', file_ids: [f.id] });
    expect(last()?.path).toBe('/openai/v1/vector_stores');
    const hits = await all(ada.vectorStores.search(vs.id, { query: 'owls' }));
    expect(hits[0]?.file_id).toBe(f.id);
    // …and AzureOpenAI may use the store too: one account, one owner.
    expect((await t.dated(t.keys.ada).vectorStores.retrieve(vs.id)).name).toBe('nature');
    expect((await ada.vectorStores.delete(vs.id)).deleted).toBe(true);
    expect(t.kit.store.objects.some((o) => o.id === vs.id)).toBe(false);
  });
});

describe('two attendees: files and vector stores are their creator’s alone', () => {
  let file: string;
  let store: string;
  let batch: string;

  beforeAll(async () => {
    const ada = t.dated(t.keys.ada);
    file = (await ada.files.create({ file: await text('Ada’s secret notes', 'secret.txt'), purpose: 'assistants' })).id;
    store = (await ada.vectorStores.create({ name: 'ada-private', file_ids: [file] })).id;
    batch = (await ada.vectorStores.fileBatches.create(store, { file_ids: [file] })).id;
    // Bob's own, so his lists are not empty by accident.
    const bob = t.v1(t.keys.bob);
    await bob.files.create({ file: await text('Bob’s notes', 'bob.txt'), purpose: 'assistants' });
    await bob.vectorStores.create({ name: 'bob-public' });
  });

  it('lists show only the caller’s objects, on both surfaces', async () => {
    for (const bob of [t.v1(t.keys.bob), t.dated(t.keys.bob)]) {
      const files = await all(bob.files.list());
      expect(files.map((f) => f.filename)).toEqual(['bob.txt']);
      expect((await all(bob.vectorStores.list())).map((v) => v.name)).toEqual(['bob-public']);
    }
    expect((await all(t.v1(t.keys.ada).files.list())).map((f) => f.id)).toContain(file);
  });

  it('get, update, delete and every sub-path of another’s file or store → 404, nothing forwarded', async () => {
    const mark = t.emu.received.length;
    for (const bob of [t.v1(t.keys.bob), t.dated(t.keys.bob)]) {
      const cases: Array<[string, () => PromiseLike<unknown>]> = [
        ['get file', () => bob.files.retrieve(file)],
        ['file content', () => bob.files.content(file)],
        ['delete file', () => bob.files.delete(file)],
        ['get store', () => bob.vectorStores.retrieve(store)],
        ['update store', () => bob.vectorStores.update(store, { name: 'mine' })],
        ['delete store', () => bob.vectorStores.delete(store)],
        ['store files', () => all(bob.vectorStores.files.list(store))],
        ['store file', () => bob.vectorStores.files.retrieve(file, { vector_store_id: store })],
        ['detach file', () => bob.vectorStores.files.delete(file, { vector_store_id: store })],
        ['attach own file', () => bob.vectorStores.files.create(store, { file_id: 'file-anything' })],
        ['search', () => all(bob.vectorStores.search(store, { query: 'secret' }))],
        ['batch', () => bob.vectorStores.fileBatches.retrieve(batch, { vector_store_id: store })],
        ['cancel batch', () => bob.vectorStores.fileBatches.cancel(batch, { vector_store_id: store })],
      ];
      for (const [what, p] of cases) expect(await refused(p()), what).toEqual({ status: 404, code: 'not_found' });
    }
    expect(t.sentSince(mark)).toEqual([]);
  });

  it('another’s file id in a body → 404: a new store, an attached file, a batch (both shapes)', async () => {
    const bob = t.v1(t.keys.bob);
    const own = (await all(bob.vectorStores.list()))[0]!.id;
    const mark = t.emu.received.length;
    const cases: Array<[string, () => PromiseLike<unknown>]> = [
      ['store with file_ids', () => bob.vectorStores.create({ name: 'x', file_ids: [file] })],
      ['attach', () => bob.vectorStores.files.create(own, { file_id: file })],
      ['batch file_ids', () => bob.vectorStores.fileBatches.create(own, { file_ids: [file] })],
      ['batch files', () => bob.vectorStores.fileBatches.create(own, { files: [{ file_id: file }] })],
    ];
    for (const [what, p] of cases) expect(await refused(p()), what).toEqual({ status: 404, code: 'not_found' });
    expect(t.sentSince(mark)).toEqual([]);
    // And Ada still has everything.
    expect((await t.v1(t.keys.ada).vectorStores.retrieve(store)).name).toBe('ada-private');
  });
});

describe('an event with no Azure OpenAI resource: files on its OpenAI-compatible server', () => {
  it('the v1 files API goes to the server’s own /files, with its key, and stays the creator’s', async () => {
    const emu = await startEmulator();
    const ctx: ObjectsContext = { coll: collections(), nextId: ids(), uploads: [] };
    const files = filesApi(ctx, { idPrefix: () => 'file-', purposes: ['assistants', 'batch', 'user_data'] });
    for (const method of ['GET', 'POST', 'DELETE']) {
      emu.route(method, /^\/v1\/files/, async (r, res) => {
        await files(r, res, r.path.slice('/v1'.length));
      });
    }
    const kit = await startKit();
    try {
      const server = await kit.call('resources.create', {
        name: 'OpenAI',
        kind: 'openai-compatible',
        endpoint: `${emu.url}/v1`,
        deployment: 'gpt-4.1-mini',
        auth: { type: 'api-key', key: 'sk-upstream' },
        enabled: true,
      });
      const event = await kit.call('events.create', eventInput([server.id]));
      const key = async (name: string) => (await kit.register(event.code, { name })).body.apiKey as string;
      const client = (k: string) => new OpenAI({ baseURL: `${kit.apiBase}/openai/v1`, apiKey: k, maxRetries: 0 });
      const ada = client(await key('Ada'));
      const bob = client(await key('Bob'));
      const f = await ada.files.create({ file: await text('hello', 'a.txt'), purpose: 'user_data' });
      const sent = emu.received.at(-1);
      expect(sent?.path).toBe('/v1/files');
      expect(sent?.headers.authorization).toBe('Bearer sk-upstream');
      expect((await all(ada.files.list())).map((x) => x.id)).toEqual([f.id]);
      expect(await all(bob.files.list())).toEqual([]);
      expect(await refused(bob.files.retrieve(f.id))).toEqual({ status: 404, code: 'not_found' });
    } finally {
      await kit.stop();
      await emu.close();
    }
  });
});
