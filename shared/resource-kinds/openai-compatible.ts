/**
 * Any server that speaks OpenAI's API at its base URL: OpenAI itself, Ollama,
 * LM Studio, llama.cpp, vLLM. The model goes in the body under the name the
 * server knows; local servers know `max_tokens` only (Ollama drops
 * `max_completion_tokens` without a word). Sharing a deployment name with
 * Azure resources, it is the fallback, tried after them.
 */
import { defineKind } from './descriptor.js';

export const openAiCompatible = defineKind({
  kind: 'openai-compatible',
  label: 'OpenAI-compatible',
  attendeeLabel: 'OpenAI-compatible',
  capability: 'openai-chat',
  endpointHint: 'http://localhost:11434/v1',
  deploymentLabel: 'Model name',
  deploymentHint: 'OpenAI, Ollama, LM Studio, llama.cpp or vLLM model name.',
  namesModel: true,
  services: ['deployments', 'models', 'v1-objects'],
  wire: 'openai',
  fallback: true,
  probe: () => ({ path: '/models', method: 'GET' }),
});
