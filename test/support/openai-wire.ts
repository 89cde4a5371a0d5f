/**
 * The wire habits the OpenAI-style emulators share (test fixtures): the
 * error shape (`{"error":{"message","type","param","code"}}`, which the
 * OpenAI and Azure SDKs parse), cursor pages as the service pages them
 * (newest first, `after`, `limit`, capped), multipart parsing that refuses
 * what the service refuses, and deterministic ids.
 */
import type { ServerResponse } from 'node:http';
import { json, type Received } from './emulator.js';

export type Obj = Record<string, unknown>;

export const now = () => Math.floor(Date.now() / 1000);

export function apiError(
  res: ServerResponse,
  status: number,
  message: string,
  opts: { param?: string | null; code?: string | null; type?: string } = {},
): void {
  json(res, status, {
    error: {
      message,
      type: opts.type ?? 'invalid_request_error',
      param: opts.param ?? null,
      code: opts.code ?? null,
    },
  });
}

export const notFoundError = (res: ServerResponse, what: string) =>
  apiError(res, 404, `No ${what} found.`, { code: 'not_found' });

export const missing = (res: ServerResponse, param: string) =>
  apiError(res, 400, `Missing required parameter: '${param}'.`, { param, code: 'missing_required_parameter' });

export const list = (data: Obj[]) => ({
  object: 'list',
  data,
  first_id: (data[0]?.id as string) ?? null,
  last_id: (data.at(-1)?.id as string) ?? null,
  has_more: false,
});

/** Upstream pages hold at most this many items, whatever the client asks (real services cap them too). */
export const MAX_PAGE = 10;

/** An OpenAI-style cursor page: `order` (default newest first), `after`, `limit`. */
export function page(r: Received, all: Obj[]) {
  const ordered = r.query.get('order') === 'asc' ? all : [...all].reverse();
  const after = r.query.get('after');
  const start = after ? ordered.findIndex((o) => o.id === after) + 1 : 0;
  const limit = Math.min(Number(r.query.get('limit')) || 20, MAX_PAGE);
  const data = ordered.slice(start, start + limit);
  return { ...list(data), has_more: start + limit < ordered.length };
}

export const body = (r: Received) => (r.json ?? {}) as Obj;

/** A JSON operation refuses a body that is not JSON, as the service does. */
export function requireJson(r: Received, res: ServerResponse): boolean {
  if (String(r.headers['content-type'] ?? '').includes('json') && r.json !== undefined) return true;
  apiError(res, 400, 'We could not parse the JSON body of your request.', { code: 'invalid_json' });
  return false;
}

/**
 * The form of a multipart upload, or a 400 as the service answers when the
 * body is not multipart or does not parse.
 */
export async function formOf(r: Received, res: ServerResponse): Promise<FormData | undefined> {
  const ct = String(r.headers['content-type'] ?? '');
  if (!ct.startsWith('multipart/form-data')) {
    apiError(res, 400, `Invalid Content-Type header (${ct || 'none'}), expected multipart/form-data.`);
    return undefined;
  }
  try {
    return await new Response(new Uint8Array(r.body), { headers: { 'content-type': ct } }).formData();
  } catch {
    apiError(res, 400, 'The multipart body could not be parsed.', { code: 'invalid_multipart' });
    return undefined;
  }
}

/** A form's file part, or undefined (a plain field with that name is not a file). */
export const fileOf = (form: FormData, name: string): File | undefined => {
  const v = form.get(name);
  return typeof v === 'object' && v !== null ? (v as File) : undefined;
};

export function ids() {
  let n = 0;
  return (prefix: string) => `${prefix}${(++n).toString(36).padStart(6, '0')}`;
}

/** Reads a queued run or background response takes to finish: the first shows it in progress, the next done. */
export const READS_TO_FINISH = 2;

/**
 * Work that finishes over the next reads, as the service's runs and
 * background responses do: queued when created, `in_progress` after one
 * read, done (with its output and usage) after `READS_TO_FINISH`.
 */
export function progression() {
  const working = new Map<string, { left: number; start: () => void; finish: () => void }>();
  return {
    add(id: string, start: () => void, finish: () => void): void {
      working.set(id, { left: READS_TO_FINISH, start, finish });
    },
    /** Stops `id` where it is (a cancelled response). */
    stop(id: string): void {
      working.delete(id);
    },
    /** A read of `id` moves it on. */
    read(id: string | undefined): void {
      const w = id ? working.get(id) : undefined;
      if (!w) return;
      w.left -= 1;
      if (w.left > 0) {
        w.start();
        return;
      }
      working.delete(id as string);
      w.finish();
    },
  };
}

/** A map per collection name, made on first use. */
export function collections() {
  const all = new Map<string, Map<string, Obj>>();
  return (name: string): Map<string, Obj> => {
    let c = all.get(name);
    if (!c) {
      c = new Map();
      all.set(name, c);
    }
    return c;
  };
}
