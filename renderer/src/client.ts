/**
 * The console's way to the kit: in the desktop app, the preload's `window.kit`
 * (IPC); in a browser, the same verbs over the loopback HTTP binding with the
 * admin token taken from the URL fragment. Both are typed by the contract.
 */
import { buildKitApi, type KitApi } from '../../shared/contract';
import type { TrafficRecord } from '../../shared/types';

export type KitClient = KitApi & {
  traffic: KitApi['traffic'] & { subscribe(listener: (batch: TrafficRecord[]) => void): () => void };
};

declare global {
  interface Window {
    kit?: KitClient;
  }
}

export class AdminError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function tokenFromUrl(): string {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem('kit-admin-token', fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem('kit-admin-token') ?? '';
}

function httpClient(): KitClient {
  const token = tokenFromUrl();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const api = buildKitApi(async (method, input) => {
    const r = await fetch(`/admin/api/${method}`, { method: 'POST', headers, body: JSON.stringify(input) });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new AdminError(body?.error?.code ?? 'error', body?.error?.message ?? `HTTP ${r.status}`);
    return body;
  });
  return {
    ...api,
    traffic: {
      ...api.traffic,
      subscribe(listener) {
        const ctl = new AbortController();
        void (async () => {
          while (!ctl.signal.aborted) {
            try {
              const r = await fetch('/admin/api/traffic/stream', { headers, signal: ctl.signal });
              const reader = r.body?.pipeThrough(new TextDecoderStream()).getReader();
              let buf = '';
              while (reader) {
                const { value, done } = await reader.read();
                if (done) break;
                buf += value;
                let i = buf.indexOf('\n\n');
                while (i !== -1) {
                  const frame = buf.slice(0, i);
                  buf = buf.slice(i + 2);
                  const data = frame.split('\n').find((l) => l.startsWith('data: '));
                  if (data) listener(JSON.parse(data.slice(6)) as TrafficRecord[]);
                  i = buf.indexOf('\n\n');
                }
              }
            } catch {
              // reconnect below
            }
            await new Promise((r) => setTimeout(r, 1000));
          }
        })();
        return () => ctl.abort();
      },
    },
  };
}

export const kit: KitClient = window.kit ?? httpClient();
