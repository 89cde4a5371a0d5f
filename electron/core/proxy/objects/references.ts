/**
 * Ids an attendee names in a request body (`assistant_id`, `thread_id`,
 * `file_ids`, `vector_store_ids`, `previous_response_id`, `conversation`,
 * attachments, an `agent` reference…) must be their own or shared; anything
 * else is `not_found` before the request leaves. The walk is bounded in
 * depth and breadth so a hostile body cannot make it expensive, and a body
 * past the bounds is refused rather than forwarded unchecked.
 */
import type { Resource } from '../../../../shared/types.js';
import { KitError } from '../../errors.js';
import type { Json, ProxyCall } from '../pipeline/call.js';
import type { ObjectType } from './ownership.js';

const singleRef: Record<string, ObjectType> = {
  assistant_id: 'assistant',
  thread_id: 'thread',
  file_id: 'file',
  vector_store_id: 'vector_store',
  previous_response_id: 'response',
};
const listRef: Record<string, ObjectType> = {
  file_ids: 'file',
  vector_store_ids: 'vector_store',
};

/** Far beyond any real request shape; a body past them is refused, not waved through unchecked. */
const MAX_DEPTH = 64;
const MAX_NODES = 200_000;

export interface Reference {
  type: ObjectType;
  id: string;
}

/** Every reference in the body, in document order. */
export function referencesIn(body: Json): Reference[] {
  const out: Reference[] = [];
  let nodes = 0;
  const walk = (v: unknown, depth: number, topLevel: boolean): void => {
    if (v === null || typeof v !== 'object') return;
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) {
      throw new KitError(
        'invalid_request',
        'The request body is nested too deeply (or is too large) for the kit to check.',
      );
    }
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1, false);
      return;
    }
    for (const [k, x] of Object.entries(v as Json)) {
      const single = singleRef[k];
      if (single && typeof x === 'string') out.push({ type: single, id: x });
      else if (listRef[k] && Array.isArray(x)) {
        for (const id of x) if (typeof id === 'string') out.push({ type: listRef[k] as ObjectType, id });
      } else if (topLevel && k === 'conversation') {
        const id = typeof x === 'string' ? x : (x as { id?: unknown } | null)?.id;
        if (typeof id === 'string') out.push({ type: 'conversation', id });
      } else if (topLevel && k === 'agent') {
        const name = typeof x === 'string' ? x : (x as { name?: unknown } | null)?.name;
        if (typeof name === 'string') out.push({ type: 'agent', id: name });
      } else walk(x, depth + 1, false);
    }
  };
  walk(body, 0, true);
  return out;
}

/** Looks up the referenced objects this instance has not heard of yet (several instances on one database). */
export function prefetchReferences(call: ProxyCall, body: Json): Promise<unknown> | undefined {
  const ownership = call.deps.ownership;
  return ownership.looksUp ? ownership.prefetchAll(referencesIn(body)) : undefined;
}

/** Checks every reference; returns the resources they live on (first reference first). */
export function checkReferences(call: ProxyCall, body: Json): Resource[] {
  const ownership = call.deps.ownership;
  const resources: Resource[] = [];
  for (const ref of referencesIn(body)) {
    const { resource } = ownership.access(call, ref.type, ref.id);
    if (!resources.includes(resource)) resources.push(resource);
  }
  return resources;
}
