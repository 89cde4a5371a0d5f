/** Azure AI Search: attendees query one index (the resource's deployment name), read-only. */
import { defineKind } from './descriptor.js';
import { upstreamName } from './model-names.js';

export const DEFAULT_SEARCH_API_VERSION = '2024-07-01';

export const azureSearch = defineKind({
  kind: 'azure-search',
  label: 'Azure AI Search',
  attendeeLabel: 'search index',
  capability: 'azure-ai-search',
  endpointHint: 'https://my-search.search.windows.net',
  deploymentLabel: 'Index name',
  deploymentHint: 'The index attendees query.',
  defaultApiVersion: DEFAULT_SEARCH_API_VERSION,
  entraScope: 'https://search.azure.com/.default',
  keyHeader: 'api-key',
  services: ['search'],
  probe: (r) => ({
    path: `/indexes/${encodeURIComponent(upstreamName(r))}/docs/$count?api-version=${encodeURIComponent(r.apiVersion ?? DEFAULT_SEARCH_API_VERSION)}`,
    method: 'GET',
  }),
});
