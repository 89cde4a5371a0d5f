/**
 * Azure AI Inference (a Foundry or AI services `/models` endpoint): chat and
 * embeddings with the model named in the body and an api-version in the
 * query. It refuses `stream_options` outright, and knows `max_tokens` except
 * for reasoning models.
 */
import { defineKind } from './descriptor.js';
import { byModelFamily, tokensOnly } from './model-names.js';

export const DEFAULT_INFERENCE_API_VERSION = '2024-05-01-preview';

export const azureInference = defineKind({
  kind: 'azure-inference',
  label: 'Azure AI Inference',
  attendeeLabel: 'AI inference',
  capability: 'azure-inference',
  endpointHint: 'https://my-resource.services.ai.azure.com/models',
  deploymentLabel: 'Model name',
  deploymentHint: 'The model attendees name in the request body.',
  namesModel: true,
  defaultApiVersion: DEFAULT_INFERENCE_API_VERSION,
  keyHeader: 'api-key',
  services: ['models', 'inference'],
  wire: 'azure-inference',
  chat: (r) => byModelFamily(r, tokensOnly, false),
  probe: (r) => ({
    path: `/info?api-version=${encodeURIComponent(r.apiVersion ?? DEFAULT_INFERENCE_API_VERSION)}`,
    method: 'GET',
  }),
});
