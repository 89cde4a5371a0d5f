/**
 * The event's limits, applied in the pipeline so every API family gets them
 * without per-route code: the daily request cap and the optional daily token
 * budget (checked, and the request counted, when `forward` is about to send a
 * metered call upstream), and the max-token cap on whichever output-token
 * field a request carries (applied on the way upstream when it sets none).
 */
import type { KitEvent } from '../../../shared/types.js';
import { describeInstant } from '../auth/time-window.js';
import { KitError } from '../errors.js';
import type { EventDay, UsageSlot } from '../usage/ledger.js';
import type { Json, ProxyCall } from './call.js';

/** The body fields that bound a call's output, across the chat, legacy completion, responses and run APIs. */
export const outputTokenFields = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;
export type OutputTokenField = (typeof outputTokenFields)[number];

function untilMidnight(event: KitEvent, day: EventDay, now: number): { headers: Record<string, string>; when: string } {
  const seconds = Math.max(1, Math.ceil((day.endsAt - now) / 1000));
  return {
    headers: { 'retry-after': String(seconds) },
    when: describeInstant(new Date(day.endsAt).toISOString(), event.timeZone),
  };
}

/**
 * Refuses a metered call over the daily cap or token budget, else counts it.
 * Checking and counting happen together, synchronously, so concurrent calls
 * cannot all slip under the cap. Returns the day the call was counted on and the counters it books into.
 */
export function admit(call: ProxyCall, deployment: string): { day: EventDay; slot: UsageSlot } {
  const { event, attendee } = call.caller;
  const now = call.deps.now();
  const { ledger } = call.deps;
  const day = ledger.dayOf(event, now);
  const totals = ledger.totals(event.id, attendee.id, day.day);
  if (event.dailyRequestCap > 0 && totals.requests >= event.dailyRequestCap) {
    const { headers, when } = untilMidnight(event, day, now);
    throw new KitError(
      'daily_cap_reached',
      `You have used your ${event.dailyRequestCap} requests for today. The count resets at ${when}.`,
      headers,
    );
  }
  const budget = event.dailyTokenBudget ?? 0;
  if (budget > 0 && totals.totalTokens >= budget) {
    const { headers, when } = untilMidnight(event, day, now);
    throw new KitError(
      'token_budget_reached',
      `You have used your ${budget} tokens for today. The budget resets at ${when}.`,
      headers,
    );
  }
  const slot = ledger.slot(event.id, attendee.id, deployment, day.day);
  ledger.countRequest(slot);
  return { day, slot };
}

export interface OperationLimits {
  /** Where the event's cap goes when the request sets no output limit; false: nowhere. */
  outputTokenField?: OutputTokenField | false;
  /** The operation takes `stream_options.include_usage`. */
  streamOptions?: boolean;
}

/**
 * What an operation takes, read from its path (below `/api/v1`), so a new
 * family's routes get the cap and stream usage without per-route code:
 * chat and legacy completions use `max_tokens`; the Responses API
 * `max_output_tokens`; assistant runs `max_completion_tokens`. Only the
 * OpenAI-shaped chat/completions APIs get `stream_options` (the Azure AI
 * inference API refuses parameters it does not know).
 */
export function operationLimits(path: string): OperationLimits {
  const p = path.replace(/\/+$/, '');
  if (/\/responses$/.test(p)) return { outputTokenField: 'max_output_tokens' };
  if (/\/runs$/.test(p)) return { outputTokenField: 'max_completion_tokens' };
  if (/\/completions$/.test(p)) {
    return {
      outputTokenField: 'max_tokens',
      streamOptions: /^\/openai\/(v1|deployments\/[^/]+)\/(chat\/)?completions$/.test(p),
    };
  }
  return {};
}

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
 * For families: checks the request's output-token fields against the cap and,
 * when it sets none, writes the cap into `field` (the one this API uses) so no
 * single call can exceed it (see `ProxyCall.setJsonMembers`). Returns the
 * parsed body.
 */
export async function capOutputTokens(call: ProxyCall, field: OutputTokenField): Promise<Json> {
  const json = await call.json();
  const { event } = call.caller;
  checkOutputTokens(event, json);
  if (event.maxTokenCap > 0 && !outputTokenFields.some((f) => isCount(json[f]))) {
    call.setJsonMembers({ [field]: event.maxTokenCap });
  }
  return json;
}
