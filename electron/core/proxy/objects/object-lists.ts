/**
 * Lists of ownable objects, filtered to what the caller may see. Upstream
 * lists every attendee's objects, so one page may hold few (or none) of the
 * caller's: the kit asks for large pages and, when the client's page is not
 * full yet, follows the upstream cursor for a bounded number of pages. The
 * cursors it hands back (`first_id`, `last_id`) are always the caller's own
 * objects, so the next page starts right after what they saw.
 */
import type { Dispatcher } from 'undici';
import type { Resource } from '../../../../shared/types.js';
import { KitError } from '../../errors.js';
import type { Json, ProxyCall } from '../pipeline/call.js';
import { type ForwardPlan, forward } from '../pipeline/forward.js';
import { assertSafePath, type Target } from './object-calls.js';
import type { ObjectType } from './ownership.js';

/** The largest page the OpenAI-style list APIs give. */
const UPSTREAM_PAGE = 100;
/** Upstream pages read for one client page, at most. */
export const MAX_UPSTREAM_PAGES = 10;
const DEFAULT_LIMIT = 20;

type Respond = NonNullable<ForwardPlan['respond']>;
type IdOf = (item: Json) => unknown;

function parseList(body: Buffer | string): Json & { data: Json[] } {
  let v: Json;
  try {
    v = JSON.parse(typeof body === 'string' ? body : body.toString('utf8')) as Json;
  } catch {
    v = {};
  }
  // Never pass on a list the kit could not filter.
  if (!Array.isArray(v.data)) {
    throw new KitError('upstream_unavailable', 'The upstream answered a list in a shape the kit cannot filter.');
  }
  return v as Json & { data: Json[] };
}

function withQuery(url: string, set: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(set)) u.searchParams.set(k, v);
  return u.toString();
}

async function nextPage(call: ProxyCall, resource: Resource, url: string): Promise<Json & { data: Json[] }> {
  const u = new URL(url);
  let r: Dispatcher.ResponseData;
  try {
    r = await call.deps.upstream.dispatcher.request({
      origin: u.origin,
      path: u.pathname + u.search,
      method: 'GET',
      headers: { ...(await call.deps.upstream.credentialHeaders(resource)), accept: 'application/json' },
      signal: call.signal.asAbortSignal,
    });
  } catch {
    throw new KitError(
      'upstream_unavailable',
      `The upstream behind "${resource.deployment}" stopped answering a list.`,
    );
  }
  const text = await r.body.text();
  if (r.statusCode >= 300) {
    throw new KitError('upstream_unavailable', `The upstream behind "${resource.deployment}" refused a list page.`);
  }
  return parseList(text);
}

function pagedFilter(call: ProxyCall, type: ObjectType, idOf: IdOf, wanted: number, target: Target): Respond {
  const ownership = call.deps.ownership;
  // Paging backwards (`before`) is rare: filter the one page and stop.
  const forwardPaging = !call.query.has('before');
  return (resource, status) => {
    if (status < 200 || status >= 300) return undefined;
    return {
      async rewrite(body) {
        let page = parseList(body);
        const head = page;
        const seen: Json[] = [];
        for (let pages = 1; ; pages++) {
          for (const item of page.data) if (item && ownership.visible(call, type, idOf(item))) seen.push(item);
          const cursor = page.last_id ?? page.data.at(-1)?.id;
          if (seen.length > wanted || page.has_more !== true || !forwardPaging || typeof cursor !== 'string') break;
          if (seen.length === wanted || pages >= MAX_UPSTREAM_PAGES) break;
          page = await nextPage(
            call,
            resource,
            withQuery(target(call, resource), { limit: String(UPSTREAM_PAGE), after: cursor }),
          );
        }
        const data = seen.slice(0, wanted);
        const more = seen.length > wanted || (page.has_more === true && data.length > 0);
        const out: Json = { ...head, data, has_more: more };
        if ('first_id' in head || 'last_id' in head) {
          out.first_id = data[0]?.id ?? null;
          out.last_id = data.at(-1)?.id ?? null;
        }
        return Buffer.from(JSON.stringify(out));
      },
    };
  };
}

export async function listObjects(
  call: ProxyCall,
  type: ObjectType,
  home: Resource[],
  target: Target,
  idOf: IdOf = (item) => item.id,
): Promise<void> {
  assertSafePath(call.path);
  const asked = Number(call.query.get('limit'));
  const wanted = Number.isInteger(asked) && asked > 0 ? Math.min(asked, UPSTREAM_PAGE) : DEFAULT_LIMIT;
  await forward(call, {
    deployment: home[0]?.deployment ?? '',
    candidates: home.slice(0, 1),
    build: (r) => ({
      url: call.query.has('before') ? target(call, r) : withQuery(target(call, r), { limit: String(UPSTREAM_PAGE) }),
      body: null,
    }),
    respond: pagedFilter(call, type, idOf, wanted, target),
  });
}
