/**
 * The renderer's only door to the kit: `window.kit`, the admin contract's
 * verbs (`kit.events.create(input)`, `kit.traffic.subscribe(fn)`), built from
 * the contract's method names. No raw `ipcRenderer`, no channel strings in
 * the page. Imports stay zod-free so the bundled preload is a few kilobytes.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildKitApi, type KitClient } from '../shared/kit-api.js';
import type { TrafficRecord } from '../shared/types.js';
import { ADMIN_CHANNEL, type IpcResult, TRAFFIC_CHANNEL } from './ipc-channels.js';

/** Errors cross the bridge as plain objects with the admin code, like the HTTP client's. */
export class KitCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'KitCallError';
  }
}

export function createKitClient(ipc: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'off'>): KitClient {
  const api = buildKitApi(async (method, input) => {
    const r = (await ipc.invoke(ADMIN_CHANNEL, method, input)) as IpcResult;
    if (!r.ok) throw new KitCallError(r.error.code, r.error.message);
    return r.value;
  });
  return {
    ...api,
    traffic: {
      ...api.traffic,
      subscribe(listener: (batch: TrafficRecord[]) => void): () => void {
        const wrapped = (_e: unknown, batch: TrafficRecord[]) => listener(batch);
        ipc.on(TRAFFIC_CHANNEL, wrapped);
        return () => {
          ipc.off(TRAFFIC_CHANNEL, wrapped);
        };
      },
    },
  };
}

contextBridge.exposeInMainWorld('kit', createKitClient(ipcRenderer));
