/**
 * The `/api/v1` request handler: match the route table, authenticate the
 * attendee, run the family handler, and turn whatever went wrong into the
 * SDK-shaped error. Every request, refused or served, becomes one traffic
 * record when its response closes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { TrafficRecord } from '../../../../shared/types.js';
import { authenticate, type Caller } from '../../auth/attendee-auth.js';
import { KitError, sendError, toKitError } from '../../errors.js';
import type { ProxyDeps } from '../deps.js';
import type { ProxyRoute } from '../route.js';
import { proxyRoutes } from '../routes.js';
import { ProxyCall } from './call.js';
import { applyCors, checkOrigin } from './cors.js';

export const API_PREFIX = '/api/v1';

/**
 * Paths the kit refuses before routing: `.`/`..` segments (URL parsing would resolve them upstream) and
 * encoded slashes, backslashes or dots, which an upstream that decodes them would read as a way out of
 * the deployment, index or MCP server the attendee was given. No SDK puts any of these in a path.
 */
const traversal = /%2[ef]|%5c|\\|\/\.\.?(?:\/|$)/i;

export type ProxyHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createProxy(deps: ProxyDeps, routes: ProxyRoute[] = proxyRoutes): ProxyHandler {
  const router = FindMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 });
  const noop = () => undefined;
  for (const r of routes) router.on(r.method, API_PREFIX + r.path, noop, r);

  return async function handle(req, res) {
    // Browsers only: a preflight is answered here (no key, no traffic record); other calls get their headers.
    if ((req.method === 'OPTIONS' || req.headers.origin !== undefined) && applyCors(deps.store, req, res)) return;
    const started = deps.now();
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const pathname = qi === -1 ? url : url.slice(0, qi);
    let call: ProxyCall | undefined;
    let caller: Caller | undefined;
    let route = pathname;
    let errorCode: string | undefined;

    // `on`, not `once`: a response closes once, and `once` would wrap the listener in an object per request.
    res.on('close', () => {
      if (call && !res.writableFinished) call.signal.abort();
      // The call's own record is finished in place: the request is over, nothing else holds it.
      const record = (call?.record ?? {
        method: req.method ?? 'GET',
        route,
        path: pathname.slice(API_PREFIX.length) || '/',
        eventId: caller?.event.id,
        attendeeId: caller?.attendee.id,
        attendeeName: caller?.attendee.name,
      }) as Omit<TrafficRecord, 'id'>;
      record.at = new Date(started).toISOString();
      record.status = res.writableFinished ? res.statusCode : 499;
      record.durationMs = deps.now() - started;
      if (errorCode) record.errorCode = errorCode;
      deps.feed.push(record);
    });

    try {
      if (traversal.test(pathname)) {
        throw new KitError(
          'invalid_request',
          'The path has a dot segment, a backslash or an encoded slash or dot; the kit forwards none of these.',
        );
      }
      let match: ReturnType<typeof router.find>;
      try {
        match = router.find(req.method as HTTPMethod, pathname);
      } catch {
        match = null; // malformed percent-encoding and the like
      }
      if (!match) {
        throw new KitError(
          'route_not_found',
          `The kit has no ${req.method} ${pathname} route. The API lives under ${API_PREFIX}.`,
        );
      }
      const r = match.store as ProxyRoute;
      route = r.path;
      const found = authenticate(deps.store, req.headers, started, req.rawHeaders);
      // A promise only for the first call with a shared-code key (it registers its person).
      caller = found instanceof Promise ? await found : found;
      checkOrigin(caller.event, req.headers.origin);
      const query = new URLSearchParams(qi === -1 ? '' : url.slice(qi + 1));
      call = new ProxyCall(
        req,
        res,
        deps,
        caller,
        pathname.slice(API_PREFIX.length),
        match.params,
        query,
        started,
        r.path,
      );
      await r.handler(call);
    } catch (e) {
      const err = toKitError(e);
      errorCode = err.code;
      if (err.code === 'internal_error') console.error('[proxy] unexpected error on', route, e);
      sendError(res, err);
    }
  };
}
