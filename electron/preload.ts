/**
 * The renderer's only door to the kit: `window.kit`, the admin contract's
 * verbs (`kit.events.create(input)`, `kit.traffic.subscribe(fn)`), built from
 * the contract's method names. No raw `ipcRenderer`, no channel strings.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildKitApi } from '../shared/contract.js';
import type { TrafficRecord } from '../shared/types.js';

const ADMIN_CHANNEL = 'kit:admin';
const TRAFFIC_CHANNEL = 'kit:traffic';

type IpcResult = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

const api = buildKitApi(async (method, input) => {
  const r = (await ipcRenderer.invoke(ADMIN_CHANNEL, method, input)) as IpcResult;
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value;
});

contextBridge.exposeInMainWorld('kit', {
  ...api,
  traffic: {
    ...api.traffic,
    subscribe(listener: (batch: TrafficRecord[]) => void): () => void {
      const wrapped = (_e: unknown, batch: TrafficRecord[]) => listener(batch);
      ipcRenderer.on(TRAFFIC_CHANNEL, wrapped);
      return () => ipcRenderer.off(TRAFFIC_CHANNEL, wrapped);
    },
  },
});
