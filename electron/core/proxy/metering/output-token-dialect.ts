/**
 * What each upstream accepts in an OpenAI-style JSON body, decided per
 * resource: one deployment name may be served by resources of different
 * kinds, models and api-versions, and a field one of them needs is refused by
 * another. Two things differ:
 *
 * - **The field that bounds a chat call's output.** Reasoning models
 *   (o-series, the gpt-5 family, codex) refuse `max_tokens` and take
 *   `max_completion_tokens`. Azure OpenAI takes `max_completion_tokens` on
 *   the v1 API and on dated api-versions from 2024-09-01-preview on; older
 *   dated api-versions refuse it and take `max_tokens`. Local
 *   OpenAI-compatible servers (Ollama, LM Studio, llama.cpp) and the Azure AI
 *   inference API know `max_tokens`; Ollama drops `max_completion_tokens`
 *   without a word, so a limit sent there under that name would not hold.
 *   The playground takes both.
 * - **`stream_options`**, which Azure OpenAI refuses on api-versions before
 *   2024-08-01 and the Azure AI inference API refuses outright.
 *
 * The model family comes from the resource's `model`, else from the name
 * upstream knows the deployment by (`upstreamDeployment`, then `deployment`).
 */
import type { Resource } from '../../../../shared/types.js';

export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

export type ChatLimitField = 'max_tokens' | 'max_completion_tokens';
export const chatLimitFields: readonly ChatLimitField[] = ['max_tokens', 'max_completion_tokens'];

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

/** Azure OpenAI answers 400 to `stream_options` on api-versions before 2024-08-01. */
export const acceptsStreamOptions = (apiVersion: string | null | undefined): boolean =>
  !datedBefore(apiVersion, '2024-08-01');

/** Azure OpenAI answers 400 to `max_completion_tokens` on api-versions before 2024-09-01-preview. */
export const acceptsMaxCompletionTokens = (apiVersion: string | null | undefined): boolean =>
  !datedBefore(apiVersion, '2024-09-01');

/**
 * The api-version an Azure OpenAI resource is sent for a call on `path`, as
 * the families build it: deployment and other `/openai/...` routes carry the
 * client's (else the resource's, else the kit's default); the v1 API passes
 * the client's query, which holds no dated version; routes of other
 * families (AI inference) use the resource's own.
 */
export function azureApiVersion(path: string, query: URLSearchParams, r: Resource): string | null {
  if (path.startsWith('/openai/v1/')) return query.get('api-version');
  if (path.startsWith('/openai/')) return query.get('api-version') ?? r.apiVersion ?? DEFAULT_AZURE_API_VERSION;
  return r.apiVersion ?? DEFAULT_AZURE_API_VERSION;
}

export interface ChatDialect {
  /** Where a cap goes when the request sets none, and where a refused field's value is moved. */
  field: ChatLimitField;
  /** The limit fields this upstream honours; any other is moved to `field`. */
  accepts: readonly ChatLimitField[];
  /** A stream may ask for `stream_options.include_usage`. */
  streamOptions: boolean;
}

const completionOnly: readonly ChatLimitField[] = ['max_completion_tokens'];
const tokensOnly: readonly ChatLimitField[] = ['max_tokens'];

/** What one resource accepts for a chat call sent with `apiVersion` (see `azureApiVersion`). */
export function chatDialect(r: Resource, apiVersion: string | null): ChatDialect {
  const reasoning = isReasoningModel(modelOf(r));
  switch (r.kind) {
    case 'azure-openai': {
      const streamOptions = acceptsStreamOptions(apiVersion);
      if (reasoning) return { field: 'max_completion_tokens', accepts: completionOnly, streamOptions };
      return acceptsMaxCompletionTokens(apiVersion)
        ? { field: 'max_completion_tokens', accepts: chatLimitFields, streamOptions }
        : { field: 'max_tokens', accepts: tokensOnly, streamOptions };
    }
    case 'azure-inference':
      return reasoning
        ? { field: 'max_completion_tokens', accepts: completionOnly, streamOptions: false }
        : { field: 'max_tokens', accepts: tokensOnly, streamOptions: false };
    case 'playground':
      return { field: 'max_completion_tokens', accepts: chatLimitFields, streamOptions: true };
    default:
      // OpenAI-compatible: OpenAI itself for a reasoning model, else what local servers know.
      return reasoning
        ? { field: 'max_completion_tokens', accepts: completionOnly, streamOptions: true }
        : { field: 'max_tokens', accepts: tokensOnly, streamOptions: true };
  }
}
