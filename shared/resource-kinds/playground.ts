/**
 * The built-in offline model: an in-process HTTP server on loopback that
 * speaks the OpenAI API, so it goes through exactly the same path as a real
 * upstream. It takes both output-token fields and `stream_options`.
 */
import { defineKind } from './descriptor.js';
import { chatLimitFields } from './model-names.js';

export const PLAYGROUND_ENDPOINT = 'builtin:playground';

export const playground = defineKind({
  kind: 'playground',
  label: 'Playground (offline)',
  attendeeLabel: 'offline model',
  capability: 'openai-chat',
  endpointHint: '',
  deploymentLabel: 'Deployment name',
  deploymentHint: 'The built-in offline model answers under this name.',
  authModes: ['none'],
  builtinEndpoint: PLAYGROUND_ENDPOINT,
  services: ['deployments', 'models'],
  wire: 'openai',
  baseUrl(_r, env) {
    if (!env.playgroundOrigin) throw new Error('the playground is not running');
    return `${env.playgroundOrigin}/v1`;
  },
  chat: () => ({ field: 'max_completion_tokens', accepts: chatLimitFields, streamOptions: true }),
  probe: () => ({ path: '/models', method: 'GET' }),
});
