/**
 * The IPC channels and the result envelope, shared by the main-process
 * binding and the preload. Electron flattens thrown errors to strings, so
 * errors travel as values carrying the admin error code (and, for invalid
 * input, the problem of each field). Streams name their channels in the
 * contract (`shared/methods.ts`).
 */
import { streams } from '../shared/methods.js';

export const ADMIN_CHANNEL = 'kit:admin';
export const TRAFFIC_CHANNEL = streams['traffic.subscribe'].channel;

export type IpcResult =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string; fields?: Record<string, string> } };
