/**
 * The ownership rules shared by every family whose calls create or name
 * upstream objects (agents, assistants, threads, files, vector stores,
 * conversations, responses): create → record what was made before the
 * answer leaves; list → only the caller's (and shared) objects; a call on an
 * object (get, update, delete, any sub-path) → only the caller's, on the
 * resource that holds it; delete → forget the record.
 */
import type { Resource } from '../../../../shared/types.js';
import { KitError } from '../../errors.js';
import type { Json, ProxyCall } from '../pipeline/call.js';
import { eventResources } from '../pipeline/deployments.js';
import { type ForwardPlan, forward, type UpstreamRequest } from '../pipeline/forward.js';
import { type NewObject, type ObjectType, typeOfObject } from './ownership.js';
import { checkReferences, prefetchReferences } from './references.js';
import { SseObjectScanner } from './sse-objects.js';

export type Target = (call: ProxyCall, resource: Resource) => string;
type Respond = NonNullable<ForwardPlan['respond']>;

const ok = (status: number) => status >= 200 && status < 300;
const isSse = (headers: Record<string, unknown>) => String(headers['content-type'] ?? '').includes('text/event-stream');

/**
 * No path segment may step out of where it stands: `.`/`..`, or a slash or
 * backslash smuggled in percent-encoded, would let URL resolution upstream
 * land on an object the ownership check never saw.
 */
export function assertSafePath(path: string): void {
  for (const raw of path.split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      throw new KitError('invalid_request', 'The request path has malformed percent-encoding.');
    }
    if (seg === '.' || seg === '..' || (seg !== raw && /[/\\]/.test(seg))) {
      throw new KitError(
        'invalid_request',
        'The request path may not contain "." or ".." segments or encoded slashes.',
      );
    }
  }
}

/** The JSON body of a POST that has one; undefined for bodiless calls and non-JSON uploads. */
export async function optionalJson(call: ProxyCall): Promise<Json | undefined> {
  const method = call.req.method ?? 'GET';
  if (method === 'GET' || method === 'DELETE' || method === 'HEAD') return undefined;
  // Anything else (an empty POST like `cancel`) is forwarded as it came.
  if (!String(call.req.headers['content-type'] ?? '').includes('json')) return undefined;
  return (await call.body()).length === 0 ? undefined : call.json();
}

/** What a created object (or a streamed event) says was made. */
export function createdObjects(v: Json, fallback: ObjectType | undefined): Array<Omit<NewObject, 'resourceId'>> {
  if (v.object === 'thread.run' && typeof v.thread_id === 'string') return [{ type: 'thread', id: v.thread_id }];
  if (typeof v.type === 'string' && v.type.startsWith('response.')) {
    const r = v.response as Json | undefined;
    return typeof r?.id === 'string' ? [{ type: 'response', id: r.id }] : [];
  }
  const type = typeOfObject(v.object) ?? fallback;
  if (!type) return [];
  const id = type === 'agent' ? v.name : v.id;
  return typeof id === 'string' ? [{ type, id }] : [];
}

/**
 * Records what a successful create made: held JSON answers, or ids seen as a stream goes by. When the
 * record cannot be saved (a full disk), the caller never sees the id: a held answer becomes the
 * `store_unavailable` error, a stream ends with it as an SSE `error` event before the event that carries
 * the id. The object stays upstream, nobody's (no attendee can reach it through the kit); the kit log
 * names it so the organizer can delete it there.
 */
export function recordCreated(call: ProxyCall, fallback: ObjectType | undefined): Respond {
  const ownership = call.deps.ownership;
  return (resource, status, headers) => {
    if (!ok(status)) return undefined;
    const record = (found: Array<Omit<NewObject, 'resourceId'>>) =>
      found.length
        ? ownership
            .record(
              call,
              found.map((o) => ({ ...o, resourceId: resource.id })),
            )
            .catch((e: unknown) => {
              const what = found.map((o) => `${o.type} ${o.id}`).join(', ');
              console.error(`[ownership] not saved, so not handed out; left upstream on "${resource.name}": ${what}`);
              throw e;
            })
        : undefined;
    if (isSse(headers)) {
      const scanner = new SseObjectScanner();
      return {
        async chunk(c) {
          await record(scanner.push(c).flatMap((v) => createdObjects(v, undefined)));
          return undefined; // passed on unchanged
        },
      };
    }
    return {
      async rewrite(body) {
        let v: unknown;
        try {
          v = JSON.parse(body.toString('utf8'));
        } catch {
          return body; // nothing to record: the object stays nobody's
        }
        if (v && typeof v === 'object' && !Array.isArray(v)) await record(createdObjects(v as Json, fallback));
        return body;
      },
    };
  };
}

