/**
 * Azure OpenAI: deployments under `/openai/deployments/{name}/…` with a dated
 * api-version, the v1 API under `/openai/v1`, and the dated object APIs
 * (files, vector stores, assistants, threads). Azure answers 400 to
 * `stream_options` on api-versions before 2024-08-01 and to
 * `max_completion_tokens` before 2024-09-01-preview; reasoning deployments
 * refuse `max_tokens` on every version.
 */
import { defineKind } from './descriptor.js';
import { byModelFamily, chatLimitFields, datedBefore, tokensOnly, upstreamName } from './model-names.js';

export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

/** Azure OpenAI answers 400 to `stream_options` on api-versions before 2024-08-01. */
export const acceptsStreamOptions = (apiVersion: string | null | undefined): boolean =>
  !datedBefore(apiVersion, '2024-08-01');

/** Azure OpenAI answers 400 to `max_completion_tokens` on api-versions before 2024-09-01-preview. */
export const acceptsMaxCompletionTokens = (apiVersion: string | null | undefined): boolean =>
  !datedBefore(apiVersion, '2024-09-01');

export const azureOpenAI = defineKind({
  kind: 'azure-openai',
  label: 'Azure OpenAI',
  attendeeLabel: 'Azure OpenAI',
  capability: 'openai-chat',
  endpointHint: 'https://my-resource.openai.azure.com',
  deploymentLabel: 'Deployment name',
  deploymentHint: 'The name attendees pass as the deployment, e.g. gpt-4o-mini.',
  namesModel: true,
  defaultApiVersion: DEFAULT_AZURE_API_VERSION,
  keyHeader: 'api-key',
  services: ['deployments', 'models', 'v1-objects', 'dated-objects', 'realtime'],
  wire: 'azure-openai',
  v1Root: '/openai/v1',
  datedSurface: true,
  /**
   * Deployment and other `/openai/...` routes carry the client's api-version
   * (else the resource's, else the default); the v1 API passes the client's
   * query, which holds no dated version; other families' routes (AI
   * inference) use the resource's own.
   */
  sentApiVersion(path, query, r) {
    if (path.startsWith('/openai/v1/')) return query.get('api-version');
    if (path.startsWith('/openai/')) return query.get('api-version') ?? r.apiVersion ?? DEFAULT_AZURE_API_VERSION;
    return r.apiVersion ?? DEFAULT_AZURE_API_VERSION;
  },
  chat: (r, apiVersion) =>
    byModelFamily(
      r,
      acceptsMaxCompletionTokens(apiVersion) ? chatLimitFields : tokensOnly,
      acceptsStreamOptions(apiVersion),
    ),
  probe(r) {
    const version = r.apiVersion ?? DEFAULT_AZURE_API_VERSION;
    // The limit in the field this deployment takes: a reasoning model refuses `max_tokens`.
    const field = azureOpenAI.chat(r, version).field;
    return {
      path: `/openai/deployments/${encodeURIComponent(upstreamName(r))}/chat/completions?api-version=${encodeURIComponent(version)}`,
      method: 'POST',
      body: JSON.stringify({ messages: [{ role: 'user', content: 'ping' }], [field]: 1 }),
    };
  },
});
