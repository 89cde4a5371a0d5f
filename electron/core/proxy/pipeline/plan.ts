/**
 * What a family asks `forward` to do with one call: the deployment name, the
 * resources that can serve it, how to build the request for each, and what
 * the call is for the event's limits and usage.
 */
import type { Resource } from '../../../../shared/types.js';
import type { CappedOperation } from '../metering/limits.js';
import type { AnswerHeaders } from './exchange.js';
import type { ResponseHook } from './relay.js';
import type { UpstreamRequest } from './upstream-request.js';

export interface ForwardPlan {
  /** The name the attendee asked for, for the traffic record and the usage count. */
  deployment: string;
  /** Resources that can serve it; `forward` picks the order. */
  candidates: Resource[];
  build(resource: Resource): UpstreamRequest;
  /**
   * Counts toward the daily cap and usage. Default: a POST, unless every
   * candidate is an MCP server (POSTs count; GETs, DELETEs and MCP traffic do not).
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
  respond?(resource: Resource, status: number, headers: AnswerHeaders): ResponseHook | undefined;
}
