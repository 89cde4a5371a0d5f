/**
 * Fits the request body to the event and to each upstream before it is sent:
 * the output-token cap checked once per call, then per resource the field the
 * cap goes in and the kit's request for stream usage (`stream_options`),
 * taken back for a resource that refuses it. `forward` calls `prepare` once
 * and `fitBody` before every attempt, so a failover gets a body that fits it.
 */
import type { ChatDialect } from '../../../../shared/resource-kinds/model-names.js';
import { kindOf } from '../../../../shared/resource-kinds/table.js';
import type { Resource } from '../../../../shared/types.js';
import {
  type CappedOperation,
  checkOutputTokens,
  fitOutputLimit,
  operationOf,
  streamsChunks,
} from '../metering/limits.js';
import type { Json, ProxyCall } from './call.js';
import type { ForwardPlan } from './plan.js';

export interface Prepared {
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
export function prepare(call: ProxyCall, plan: ForwardPlan): Prepared | Promise<Prepared> {
  // An explicit operation parses the body; a path default applies only to a body the family already parsed.
  // (A promise only when the body is still to be read: most families parsed it to route the call.)
  if (plan.operation && !call.parsedJson) return call.json().then(() => prepareParsed(call, plan));
  return prepareParsed(call, plan);
}

function prepareParsed(call: ProxyCall, plan: ForwardPlan): Prepared {
  const method = (call.req.method ?? 'GET').toUpperCase();
  const metered = plan.metered ?? (method === 'POST' && plan.candidates.some((r) => kindOf(r.kind).metered));
  const operation = plan.operation === false ? undefined : (plan.operation ?? operationOf(call.path));
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
export function fitBody(call: ProxyCall, p: Prepared, resource: Resource): boolean {
  const { json, operation } = p;
  if (!json || !operation) return false;
  let chat: ChatDialect | undefined;
  if (operation === 'chat' || p.askUsage) {
    const kind = kindOf(resource.kind);
    chat = kind.chat(resource, kind.sentApiVersion(call.path, call.query, resource));
  }
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
