/**
 * A Foundry project: agents (classic assistants-style and named agents),
 * threads, runs, project files and vector stores, conversations and
 * responses, at the project endpoint with `api-version=v1`; it also serves
 * the OpenAI v1 API under `/openai/v1`.
 */
import { AI_FOUNDRY_SCOPE, defineKind } from './descriptor.js';

export const DEFAULT_AGENTS_API_VERSION = 'v1';

export const foundryAgents = defineKind({
  kind: 'foundry-agents',
  label: 'Foundry agents',
  attendeeLabel: 'agents',
  capability: 'foundry-agents',
  endpointHint: 'https://my-resource.services.ai.azure.com/api/projects/my-project',
  deploymentLabel: 'Model deployment',
  deploymentHint: 'The model deployment agents run on.',
  defaultApiVersion: DEFAULT_AGENTS_API_VERSION,
  entraScope: AI_FOUNDRY_SCOPE,
  services: ['agents'],
  v1Root: '/openai/v1',
  datedSurface: true,
  probe: (r) => ({
    path: `/assistants?limit=1&api-version=${encodeURIComponent(r.apiVersion ?? DEFAULT_AGENTS_API_VERSION)}`,
    method: 'GET',
  }),
});
