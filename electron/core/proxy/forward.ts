/**
 * Sends a proxied request upstream and streams the answer back. This is the
 * one path every API family goes through, so the event's limits and the
 * usage count live here: a metered call (a POST to a model, search or agent
 * service) is checked against the daily cap and token budget and counted;
 * output-token fields are held to the event's cap; a stream gets upstream to
 * report usage. Then the call tries the resources behind the deployment name
 * in balanced order, failing over on connect errors, timeouts, 429 and 5xx
 * while nothing has reached the client yet, and resting a throttled resource
 * until the deadline it asked for. The attendee's key never leaves; the
 * resource's credential is added. A client that goes away aborts upstream.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Resource } from '../../../shared/types.js';
import { KitError, toKitError } from '../errors.js';
import type { UsageSlot } from '../usage/ledger.js';
import { rankCandidates } from './balance.js';
import type { Json, ProxyCall } from './call.js';
import { azureApiVersion, chatDialect } from './dialect.js';
import {
  admit,
  type CappedOperation,
  checkOutputTokens,
  fitOutputLimit,
  operationOf,
  streamsChunks,
} from './limits.js';
import { countPolledUsage, firstSighting, mayCarryObjectUsage, recordTokens } from './object-usage.js';
import { type RelayOutcome, type ResponseHook, relay, upstreamFailure } from './relay.js';
import { estimateUsage } from './token-estimate.js';
import { retryDeadline } from './upstream/health.js';

export { MAX_HELD_RESPONSE_BYTES, type ResponseHook, relay, upstreamFailure } from './relay.js';

export interface UpstreamRequest {
  /** Absolute URL of the upstream operation, query included. */
  url: string;
  method?: string;
  /** Added to (and overriding) the forwarded client headers. */
  headers?: Record<string, string>;
  /** Defaults to the client's body as read (or edited) by the handler. A stream cannot be sent twice: no failover. */
  body?: Buffer | string | Readable | null;
  /**
   * The longest silence allowed between two response chunks, instead of the
   * kit's idle timeout; 0 for none (an MCP server's event stream may rightly
   * stay quiet for minutes).
   */
  idleTimeoutMs?: number;
}

export interface ForwardPlan {
  /** The name the attendee asked for, for the traffic record and the usage count. */
  deployment: string;
  /** Resources that can serve it; `forward` picks the order. */
  candidates: Resource[];
  build(resource: Resource): UpstreamRequest;
  /**
   * Counts toward the daily cap and usage. Default: a POST, unless every
   * candidate is an MCP server (DESIGN: POSTs count; GETs, DELETEs, MCP do not).
   */
  metered?: boolean;
  /**
   * What the call does, for the event's cap (applied in the field the
   * operation and each upstream take when the request sets none) and stream
   * usage. Default: read from the route's path (see `operationOf`); `false`
   * turns both off.
   */
  operation?: CappedOperation | false;
  /** The operation takes `stream_options.include_usage`: ask for usage on streams. Default: chat and completions. */
  streamOptions?: boolean;
  /**
   * Sees the upstream answer before the client does (ownership: record the
   * created object durably, filter a list, note ids arriving in a stream).
   * Called only for the answer that is relayed, never for one failed over.
   */
  respond?(resource: Resource, status: number, headers: Dispatcher.ResponseData['headers']): ResponseHook | undefined;
}

/** Client headers that must not travel upstream: hop-by-hop, the attendee's key, encodings we would have to undo. */
const dropRequestHeaders = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'api-key',
  'authorization',
  'accept-encoding',
  'content-length',
  'cookie',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'forwarded',
]);

export function upstreamHeaders(client: IncomingHttpHeaders, extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in client) {
    const v = client[k];
    if (v === undefined || dropRequestHeaders.has(k)) continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  for (const k in extra) out[k] = extra[k] as string;
  return out;
}

/**
 * An absolute URL's origin and path-with-query, without a WHATWG URL parse per
 * request: the base comes from a resource endpoint that was checked as a URL
 * when it was saved, and the path from a request line Node already accepted.
 */
export function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  const query = url.indexOf('?');
  const end = slash === -1 || (query !== -1 && query < slash) ? (query === -1 ? url.length : query) : slash;
  const rest = url.slice(end);
  return { origin: url.slice(0, end), path: rest.startsWith('/') ? rest : `/${rest}` };
}

const retryableStatus = (s: number) => s === 429 || s >= 500;

interface Prepared {
  metered: boolean;
  /** The parsed body, when limits or stream usage apply to it. */
  json?: Json;
  operation?: CappedOperation;
  /** A stream the kit may ask for usage on (where the resource takes `stream_options`). */
  askUsage: boolean;
  /** The client's own `stream_options`, to put back for a resource that refuses the kit's. */
  clientStreamOptions?: unknown;
  /** The kit's `stream_options` is in the body now. */
  usageAsked: boolean;
}

