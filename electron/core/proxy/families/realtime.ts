/**
 * The Realtime API's paths answered over plain HTTP: they speak WebSocket
 * (`proxy/realtime/`, on the listener's `upgrade` event), so a GET without
 * an upgrade is told how to connect instead of "no such route".
 */
import { KitError } from '../../errors.js';
import type { ProxyRoute } from '../route.js';

const speaksWebSocket = async (): Promise<void> => {
  throw new KitError(
    'invalid_request',
    'The Realtime API speaks WebSocket: connect with a WebSocket client (the openai SDK’s OpenAIRealtimeWS, or new WebSocket(url, ["realtime", "openai-insecure-api-key.<key>"]) in a browser).',
  );
};

export const realtimeRoutes: ProxyRoute[] = [
  { method: 'GET', path: '/openai/realtime', handler: speaksWebSocket },
  { method: 'GET', path: '/openai/v1/realtime', handler: speaksWebSocket },
];
