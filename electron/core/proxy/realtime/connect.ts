/**
 * Opens the upstream side of a realtime session across the resources behind
 * the deployment name, like an HTTP call: balanced order, the resource's own
 * credential (api-key or Entra bearer, scope
 * `https://cognitiveservices.azure.com/.default`), failover on connect
 * errors, timeouts, sign-in failures, 429 and 5xx (a 429 rests the resource
 * until the deadline it asked for), at most `maxAttempts` resources. The
 * attendee's key travels in none of it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Resource } from '../../../../shared/types.js';
import { KitError, toKitError } from '../../errors.js';
import { rankCandidates } from '../pipeline/balance.js';
import { retryDeadline } from '../upstream/health.js';
import type { Upstream } from '../upstream/upstream.js';
import { forwardedClientHeaders, type RealtimeForm } from './handshake.js';
import { realtimeUrl } from './target.js';
import { openUpstream, type UpstreamOpening } from './upstream-socket.js';

export interface ConnectRequest {
  form: RealtimeForm;
  deployment: string;
  candidates: Resource[];
  query: URLSearchParams;
  clientHeaders: IncomingHttpHeaders;
  protocols: readonly string[];
  cancelled: { aborted: boolean; onAbort(fn: () => void): void };
}

export type Connected =
  | { kind: 'open'; opening: Extract<UpstreamOpening, { kind: 'open' }>; resource: Resource; dispatched: true }
  | { kind: 'refused'; opening: Extract<UpstreamOpening, { kind: 'refused' }>; resource: Resource; dispatched: true }
  | { kind: 'failed'; error: KitError; resource?: Resource; dispatched: boolean };

export async function connectUpstream(upstream: Upstream, r: ConnectRequest, now: () => number): Promise<Connected> {
  const order = rankCandidates(r.candidates, (id) => upstream.health.coolDownUntil(id), now(), upstream.random);
  const attempts = Math.min(order.length, upstream.maxAttempts);
  const forwarded = forwardedClientHeaders(r.clientHeaders, r.protocols);
  let dispatched = false;
  let failure: KitError | undefined;
  let last: Resource | undefined;
  for (let i = 0; i < attempts; i++) {
    const resource = order[i] as Resource;
    last = resource;
    if (r.cancelled.aborted) break;
    let headers: Record<string, string>;
    try {
      const credential = upstream.credentialHeaders(resource);
      headers = { ...forwarded, ...(credential instanceof Promise ? await credential : credential) };
    } catch (e) {
      failure = toKitError(e);
      upstream.health.failed(resource.id, failure.message, now());
      continue;
    }
    dispatched = true;
    const opening = await openUpstream(realtimeUrl(upstream.base(resource), r.form, resource, r.query), {
      headers,
      handshakeMs: upstream.timeouts.connectMs,
      cancelled: r.cancelled,
      deployment: r.deployment,
    });
    if (opening.kind === 'open') {
      upstream.health.succeeded(resource.id);
      return { kind: 'open', opening, resource, dispatched };
    }
    const lastTry = i === attempts - 1;
    if (opening.kind === 'refused') {
      const status = opening.status;
      if (status === 429) {
        const until = retryDeadline(opening.headers, now()) ?? now() + upstream.throttleMs;
        upstream.health.throttled(resource.id, until, 'HTTP 429 throttled by upstream', now());
      } else if (status >= 500) {
        upstream.health.failed(resource.id, `HTTP ${status} from upstream`, now());
      } else {
        upstream.health.succeeded(resource.id);
      }
      if ((status === 429 || status >= 500) && !lastTry) continue;
      return { kind: 'refused', opening, resource, dispatched };
    }
    if (r.cancelled.aborted) break;
    failure = opening.error;
    upstream.health.failed(resource.id, `${failure.code}${opening.code ? ` (${opening.code})` : ''}`, now());
  }
  return {
    kind: 'failed',
    error:
      failure ??
      new KitError('upstream_unavailable', `No realtime resource behind "${r.deployment}" could be reached.`),
    ...(last ? { resource: last } : {}),
    dispatched,
  };
}
