/**
 * Files and vector stores as the OpenAI API (and Azure OpenAI, and a
 * Foundry project) serve them, for the emulators (test fixtures): multipart
 * uploads with `purpose` checked, downloads byte for byte (refused for
 * purposes the service will not hand back), vector stores with their files,
 * file batches and a real (if simple) search over the uploaded text. Ids a
 * body names must exist, as upstream checks them.
 */
import type { ServerResponse } from 'node:http';
import { json, type Received } from './emulator.js';
import {
  apiError,
  body,
  type collections,
  fileOf,
  formOf,
  type ids,
  missing,
  notFoundError,
  now,
  type Obj,
  page,
  requireJson,
} from './openai-wire.js';

export interface Upload {
  id: string;
  bytes: Buffer;
  headers: Received['headers'];
  purpose: string;
  filename: string;
}

export interface FilesApiOptions {
  /** Azure gives assistant files `assistant-…` ids; OpenAI gives every file `file-…`. */
  idPrefix: (purpose: string) => string;
  purposes: readonly string[];
  /** Purposes whose content the service refuses to hand back. */
  undownloadable?: readonly string[];
}

export interface ObjectsContext {
  coll: ReturnType<typeof collections>;
  nextId: ReturnType<typeof ids>;
  uploads: Upload[];
}

const fileCounts = (files: Obj[]) => ({
  in_progress: 0,
  completed: files.length,
  failed: 0,
  cancelled: 0,
  total: files.length,
});

/** Relevance of a text to a query: the share of the query's words it contains. */
function score(text: string, query: string): number {
  const words = query.toLowerCase().split(/\W+/).filter(Boolean);
  if (!words.length) return 0;
  const hay = text.toLowerCase();
  return words.filter((w) => hay.includes(w)).length / words.length;
}

