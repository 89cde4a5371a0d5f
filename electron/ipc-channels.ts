/**
 * The two IPC channels and the result envelope, shared by the main-process
 * binding and the preload. Electron flattens thrown errors to strings, so
 * errors travel as values carrying the admin error code.
 */
export const ADMIN_CHANNEL = 'kit:admin';
export const TRAFFIC_CHANNEL = 'kit:traffic';

export type IpcResult = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
