/**
 * The renderer's only door to the kit: `window.kit`, the admin contract's
 * verbs (`kit.events.create(input)`, `kit.traffic.subscribe(fn)`), built from
 * the contract's method and stream names. No raw `ipcRenderer`, no channel strings in
 * the page. Imports stay zod-free so the bundled preload is a few kilobytes.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildKitClient, type KitClient } from '../shared/kit-api.js';
import { ADMIN_CHANNEL, type IpcResult } from './ipc-channels.js';

/** Errors cross the bridge as plain objects with the admin code, like the HTTP client's. */
export class KitCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** For invalid input: the problem of each field, by field name. */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'KitCallError';
  }
}

export function createKitClient(ipc: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'off'>): KitClient {
  return buildKitClient(
    async (method, input) => {
      const r = (await ipc.invoke(ADMIN_CHANNEL, method, input)) as IpcResult;
      if (!r.ok) throw new KitCallError(r.error.code, r.error.message, r.error.fields);
      return r.value;
    },
    (stream, listener) => {
      const wrapped = (_e: unknown, payload: unknown) => listener(payload);
      ipc.on(stream.channel, wrapped);
      return () => {
        ipc.off(stream.channel, wrapped);
      };
    },
  );
}

contextBridge.exposeInMainWorld('kit', createKitClient(ipcRenderer));