export function filesApi(ctx: ObjectsContext, opts: FilesApiOptions) {
  const { coll, nextId } = ctx;
  const files = coll('files');
  const stores = coll('vector_stores');
  const storeFiles = (vs: string) => coll(`vsfiles:${vs}`);

  /** The ids that do not exist, answered with the service's 404; true when all do. */
  const filesExist = (res: ServerResponse, fileIds: unknown[]): boolean => {
    const bad = fileIds.find((id) => typeof id !== 'string' || !files.has(id));
    if (bad === undefined) return true;
    apiError(res, 404, `No file found with id '${String(bad)}'.`, { param: 'file_id', code: 'not_found' });
    return false;
  };

  const attach = (vs: string, fileId: string, attributes: unknown): Obj => {
    const f = files.get(fileId) as Obj;
    const o = {
      id: fileId,
      object: 'vector_store.file',
      usage_bytes: f.bytes,
      created_at: now(),
      vector_store_id: vs,
      status: 'completed',
      last_error: null,
      chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } },
      attributes: attributes ?? {},
    };
    storeFiles(vs).set(fileId, o);
    const store = stores.get(vs) as Obj;
    store.file_counts = fileCounts([...storeFiles(vs).values()]);
    store.usage_bytes = [...storeFiles(vs).values()].reduce((n, x) => n + Number(x.usage_bytes), 0);
    return o;
  };

  async function upload(r: Received, res: ServerResponse) {
    const form = await formOf(r, res);
    if (!form) return;
    const file = fileOf(form, 'file');
    if (!file) return missing(res, 'file');
    const purpose = form.get('purpose');
    if (typeof purpose !== 'string') return missing(res, 'purpose');
    if (!opts.purposes.includes(purpose)) {
      return apiError(
        res,
        400,
        `'${purpose}' is not one of ${opts.purposes.map((p) => `'${p}'`).join(', ')} - 'purpose'`,
        {
          param: 'purpose',
          code: 'invalid_value',
        },
      );
    }
    if ((purpose === 'batch' || purpose === 'fine-tune') && !file.name.endsWith('.jsonl')) {
      return apiError(res, 400, `Invalid file format for ${purpose}. Must be .jsonl`, { param: 'file' });
    }
    const bytes = Buffer.from(await file.arrayBuffer());
    const id = nextId(opts.idPrefix(purpose));
    ctx.uploads.push({ id, bytes, headers: r.headers, purpose, filename: file.name });
    const o = {
      id,
      object: 'file',
      bytes: bytes.length,
      created_at: now(),
      filename: file.name,
      purpose,
      status: 'processed',
      status_details: null,
      expires_at: null,
    };
    files.set(id, o);
    json(res, 200, o);
  }

  async function onFiles(r: Received, res: ServerResponse, id?: string, content?: boolean) {
    if (!id) {
      if (r.method === 'POST') return upload(r, res);
      const purpose = r.query.get('purpose');
      return json(
        res,
        200,
        page(
          r,
          [...files.values()].filter((f) => !purpose || f.purpose === purpose),
        ),
      );
    }
    const f = files.get(id);
    if (!f) return notFoundError(res, `file with id '${id}'`);
    if (content) {
      if (r.method !== 'GET') return apiError(res, 405, 'Method not allowed.');
      if (opts.undownloadable?.includes(String(f.purpose))) {
        return apiError(res, 400, `Not allowed to download files of purpose: ${f.purpose}`);
      }
      const bytes = ctx.uploads.find((u) => u.id === id)?.bytes ?? Buffer.alloc(0);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
      // Two writes, so the kit has a real stream to pass on.
      res.write(bytes.subarray(0, bytes.length >> 1));
      res.end(bytes.subarray(bytes.length >> 1));
      return;
    }
    if (r.method === 'DELETE') {
      files.delete(id);
      return json(res, 200, { id, object: 'file', deleted: true });
    }
    if (r.method !== 'GET') return apiError(res, 405, 'Method not allowed.');
    json(res, 200, f);
  }

  function search(r: Received, res: ServerResponse, vs: string) {
    if (!requireJson(r, res)) return;
    const b = body(r);
    const query = Array.isArray(b.query) ? b.query.join(' ') : b.query;
    if (typeof query !== 'string' || !query) return missing(res, 'query');
    const max = Number(b.max_num_results ?? 10);
    if (!Number.isInteger(max) || max < 1 || max > 50) {
      return apiError(res, 400, 'max_num_results must be between 1 and 50.', { param: 'max_num_results' });
    }
    const hits = [...storeFiles(vs).values()]
      .map((vf) => {
        const up = ctx.uploads.find((u) => u.id === vf.id);
        const text = up?.bytes.toString('utf8') ?? '';
        return { file_id: vf.id, filename: up?.filename, score: score(text, query), attributes: vf.attributes, text };
      })
      .filter((h) => h.score > 0)
      .sort((a, b2) => b2.score - a.score)
      .slice(0, max)
      .map(({ text, ...h }) => ({ ...h, content: [{ type: 'text', text }] }));
    json(res, 200, {
      object: 'vector_store.search_results.page',
      search_query: [query],
      data: hits,
      has_more: false,
      next_page: null,
    });
  }

  function batches(r: Received, res: ServerResponse, vs: string, batchId?: string, rest?: string) {
    const all = coll(`batches:${vs}`);
    if (!batchId) {
      if (r.method !== 'POST' || !requireJson(r, res)) return;
      const b = body(r);
      const entries = Array.isArray(b.files)
        ? (b.files as Obj[]).map((f) => ({ id: f?.file_id, attributes: f?.attributes }))
        : Array.isArray(b.file_ids)
          ? (b.file_ids as unknown[]).map((id) => ({ id, attributes: b.attributes }))
          : undefined;
      if (!entries || (b.files && b.file_ids)) {
        return apiError(res, 400, "Exactly one of 'file_ids' or 'files' must be provided.", { param: 'file_ids' });
      }
      if (
        !filesExist(
          res,
          entries.map((e) => e.id),
        )
      )
        return;
      const batch = {
        id: nextId('vsfb_'),
        object: 'vector_store.files_batch',
        created_at: now(),
        vector_store_id: vs,
        status: 'completed',
        file_counts: fileCounts(entries as Obj[]),
        file_ids: entries.map((e) => attach(vs, String(e.id), e.attributes).id),
      };
      all.set(batch.id, batch);
      const { file_ids: _ids, ...shown } = batch;
      return json(res, 200, shown);
    }
    const batch = all.get(batchId);
    if (!batch) return notFoundError(res, `file batch with id '${batchId}'`);
    const { file_ids: fileIds, ...shown } = batch;
    if (rest === '/cancel' && r.method === 'POST') return json(res, 200, { ...shown, status: 'cancelled' });
    if (rest === '/files') {
      const mine = new Set(fileIds as string[]);
      return json(
        res,
        200,
        page(
          r,
          [...storeFiles(vs).values()].filter((f) => mine.has(String(f.id))),
        ),
      );
    }
    if (!rest && r.method === 'GET') return json(res, 200, shown);
    apiError(res, 404, 'Invalid URL.');
  }

  function vectorStore(r: Received, res: ServerResponse, id: string | undefined, rest: string) {
    if (!id) {
      if (r.method === 'GET') return json(res, 200, page(r, [...stores.values()]));
      if (!requireJson(r, res)) return;
      const b = body(r);
      const fileIds = (b.file_ids as unknown[] | undefined) ?? [];
      if (!filesExist(res, fileIds)) return;
      const o: Obj = {
        id: nextId('vs_'),
        object: 'vector_store',
        created_at: now(),
        name: b.name ?? '',
        usage_bytes: 0,
        file_counts: fileCounts([]),
        status: 'completed',
        expires_after: b.expires_after ?? null,
        expires_at: null,
        last_active_at: now(),
        metadata: b.metadata ?? {},
      };
      stores.set(o.id as string, o);
      for (const f of fileIds) attach(o.id as string, String(f), undefined);
      return json(res, 200, o);
    }
    const store = stores.get(id);
    if (!store) return notFoundError(res, `vector store with id '${id}'`);
    if (!rest) {
      if (r.method === 'DELETE') {
        stores.delete(id);
        return json(res, 200, { id, object: 'vector_store.deleted', deleted: true });
      }
      if (r.method === 'POST') {
        if (!requireJson(r, res)) return;
        const { name, metadata, expires_after } = body(r);
        Object.assign(store, name === undefined ? {} : { name }, metadata ? { metadata } : {});
        if (expires_after !== undefined) store.expires_after = expires_after;
      }
      return json(res, 200, store);
    }
    if (rest === '/search' && r.method === 'POST') return search(r, res, id);
    let m = /^\/file_batches(?:\/([^/]+)(\/cancel|\/files)?)?$/.exec(rest);
    if (m) return batches(r, res, id, m[1], m[2]);
    m = /^\/files(?:\/([^/]+)(\/content)?)?$/.exec(rest);
    if (!m) return apiError(res, 404, 'Invalid URL.');
    const [, fileId, content] = m;
    const attached = storeFiles(id);
    if (!fileId) {
      if (r.method === 'GET') return json(res, 200, page(r, [...attached.values()]));
      if (!requireJson(r, res)) return;
      const b = body(r);
      if (typeof b.file_id !== 'string') return missing(res, 'file_id');
      if (!filesExist(res, [b.file_id])) return;
      return json(res, 200, attach(id, b.file_id, b.attributes));
    }
    const vf = attached.get(fileId);
    if (!vf) return notFoundError(res, `file with id '${fileId}' in vector store '${id}'`);
    if (content) {
      const text = ctx.uploads.find((u) => u.id === fileId)?.bytes.toString('utf8') ?? '';
      return json(res, 200, {
        object: 'vector_store.file_content.page',
        data: [{ type: 'text', text }],
        has_more: false,
        next_page: null,
      });
    }
    if (r.method === 'DELETE') {
      attached.delete(fileId);
      store.file_counts = fileCounts([...attached.values()]);
      return json(res, 200, { id: fileId, object: 'vector_store.file.deleted', deleted: true });
    }
    if (r.method === 'POST') {
      if (!requireJson(r, res)) return;
      vf.attributes = body(r).attributes ?? {};
    }
    json(res, 200, vf);
  }

  /** Answers `path` (below the API root) if it is a files or vector-store path. */
  return async function handle(r: Received, res: ServerResponse, path: string): Promise<boolean> {
    let m = /^\/files(?:\/([^/]+)(\/content)?)?$/.exec(path);
    if (m) {
      await onFiles(r, res, m[1], Boolean(m[2]));
      return true;
    }
    m = /^\/vector_stores(?:\/([^/]+)(\/.*)?)?$/.exec(path);
    if (m) {
      vectorStore(r, res, m[1], m[2] ?? '');
      return true;
    }
    return false;
  };
}
