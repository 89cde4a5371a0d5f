/**
 * Sends a proxied request upstream and streams the answer back: the one path
 * every API family goes through. In order: `prepare` (the event's output cap
 * and stream usage, checked once), `admit` (the daily cap and token budget,
 * for a metered call: a POST to a model, search or agent service), then the
 * resources behind the deployment name in balanced order, each sent a body
 * `fitBody` made for it, failing over on connect errors, timeouts, 429 and
 * 5xx while nothing has reached the client yet and resting a throttled
 * resource until the deadline it asked for; `relay` streams the answer and
 * `settle` books what it cost. The attendee's key never leaves; the
 * resource's credential is added. A client that goes away aborts upstream.
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Resource } from '../../../../shared/types.js';
import { KitError, toKitError } from '../../errors.js';
import { mayCarryObjectUsage } from '../objects/object-usage.js';
import type { ResourceCapacity } from '../upstream/capacity.js';
import type { Leave } from '../upstream/fair-queue.js';
import { retryDeadline } from '../upstream/health.js';
import { admit } from './admit.js';
import { rankCandidates } from './balance.js';
import type { ProxyCall } from './call.js';
import { exchange, type UpstreamAnswer } from './exchange.js';
import type { ForwardPlan } from './plan.js';
import { fitBody, prepare } from './prepare.js';
import { type RelayOutcome, relay, upstreamFailure } from './relay.js';
import { settle } from './settle.js';
import { splitUrl, type UpstreamRequest, upstreamHeaders } from './upstream-request.js';

export type { ForwardPlan, UpstreamRequest };

const retryableStatus = (s: number) => s === 429 || s >= 500;

export async function forward(call: ProxyCall, plan: ForwardPlan): Promise<void> {
  call.record.deployment = plan.deployment;
  if (plan.candidates.length === 0) {
    throw new KitError('deployment_not_found', `No enabled resource serves "${plan.deployment}".`);
  }
  const ready = prepare(call, plan);
  const prepared = ready instanceof Promise ? await ready : ready;
  const { metered } = prepared;
  const { upstream, now } = call.deps;
  // The prompt's size stands in for its tokens until upstream reports usage (about 4 bytes of JSON a token).
  const admitting = metered ? admit(call.deps, call.caller, plan.deployment, () => call.bodyBytes / 4) : undefined;
  const admitted = admitting instanceof Promise ? await admitting : admitting;
  if (admitted?.ticket) applyRateHeaders(call, admitted.ticket.headers);
  const order = rankCandidates(plan.candidates, (id) => upstream.health.coolDownUntil(id), now(), upstream.random);
  const attempts = Math.min(order.length, upstream.maxAttempts);

  let dispatched = false;
  let outcome: RelayOutcome | undefined;
  let failure: KitError | undefined;
  try {
    for (let i = 0; i < attempts; i++) {
      const resource = withRoomFirst(order, i, upstream.capacity);
      call.record.resourceId = resource.id;
      // A resource with a limit of calls in flight: this call waits its turn (attendees in rotation).
      let leave: Leave | undefined;
      if (resource.maxInFlight) {
        const entered = upstream.capacity.enter(resource, call.caller.attendee.id, call.signal);
        try {
          leave = entered instanceof Promise ? await entered : entered;
        } catch (e) {
          if (e === 'aborted') return;
          throw e;
        }
      }
      try {
        const stripUsage = fitBody(call, prepared, resource);
        const req = plan.build(resource);
        let headers: Record<string, string>;
        try {
          const credential = upstream.credentialHeaders(resource);
          headers = upstreamHeaders(call.req.headers, credential instanceof Promise ? await credential : credential);
          if (req.headers) Object.assign(headers, req.headers);
        } catch (e) {
          failure = toKitError(e);
          upstream.health.failed(resource.id, failure.message, now());
          continue;
        }
        const body = req.body !== undefined ? req.body : (call.bodyIfRead() ?? (await call.body()));
        const replayable = !(body instanceof Readable);
        const last = i === attempts - 1 || !replayable;
        const url = splitUrl(req.url);
        dispatched = true;
        let response: UpstreamAnswer;
        try {
          const sending: Dispatcher.DispatchOptions = {
            origin: url.origin,
            path: url.path,
            method: (req.method ?? call.req.method ?? 'GET') as Dispatcher.HttpMethod,
            headers,
            body,
          };
          if (req.idleTimeoutMs !== undefined) sending.bodyTimeout = req.idleTimeoutMs;
          response = await exchange(upstream.dispatcher, sending, call.signal);
        } catch (e) {
          if (call.signal.aborted) return;
          failure = upstreamFailure(e, resource);
          const code = (e as { code?: string }).code;
          upstream.health.failed(resource.id, `${failure.code}${code ? ` (${code})` : ''}`, now());
          if (last) break;
          continue;
        }
        const status = response.statusCode;
        if (status === 429) {
          const until = retryDeadline(response.headers, now()) ?? now() + upstream.throttleMs;
          upstream.health.throttled(resource.id, until, `HTTP 429 throttled by upstream`, now());
        } else if (status >= 500) {
          upstream.health.failed(resource.id, `HTTP ${status} from upstream`, now());
        } else {
          upstream.health.succeeded(resource.id);
        }
        if (retryableStatus(status) && !last) {
          // Nothing reached the client yet: drop this answer and try the next resource.
          await response.dump();
          continue;
        }
        call.record.ttfbMs = now() - call.started;
        try {
          outcome = await relay(call, response, {
            stripUsage,
            hook: plan.respond?.(resource, response.statusCode, response.headers),
            ownedUsage: mayCarryObjectUsage(call.path),
          });
        } catch (e) {
          // Whatever failed (a hook, a rewrite) may have left the answer unread: let its connection go.
          response.destroy();
          throw e;
        }
        if (outcome.brokenCode) {
          upstream.health.failed(resource.id, `${outcome.brokenCode} after the response started`, now());
        }
        return;
      } finally {
        leave?.();
      }
    }
    throw failure ?? new KitError('upstream_unavailable', `No resource behind "${plan.deployment}" could be reached.`);
  } finally {
    const booked = settle(call, plan.deployment, admitted, dispatched, outcome);
    if (booked) await booked;
  }
}

/**
 * The resource to try at `i`: the ranked one, unless it has a limit of calls in flight with no room left
 * and a later candidate has room, which then swaps in (the full one keeps its place for a later attempt).
 */
function withRoomFirst(order: Resource[], i: number, capacity: ResourceCapacity): Resource {
  const r = order[i] as Resource;
  if (!r.maxInFlight || capacity.hasRoom(r)) return r;
  for (let j = i + 1; j < order.length; j++) {
    const other = order[j] as Resource;
    if (capacity.hasRoom(other)) {
      order[i] = other;
      order[j] = r;
      return other;
    }
  }
  return r;
}

/** The attendee's own rate-limit headers go on whatever answer this call gets, errors included. */
function applyRateHeaders(call: ProxyCall, headers: Readonly<Record<string, string>>): void {
  let any = false;
  for (const k in headers) {
    call.res.setHeader(k, headers[k] as string);
    any = true;
  }
  call.ownRateHeaders = any;
}
