/**
 * The Electron IPC binding of the admin contract. One channel carries
 * `(method, input)`; the handler drops messages from any sender that is not
 * one of the app's own windows, then validates the input against the
 * contract like the HTTP binding does. The contract's streams (traffic, in the
 * feed's batches) are pushed to the window on their channels.
 */
import { type StreamName, streams } from '../shared/methods.js';
import { dispatchAdmin } from './core/admin/dispatch.js';
import type { Handlers } from './core/admin/service.js';
import { streamSources } from './core/admin/streams.js';
import { errorBody, KitError, toKitError } from './core/errors.js';
import type { TrafficFeed } from './core/traffic/feed.js';
import { ADMIN_CHANNEL, type IpcResult, TRAFFIC_CHANNEL } from './ipc-channels.js';

export { ADMIN_CHANNEL, TRAFFIC_CHANNEL };

/** The slice of Electron's ipcMain this binding needs (faked in tests). */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (
      event: { sender: { id: number }; senderFrame?: { url: string } | null },
      ...args: unknown[]
    ) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}

export interface WebContentsLike {
  id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export function bindAdminIpc(
  ipc: IpcMainLike,
  handlers: Handlers,
  isTrusted: (senderId: number, frameUrl?: string) => boolean,
): () => void {
  ipc.handle(ADMIN_CHANNEL, async (event, method, input): Promise<IpcResult> => {
    try {
      if (!isTrusted(event.sender.id, event.senderFrame?.url))
        throw new KitError('forbidden', 'This window may not call the kit.');
      if (typeof method !== 'string') throw new KitError('invalid_input', 'method must be a string.');
      return { ok: true, value: await dispatchAdmin(handlers, method, input) };
    } catch (e) {
      return { ok: false, error: JSON.parse(errorBody(toKitError(e))).error };
    }
  });
  return () => ipc.removeHandler(ADMIN_CHANNEL);
}

/** Pushes every stream of the contract to the window, each on its channel, until the returned function runs. */
export function pushTraffic(feed: TrafficFeed, target: WebContentsLike): () => void {
  const sources = streamSources(feed);
  const stops = (Object.keys(streams) as StreamName[]).map((name) =>
    sources[name]((payload) => {
      if (!target.isDestroyed()) target.send(streams[name].channel, payload);
    }),
  );
  return () => {
    for (const stop of stops) stop();
  };
}