/** Limits that depend on the request body but not on the resource, checked once before any attempt. */
async function prepare(call: ProxyCall, plan: ForwardPlan): Promise<Prepared> {
  const method = (call.req.method ?? 'GET').toUpperCase();
  const metered = plan.metered ?? (method === 'POST' && !plan.candidates.every((r) => r.kind === 'mcp'));
  const operation = plan.operation === false ? undefined : (plan.operation ?? operationOf(call.path));
  // An explicit operation parses the body; a path default applies only to a body the family already parsed.
  if (plan.operation) await call.json();
  const json = call.parsedJson;
  if (!json) return { metered, askUsage: false, usageAsked: false };
  checkOutputTokens(call.caller.event, json);
  const so = json.stream_options;
  const clientAsked = !!so && typeof so === 'object' && (so as { include_usage?: unknown }).include_usage === true;
  const askUsage =
    operation !== undefined && json.stream === true && !clientAsked && (plan.streamOptions ?? streamsChunks(operation));
  return { metered, json, operation, askUsage, clientStreamOptions: so, usageAsked: false };
}

/**
 * Fits the body to the resource about to receive it: the output limit in
 * the field it takes, and the kit's request for stream usage where it takes
 * `stream_options` (taken back for one that does not). Returns whether the
 * usage chunk must be hidden from the client.
 */
function fitBody(call: ProxyCall, p: Prepared, resource: Resource): boolean {
  const { json, operation } = p;
  if (!json || !operation) return false;
  const chat =
    operation === 'chat' || p.askUsage
      ? chatDialect(
          resource,
          resource.kind === 'azure-openai' ? azureApiVersion(call.path, call.query, resource) : null,
        )
      : undefined;
  fitOutputLimit(call, json, operation, operation === 'chat' ? chat : undefined);
  if (!p.askUsage || !chat) return false;
  if (chat.streamOptions) {
    if (!p.usageAsked) {
      const so = p.clientStreamOptions;
      call.setJsonMembers({ stream_options: { ...(so && typeof so === 'object' ? so : {}), include_usage: true } });
      p.usageAsked = true;
    }
    return true;
  }
  if (p.usageAsked) {
    call.setJsonMembers({ stream_options: p.clientStreamOptions });
    p.usageAsked = false;
  }
  return false;
}

export async function forward(call: ProxyCall, plan: ForwardPlan): Promise<void> {
  call.record.deployment = plan.deployment;
  if (plan.candidates.length === 0) {
    throw new KitError('deployment_not_found', `No enabled resource serves "${plan.deployment}".`);
  }
  const prepared = await prepare(call, plan);
  const { metered } = prepared;
  const { upstream, now } = call.deps;
  const admitted = metered ? admit(call, plan.deployment) : undefined;
  const order = rankCandidates(plan.candidates, (id) => upstream.health.coolDownUntil(id), now(), upstream.random);
  const attempts = Math.min(order.length, upstream.maxAttempts);

  let dispatched = false;
  let outcome: RelayOutcome | undefined;
  let failure: KitError | undefined;
  try {
    for (let i = 0; i < attempts; i++) {
      const resource = order[i] as Resource;
      call.record.resourceId = resource.id;
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
      const body = req.body === undefined ? await call.body() : req.body;
      const replayable = !(body instanceof Readable);
      const last = i === attempts - 1 || !replayable;
      const url = splitUrl(req.url);
      dispatched = true;
      let response: Dispatcher.ResponseData;
      try {
        response = await upstream.dispatcher.request({
          origin: url.origin,
          path: url.path,
          method: (req.method ?? call.req.method ?? 'GET') as Dispatcher.HttpMethod,
          headers,
          body,
          signal: call.signal.asAbortSignal,
          ...(req.idleTimeoutMs !== undefined ? { bodyTimeout: req.idleTimeoutMs } : {}),
        });
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
        await response.body.dump().catch(() => undefined);
        continue;
      }
      call.record.ttfbMs = now() - call.started;
      outcome = await relay(call, response, {
        stripUsage,
        hook: plan.respond?.(resource, response.statusCode, response.headers),
        ownedUsage: mayCarryObjectUsage(call.path),
      });
      if (outcome.brokenCode) {
        upstream.health.failed(resource.id, `${outcome.brokenCode} after the response started`, now());
      }
      return;
    }
    throw failure ?? new KitError('upstream_unavailable', `No resource behind "${plan.deployment}" could be reached.`);
  } finally {
    if (admitted) await settle(call, admitted.slot, dispatched, outcome);
    else if (outcome) countPolledUsage(call, plan.deployment, outcome.read);
  }
}

/** Books the outcome of a metered call: a request never sent is taken back; tokens and errors are added. */
async function settle(
  call: ProxyCall,
  slot: UsageSlot,
  dispatched: boolean,
  outcome: RelayOutcome | undefined,
): Promise<void> {
  const { ledger } = call.deps;
  if (!dispatched) {
    ledger.uncountRequest(slot);
    return;
  }
  const status = call.res.headersSent ? call.res.statusCode : 0;
  const failed = !outcome || outcome.brokenCode !== undefined || status >= 400;
  if (failed && !outcome?.clientGone && !call.signal.aborted) ledger.countError(slot);
  if (!outcome || status >= 400) return;
  let usage = outcome.read.usage;
  // No usage from upstream: count what the tokenizer can see (a reply, or the input of an embedding).
  if (!usage && (outcome.read.completionText || /\/embeddings$/.test(call.path))) {
    try {
      const estimate = estimateUsage(call.parsedJson, outcome.read.completionText);
      usage = estimate instanceof Promise ? await estimate : estimate;
    } catch {
      usage = undefined;
    }
  }
  // A run or response shows its usage once it is over, maybe on a later poll: counted at the first sighting only.
  if (!usage || !firstSighting(call, outcome.read.owner)) return;
  recordTokens(call, usage);
  ledger.countTokens(slot, usage);
}
