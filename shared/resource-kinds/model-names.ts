/**
 * What the kit reads from a resource's names: the name upstream knows it by,
 * the model behind it, and whether that model is a reasoning model. Two facts
 * decide what a chat call may carry, and they differ between the resources
 * one deployment name may be served by:
 *
 * - **The field that bounds a chat call's output.** Reasoning models
 *   (o-series, the gpt-5 family, codex) refuse `max_tokens` and take
 *   `max_completion_tokens`; each kind's descriptor says what else it takes
 *   (old Azure api-versions refuse `max_completion_tokens`, local servers
 *   know only `max_tokens`).
 * - **`stream_options`**, which some upstreams refuse on some api-versions.
 *
 * The model family comes from the resource's `model`, else from the name
 * upstream knows the deployment by (`upstreamDeployment`, then `deployment`).
 */
import type { Resource } from '../types.js';

export type ChatLimitField = 'max_tokens' | 'max_completion_tokens';

/** What one upstream accepts in a chat call's body, decided per resource (see each kind's `chat`). */
export interface ChatDialect {
  /** Where a cap goes when the request sets none, and where a refused field's value is moved. */
  field: ChatLimitField;
  /** The limit fields this upstream honours; any other is moved to `field`. */
  accepts: readonly ChatLimitField[];
  /** A stream may ask for `stream_options.include_usage`. */
  streamOptions: boolean;
}

export const chatLimitFields: readonly ChatLimitField[] = ['max_tokens', 'max_completion_tokens'];
const completionOnly: readonly ChatLimitField[] = ['max_completion_tokens'];
const tokensOnly: readonly ChatLimitField[] = ['max_tokens'];

/** The name upstream knows the resource by. */
export const upstreamName = (r: Resource): string => r.upstreamDeployment || r.deployment;

/** The model a resource serves, as far as the kit can tell. */
export const modelOf = (r: Resource): string => r.model || r.upstreamDeployment || r.deployment;

/**
 * o1, o3-mini, o4-mini…, gpt-5, gpt-5-mini, gpt-5.1…, codex-mini, gpt-5-codex, as a whole word of the
 * name (`my-o3-mini` yes; `gpt-4o`, `gpt-35-turbo`, `gpt-4.1` no).
 */
const reasoningFamily = /(?:^|[^a-z0-9])(?:o[1-9](?![0-9])|gpt-?[5-9](?![0-9])|codex)/;

export const isReasoningModel = (model: string): boolean => reasoningFamily.test(model.toLowerCase());

/** True for a dated api-version (`2024-08-01-preview`) older than `date`; never for `v1`, `preview` or none. */
export function datedBefore(apiVersion: string | null | undefined, date: string): boolean {
  if (!apiVersion || !/^\d{4}-\d{2}-\d{2}/.test(apiVersion)) return false;
  return apiVersion.slice(0, 10) < date;
}

/** A reasoning model takes only `max_completion_tokens`; any other model what the upstream knows. */
export function byModelFamily(r: Resource, otherwise: readonly ChatLimitField[], streamOptions: boolean): ChatDialect {
  if (isReasoningModel(modelOf(r))) return { field: 'max_completion_tokens', accepts: completionOnly, streamOptions };
  const field = otherwise.includes('max_completion_tokens') ? 'max_completion_tokens' : 'max_tokens';
  return { field, accepts: otherwise, streamOptions };
}

/** OpenAI itself for a reasoning model, else what local servers know (Ollama drops `max_completion_tokens`). */
export const openAiStyleChat = (r: Resource): ChatDialect => byModelFamily(r, tokensOnly, true);

export { tokensOnly };
