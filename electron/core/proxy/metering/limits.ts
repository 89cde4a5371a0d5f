/**
 * The event's max-token cap, applied in the pipeline so every API family gets
 * it without per-route code: checked on whichever output-token field a
 * request carries, and applied on the way upstream, in the field that
 * upstream takes, when it sets none. (The daily request cap and token budget
 * are `pipeline/admit.ts`.)
 */

import { type ChatDialect, chatLimitFields } from '../../../../shared/resource-kinds/model-names.js';
import type { KitEvent } from '../../../../shared/types.js';
import { KitError } from '../../errors.js';
import type { Json, ProxyCall } from '../pipeline/call.js';

/** The body fields that bound a call's output, across the chat, legacy completion, responses and run APIs. */
export const outputTokenFields = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;
export type OutputTokenField = (typeof outputTokenFields)[number];

/** The operations whose output the event's cap bounds, each with its own body field. */
export type CappedOperation = 'chat' | 'completions' | 'responses' | 'runs';

/**
 * What an operation is, read from its path (below `/api/v1`), so a new
 * family's routes get the cap and stream usage without per-route code: chat
 * completions (on any family's path), legacy completions, the Responses API,
 * assistant runs.
 */
export function operationOf(path: string): CappedOperation | undefined {
  const p = path.endsWith('/') ? path.replace(/\/+$/, '') : path;
  if (p.endsWith('/chat/completions')) return 'chat';
  if (p.endsWith('/completions')) return 'completions';
  if (p.endsWith('/responses')) return 'responses';
  if (p.endsWith('/runs')) return 'runs';
  return undefined;
}

/** The one field each non-chat operation bounds its output with (chat's depends on the upstream: see each kind's `chat` in `shared/resource-kinds/`). */
const fixedField: Record<Exclude<CappedOperation, 'chat'>, OutputTokenField> = {
  completions: 'max_tokens',
  responses: 'max_output_tokens',
  runs: 'max_completion_tokens',
};

/** Chat and legacy completions stream OpenAI-style chunks and take `stream_options.include_usage`. */
export const streamsChunks = (op: CappedOperation | undefined): boolean => op === 'chat' || op === 'completions';

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Refuses any output-token field above the event's cap (400 `max_tokens_exceeded`). */
export function checkOutputTokens(event: KitEvent, json: Json): void {
  const cap = event.maxTokenCap;
  if (!(cap > 0)) return;
  for (const field of outputTokenFields) {
    const v = json[field];
    if (v !== undefined && v !== null && !isCount(v)) {
      // Not a number: the cap cannot be judged, and upstream would refuse it anyway.
      throw new KitError('invalid_request', `${field} must be a whole number of tokens (this event's cap is ${cap}).`);
    }
    if (isCount(v) && v > cap) {
      throw new KitError(
        'max_tokens_exceeded',
        `${field} is ${v}, above this event's cap of ${cap} tokens per call. Ask for ${cap} or fewer.`,
      );
    }
  }
}

/**
 * Fits the body's output limit to the resource about to receive it (the cap
 * was checked on every field already, by `checkOutputTokens`). A chat field
 * the upstream would refuse, or ignore, is moved to the one it takes; a
 * request that sets none gets the event's cap in that field, so no single
 * call can exceed it. A body that already fits is left as the client sent
 * it. Called again for each resource a call fails over to: the edits are
 * made on the current body, so they hold whatever the last one did.
 */
export function fitOutputLimit(call: ProxyCall, json: Json, op: CappedOperation, chat: ChatDialect | undefined): void {
  const cap = call.caller.event.maxTokenCap;
  if (op !== 'chat' || !chat) {
    const field = op === 'chat' ? 'max_tokens' : fixedField[op];
    if (cap > 0 && !outputTokenFields.some((f) => isCount(json[f]))) call.setJsonMembers({ [field]: cap });
    return;
  }
  let kept = false;
  let moved: number | undefined;
  let edits: Json | undefined;
  for (const f of chatLimitFields) {
    const v = json[f];
    if (chat.accepts.includes(f)) {
      if (isCount(v)) kept = true;
    } else if (v !== undefined) {
      edits ??= {};
      edits[f] = undefined;
      if (isCount(v)) moved ??= v;
    }
  }
  if (!kept) {
    const value = moved ?? (cap > 0 ? cap : undefined);
    if (value !== undefined) {
      edits ??= {};
      edits[chat.field] = value;
    }
  }
  if (edits) call.setJsonMembers(edits);
}
