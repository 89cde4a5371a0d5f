/**
 * Where each live stream of the admin contract (`shared/methods.ts`) comes
 * from in the kit, for both bindings: the loopback HTTP binding serves them
 * as server-sent events, the Electron IPC binding pushes them to the window.
 */
import type { StreamPayloads } from '../../../shared/contract.js';
import type { StreamName } from '../../../shared/methods.js';
import type { TrafficFeed } from '../traffic/feed.js';

export type StreamSources = {
  [S in StreamName]: (listener: (payload: StreamPayloads[S]) => void) => () => void;
};

export const streamSources = (feed: TrafficFeed): StreamSources => ({
  'traffic.subscribe': (listener) => feed.subscribe(listener),
});
