/**
 * Azure AI Search through the kit with the official `@azure/search-documents`
 * client (text and vector queries, count, document lookup, suggest,
 * autocomplete, reading the index definition) and the plain REST form;
 * writes are refused with 405 even though the upstream key could write, and
 * only the event's indexes answer.
 */
import { AzureKeyCredential, SearchClient, SearchIndexClient } from '@azure/search-documents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../../../../support/emulator.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';
import { addSearch, indexDefinition } from '../../../../support/services.js';

interface Hotel {
  id: string;
  title?: string;
  content?: string;
  rating?: number;
}

let emu: Emulator;
let kit: TestKit;
let apiKey: string;

beforeAll(async () => {
  emu = await startEmulator();
  addSearch(emu);
  kit = await startKit();
  const index = await kit.call('resources.create', {
    name: 'Hotels index',
    kind: 'azure-search',
    endpoint: emu.url,
    deployment: 'hotels',
    upstreamDeployment: 'hotels-v2',
    auth: { type: 'api-key', key: 'search-admin-key' },
    enabled: true,
  });
  const event = await kit.call('events.create', eventInput([index.id]));
  apiKey = (await kit.register(event.code)).body.apiKey as string;
});
afterAll(async () => {
  await kit?.stop();
  await emu?.close();
});

const client = (index = 'hotels') =>
  new SearchClient<Hotel>(kit.apiBase, index, new AzureKeyCredential(apiKey), {
    allowInsecureConnection: true,
    retryOptions: { maxRetries: 0 },
  });

