/**
 * More upstream services for the emulator (test fixtures only): the rest of
 * the Azure OpenAI deployment surface (completions, images, audio), Azure AI
 * model inference under `/models`, and an Azure AI Search index. Added to an
 * `Emulator` with `route()`, so its recording and overrides still apply.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { chatRefusal, type Emulator, json, type Received } from './emulator.js';

/** Deterministic "speech": the bytes depend on the input text, and cover every byte value. */
export function speechBytes(input: string): Buffer {
  const seed = createHash('sha256').update(input).digest();
  const out = Buffer.alloc(64 * 1024);
  for (let i = 0; i < out.length; i++) out[i] = (i + (seed[i % seed.length] ?? 0)) & 0xff;
  return out;
}

export const sha256 = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

async function sse(res: ServerResponse, frames: unknown[], delay = 10): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const f of frames) {
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify(f)}\n\n`);
    await new Promise((ok) => setTimeout(ok, delay));
  }
  res.end('data: [DONE]\n\n');
}

function inferenceChat(r: Received, res: ServerResponse) {
  const body = (r.json ?? {}) as { model?: string; stream?: boolean };
  const model = body.model ?? 'unnamed';
  const base = { id: 'inf-1', created: 1_700_000_000, model };
  if (body.stream) {
    return sse(res, [
      {
        ...base,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: { role: 'assistant', content: 'Bon' } }],
      },
      { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'jour' } }] },
      { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    ]);
  }
  json(res, 200, {
    ...base,
    object: 'chat.completion',
    choices: [
      { index: 0, message: { role: 'assistant', content: `inference answer from ${model}` }, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
  });
}

/** Chat by model name (AI inference, the v1 API): refused as Azure refuses it, else answered. */
const modelChat = (emu: Emulator) => (r: Received, res: ServerResponse) => {
  const name = String((r.json as { model?: unknown } | undefined)?.model ?? '');
  const refused = chatRefusal(r.json, emu.models[name] ?? name, null);
  if (refused) return json(res, 400, refused);
  return inferenceChat(r, res);
};

function embeddingsOf(r: Received, res: ServerResponse) {
  const body = (r.json ?? {}) as { input?: unknown; model?: string };
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  json(res, 200, {
    object: 'list',
    model: body.model ?? 'unnamed',
    data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [index, 0.5, -0.5] })),
    usage: { prompt_tokens: 3, total_tokens: 3 },
  });
}

/** Azure OpenAI operations beyond chat and embeddings. */
export function addAzureOpenAIExtras(emu: Emulator): void {
  const dep = (op: string) => new RegExp(`^/openai/deployments/[^/]+/${op}$`);
  emu.route('POST', dep('extensions/chat/completions'), (_r, res) =>
    json(res, 200, {
      id: 'chatcmpl-ext',
      object: 'extensions.chat.completion',
      created: 1_700_000_000,
      model: 'emulated',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'grounded answer', context: { citations: [] } },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 20, completion_tokens: 2, total_tokens: 22 },
    }),
  );
  emu.route('POST', dep('completions'), (r, res) =>
    json(res, 200, {
      id: 'cmpl-1',
      object: 'text_completion',
      created: 1_700_000_000,
      model: 'emulated',
      choices: [
        {
          index: 0,
          text: ` completes "${(r.json as { prompt?: string }).prompt}"`,
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 },
    }),
  );
  emu.route('POST', dep('images/generations'), (r, res) =>
    json(res, 200, {
      created: 1_700_000_000,
      data: [{ url: 'https://images.example/1.png', revised_prompt: (r.json as { prompt?: string }).prompt }],
    }),
  );
  emu.route('POST', dep('audio/speech'), (r, res) => {
    const bytes = speechBytes(String((r.json as { input?: string }).input ?? ''));
    res.writeHead(200, { 'content-type': 'audio/mpeg' });
    // Two writes, so the kit has a real stream to pass on.
    res.write(bytes.subarray(0, bytes.length / 2));
    setTimeout(() => res.end(bytes.subarray(bytes.length / 2)), 10);
  });
  const audio = (r: Received, res: ServerResponse) =>
    json(res, 200, {
      text: `heard ${r.body.length} bytes sha256=${sha256(r.body)}`,
    });
  emu.route('POST', dep('audio/transcriptions'), audio);
  emu.route('POST', dep('audio/translations'), audio);
}

/** Azure AI model inference, at `<emulator>/models/...` (the inference endpoint's shape). */
export function addInference(emu: Emulator): void {
  emu.route('POST', /^\/models\/chat\/completions$/, modelChat(emu));
  emu.route('POST', /^\/models\/embeddings$/, embeddingsOf);
  emu.route('POST', /^\/models\/images\/embeddings$/, embeddingsOf);
  emu.route('GET', /^\/models\/info$/, (r, res) =>
    json(res, 200, {
      model_name: r.query.get('model') ?? 'Mistral-large',
      model_type: 'chat-completion',
      model_provider_name: 'Emulated',
    }),
  );
}

export const HOTELS = [
  { id: '1', title: 'Seaside Inn', content: 'Rooms by the sea', rating: 4 },
  { id: '2', title: 'Mountain Lodge', content: 'Skiing and hiking', rating: 5 },
  { id: '3', title: 'City Hotel', content: 'Close to the station', rating: 3 },
];

/** An index definition in the service's shape: fields, a vector profile, an Azure OpenAI vectorizer. */
export function indexDefinition(name: string, apiKey = '<redacted>') {
  const field = (f: Record<string, unknown>) => ({
    searchable: false,
    filterable: false,
    retrievable: true,
    stored: true,
    sortable: false,
    facetable: false,
    key: false,
    analyzer: null,
    dimensions: null,
    vectorSearchProfile: null,
    synonymMaps: [],
    ...f,
  });
  return {
    '@odata.context': 'https://emulated.search.windows.net/$metadata#indexes/$entity',
    '@odata.etag': '"0x8DCA1B2C3D4E5F6"',
    name,
    defaultScoringProfile: null,
    fields: [
      field({ name: 'id', type: 'Edm.String', key: true, filterable: true }),
      field({ name: 'title', type: 'Edm.String', searchable: true, analyzer: 'en.microsoft' }),
      field({ name: 'content', type: 'Edm.String', searchable: true }),
      field({ name: 'rating', type: 'Edm.Int32', filterable: true, sortable: true, facetable: true }),
      field({
        name: 'contentVector',
        type: 'Collection(Edm.Single)',
        searchable: true,
        dimensions: 3,
        vectorSearchProfile: 'default-profile',
      }),
    ],
    scoringProfiles: [],
    corsOptions: null,
    suggesters: [{ name: 'sg', searchMode: 'analyzingInfixMatching', sourceFields: ['title'] }],
    analyzers: [],
    tokenizers: [],
    tokenFilters: [],
    charFilters: [],
    normalizers: [],
    encryptionKey: null,
    similarity: { '@odata.type': '#Microsoft.Azure.Search.BM25Similarity', k1: null, b: null },
    semantic: null,
    vectorSearch: {
      algorithms: [
        { name: 'hnsw', kind: 'hnsw', hnswParameters: { metric: 'cosine', m: 4, efConstruction: 400, efSearch: 500 } },
      ],
      profiles: [{ name: 'default-profile', algorithm: 'hnsw', vectorizer: 'aoai', compression: null }],
      vectorizers: [
        {
          name: 'aoai',
          kind: 'azureOpenAI',
          azureOpenAIParameters: {
            resourceUri: 'https://emulated.openai.azure.com',
            deploymentId: 'text-embedding-3-small',
            apiKey,
            modelName: 'text-embedding-3-small',
            authIdentity: null,
          },
        },
      ],
      compressions: [],
    },
  };
}

/** An Azure AI Search service with three documents in each of its indexes, both URL styles. */
export function addSearch(emu: Emulator, indexes: readonly string[] = ['hotels', 'hotels-v2']): void {
  const results = (r: Received) => {
    const body = (r.json ?? {}) as { search?: string; top?: number; count?: boolean; vectorQueries?: unknown[] };
    const text = (body.search ?? r.query.get('search') ?? '*').toLowerCase();
    const hits = HOTELS.filter((h) => text === '*' || `${h.title} ${h.content}`.toLowerCase().includes(text));
    const value = (body.vectorQueries?.length ? HOTELS : hits).slice(0, body.top ?? 50);
    return {
      ...(body.count || r.query.get('$count') === 'true' ? { '@odata.count': value.length } : {}),
      value: value.map((h, i) => ({ '@search.score': 1 - i / 10, ...h })),
    };
  };
  const idx = "(?:/([^/('])+|\\('[^']+'\\))";
  emu.route('POST', new RegExp(`^/indexes${idx}/docs/(search|search\\.post\\.search)$`), (r, res) =>
    json(res, 200, results(r)),
  );
  emu.route('GET', new RegExp(`^/indexes${idx}/docs$`), (r, res) => json(res, 200, results(r)));
  emu.route('GET', new RegExp(`^/indexes${idx}/docs/\\$count$`), (_r, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(String(HOTELS.length));
  });
  emu.route('POST', new RegExp(`^/indexes${idx}/docs/(suggest|search\\.post\\.suggest)$`), (_r, res) =>
    json(res, 200, { value: HOTELS.map((h) => ({ '@search.text': h.title, id: h.id })) }),
  );
  emu.route('POST', new RegExp(`^/indexes${idx}/docs/(autocomplete|search\\.post\\.autocomplete)$`), (_r, res) =>
    json(res, 200, { value: [{ text: 'seaside', queryPlusText: 'seaside' }] }),
  );
  const lookup = (key: string, res: ServerResponse) => {
    const doc = HOTELS.find((h) => h.id === key);
    if (doc) json(res, 200, doc);
    else json(res, 404, { error: { code: 'NotFound', message: 'no such document' } });
  };
  emu.route('GET', new RegExp(`^/indexes${idx}/docs\\('[^']*'\\)$`), (r, res) =>
    lookup(decodeURIComponent(/docs\('([^']*)'\)$/.exec(r.path)?.[1] ?? ''), res),
  );
  emu.route('GET', new RegExp(`^/indexes${idx}/docs/(?!\\$count$)[^/]+$`), (r, res) =>
    lookup(decodeURIComponent(r.path.split('/').pop() ?? ''), res),
  );
  // The index definition, as the service answers it (secrets redacted by the service itself).
  emu.route('GET', /^\/indexes(?:\/([^/('"]+)|\('([^']+)'\))$/, (r, res) => {
    const m = /^\/indexes(?:\/([^/('"]+)|\('([^']+)'\))$/.exec(r.path);
    const name = decodeURIComponent(m?.[1] ?? m?.[2] ?? '');
    if (!r.query.get('api-version')) {
      return json(res, 400, {
        error: {
          code: '',
          message: "The request is invalid. Details: api-version : The 'api-version' query parameter is required.",
        },
      });
    }
    if (!indexes.includes(name)) {
      return json(res, 404, {
        error: { code: '', message: `No index with the name '${name}' was found in the service 'emulated'.` },
      });
    }
    json(res, 200, indexDefinition(name));
  });
  // Writes exist upstream too: a test proves the kit never lets one through.
  emu.route('POST', new RegExp(`^/indexes${idx}/docs/(index|search\\.index)$`), (_r, res) =>
    json(res, 200, { value: [] }),
  );
}

/** The Azure OpenAI v1 API (`/openai/v1/...`, model in the body). */
export function addOpenAIV1(emu: Emulator): void {
  emu.route('POST', /^\/openai\/v1\/chat\/completions$/, modelChat(emu));
  emu.route('POST', /^\/openai\/v1\/embeddings$/, embeddingsOf);
}