function forgetOnDelete(call: ProxyCall, type: ObjectType, id: string): Respond {
  return (_resource, status) =>
    ok(status) || status === 404
      ? {
          async rewrite(body) {
            // The object is gone upstream whatever the disk says: a record that cannot be removed now
            // (store_unavailable) only names an id that no longer exists, so the answer stays upstream's.
            await call.deps.ownership.forget(type, id).catch(() => undefined);
            return body;
          },
        }
      : undefined;
}

export function noResource(what: string, call: ProxyCall): KitError {
  const names = [...new Set(call.deps.store.resourcesOf(call.caller.event).map((r) => r.deployment))];
  return new KitError(
    'deployment_not_found',
    `This event offers no ${what}.${names.length ? ` It offers: ${names.join(', ')}.` : ''}`,
  );
}

/** The event's resources of the kinds that hold these objects, or `deployment_not_found`. */
export function homeResources(call: ProxyCall, kinds: readonly Resource['kind'][], what: string): Resource[] {
  const rs = eventResources(call, kinds);
  if (rs.length === 0) throw noResource(what, call);
  return rs;
}

export interface CreateOptions {
  type: ObjectType | undefined;
  /** Where a create that names no object of the caller's goes. */
  home: (call: ProxyCall, json: Json | undefined) => Resource[];
  target: Target;
  /** The body is an upload to stream (multipart), not JSON to check. */
  stream?: boolean;
  build?: (call: ProxyCall, r: Resource, json: Json | undefined) => UpstreamRequest;
}

export async function createObject(call: ProxyCall, opts: CreateOptions): Promise<void> {
  assertSafePath(call.path);
  const json = opts.stream ? undefined : await optionalJson(call);
  const lookup = json ? prefetchReferences(call, json) : undefined;
  if (lookup) await lookup;
  const referenced = json ? checkReferences(call, json) : [];
  // Objects named in the body pin the call to the resource that holds them.
  const candidates = referenced.length ? referenced.slice(0, 1) : opts.home(call, json);
  const body = opts.stream ? call.bodyStream() : undefined;
  await forward(call, {
    deployment: candidates[0]?.deployment ?? '',
    candidates,
    build: (r) => opts.build?.(call, r, json) ?? { url: opts.target(call, r), ...(body ? { body } : {}) },
    respond: recordCreated(call, opts.type),
  });
}

/** Get, update, delete or any sub-path of one object: only the caller's, on its own resource. */
export async function objectCall(call: ProxyCall, type: ObjectType, id: string, target: Target): Promise<void> {
  assertSafePath(call.path);
  const lookup = call.deps.ownership.prefetch(type, id);
  if (lookup) await lookup;
  const access = call.deps.ownership.access(call, type, id);
  const method = call.req.method ?? 'GET';
  const onObjectItself = !call.params['*'];
  if (access.shared && onObjectItself && method !== 'GET') {
    throw new KitError('forbidden', `"${id}" is shared by the organizer: it can be used, not changed or deleted.`);
  }
  const json = await optionalJson(call);
  if (json) {
    const named = prefetchReferences(call, json);
    if (named) await named;
    checkReferences(call, json);
  }
  await forward(call, {
    deployment: access.resource.deployment,
    candidates: [access.resource],
    build: (r) => ({ url: target(call, r), ...(json ? {} : { body: method === 'POST' ? undefined : null }) }),
    ...(method === 'DELETE' && onObjectItself ? { respond: forgetOnDelete(call, type, id) } : {}),
  });
}