const requestsCounted = async () => {
  const usage = await kit.call('usage.report', { eventId: (await kit.call('events.list', {}))[0]!.id });
  return usage.attendees.reduce((n, a) => n + a.requests, 0);
};

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('AI Search queries through the kit', () => {
  it('a text query with count, to the upstream index name, with the resource key', async () => {
    const r = await client().search('sea', { includeTotalCount: true, top: 3 });
    const docs = await all(r.results);
    expect(docs.map((d) => d.document.title)).toEqual(['Seaside Inn']);
    expect(r.count).toBe(1);
    const got = emu.received.at(-1);
    expect(got?.path).toBe("/indexes('hotels-v2')/docs/search.post.search");
    expect(got?.headers['api-key']).toBe('search-admin-key');
    expect(JSON.stringify(got?.headers)).not.toContain(apiKey);
    expect(got?.query.get('api-version')).toBeTruthy();
  });

  it('a vector query passes its vector through', async () => {
    const vector = [0.1, 0.2, 0.3];
    const r = await client().search('*', {
      vectorSearchOptions: {
        queries: [{ kind: 'vector', vector, kNearestNeighborsCount: 3, fields: ['content'] }],
      },
      top: 3,
    });
    expect(await all(r.results)).toHaveLength(3);
    const body = emu.received.at(-1)?.json as { vectorQueries: Array<{ vector: number[]; k: number }> };
    expect(body.vectorQueries[0]?.vector).toEqual(vector);
    expect(body.vectorQueries[0]?.k).toBe(3);
  });

  it('count, get document, suggest and autocomplete', async () => {
    expect(await client().getDocumentsCount()).toBe(3);
    expect(emu.received.at(-1)?.path).toBe("/indexes('hotels-v2')/docs/$count");
    expect((await client().getDocument('2')).title).toBe('Mountain Lodge');
    expect(emu.received.at(-1)?.path).toBe("/indexes('hotels-v2')/docs('2')");
    const s = await client().suggest('se', 'sg');
    expect(s.results).toHaveLength(3);
    const a = await client().autocomplete('sea', 'sg');
    expect(a.results[0]?.text).toBe('seaside');
  });

  it('the plain REST form: POST indexes/{index}/docs/search, and GET lookups', async () => {
    const post = await fetch(`${kit.apiBase}/indexes/hotels/docs/search?api-version=2024-07-01`, {
      method: 'POST',
      headers: { 'api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ search: 'lodge', count: true }),
    });
    expect(post.status).toBe(200);
    expect((await post.json()).value[0].title).toBe('Mountain Lodge');
    expect(emu.received.at(-1)?.path).toBe('/indexes/hotels-v2/docs/search');
    const get = await fetch(`${kit.apiBase}/indexes/hotels/docs?api-version=2024-07-01&search=city&$top=2`, {
      headers: { 'api-key': apiKey },
    });
    expect((await get.json()).value[0].title).toBe('City Hotel');
    expect(emu.received.at(-1)?.query.get('$top')).toBe('2');
    const doc = await fetch(`${kit.apiBase}/indexes/hotels/docs/3?api-version=2024-07-01`, {
      headers: { 'api-key': apiKey },
    });
    expect((await doc.json()).title).toBe('City Hotel');
  });

  it('SearchIndexClient.getIndex reads the definition, under the attendee’s index name', async () => {
    const indexes = new SearchIndexClient(kit.apiBase, new AzureKeyCredential(apiKey), {
      allowInsecureConnection: true,
      retryOptions: { maxRetries: 0 },
    });
    const index = await indexes.getIndex('hotels');
    expect(index.name).toBe('hotels');
    expect(index.fields.map((f) => f.name)).toEqual(['id', 'title', 'content', 'rating', 'contentVector']);
    expect(index.vectorSearch?.profiles?.[0]?.name).toBe('default-profile');
    const got = emu.received.at(-1);
    expect(got?.method).toBe('GET');
    expect(got?.path).toBe("/indexes('hotels-v2')");
    expect(got?.query.get('api-version')).toBeTruthy();
    expect(got?.headers['api-key']).toBe('search-admin-key');
  });

  it('the REST form GET indexes/{index} reads it too; credentials in a definition never reach the attendee', async () => {
    // A service that hands a vectorizer's key back (an older api-version) must not leak it through the kit.
    emu.override(
      (x) => x.path === '/indexes/hotels-v2',
      (_x, res) => {
        const body = JSON.stringify(indexDefinition('hotels-v2', 'aoai-secret-key-42'));
        res.writeHead(200, { 'content-type': 'application/json; odata.metadata=minimal' });
        res.end(body);
      },
    );
    const counted = await requestsCounted();
    const r = await fetch(`${kit.apiBase}/indexes/hotels?api-version=2024-07-01`, { headers: { 'api-key': apiKey } });
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).not.toContain('aoai-secret-key-42');
    const def = JSON.parse(text);
    expect(def.name).toBe('hotels');
    expect(def.vectorSearch.vectorizers[0].azureOpenAIParameters.apiKey).toBeNull();
    expect(def.vectorSearch.vectorizers[0].azureOpenAIParameters.deploymentId).toBe('text-embedding-3-small');
    expect(emu.received.at(-1)?.path).toBe('/indexes/hotels-v2');
    // Reading a definition is a GET: it does not count toward the daily cap.
    expect(await requestsCounted()).toBe(counted);
  });

  it('an index outside the event cannot be read, whatever the service holds', async () => {
    const before = emu.received.length;
    const r = await fetch(`${kit.apiBase}/indexes('hotels-v2')?api-version=2024-07-01`, {
      headers: { 'api-key': apiKey },
    });
    expect(r.status).toBe(404);
    expect((await r.json()).error.code).toBe('deployment_not_found');
    expect(emu.received.length).toBe(before);
  });

  it('writes are 405 even with an upstream admin key, and never reach upstream', async () => {
    const before = emu.received.length;
    const e = await client()
      .uploadDocuments([{ id: '9', title: 'Evil Inn' }])
      .then(
        () => undefined,
        (x: { statusCode?: number; code?: string }) => x,
      );
    expect(e?.statusCode).toBe(405);
    expect(e?.code).toBe('method_not_allowed');
    for (const [method, path] of [
      ['POST', '/indexes/hotels/docs/index'],
      ['PUT', '/indexes/hotels'],
      ['DELETE', '/indexes/hotels'],
      ['DELETE', "/indexes('hotels')"],
      ['POST', "/indexes('hotels')"],
      ['GET', '/indexes'],
      ['GET', '/indexes/hotels/stats'],
      ['POST', '/indexes'],
      ['GET', '/indexes/hotels/docs/search'],
      ['POST', "/indexes('hotels')/docs/search.index"],
      ['DELETE', "/indexes('hotels')/docs('1')"],
    ] as const) {
      const r = await fetch(`${kit.apiBase}${path}?api-version=2024-07-01`, {
        method,
        headers: { 'api-key': apiKey, 'content-type': 'application/json' },
        ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{"value":[]}' }),
      });
      expect(r.status, `${method} ${path}`).toBe(405);
      expect((await r.json()).error.code).toBe('method_not_allowed');
    }
    expect(emu.received.length).toBe(before);
  });

  it("an index that is not the event's → 404 deployment_not_found naming the event's indexes", async () => {
    const e = await (async () => all((await client('salaries').search('*')).results))().then(
      () => undefined,
      (x: { statusCode?: number; message?: string }) => x,
    );
    expect(e?.statusCode).toBe(404);
    expect(e?.message).toContain('hotels');
  });
});
