/**
 * The console's way to the kit, and the only module here that talks to it:
 * in the desktop app, the preload's `window.kit` (IPC); in a browser, the same
 * verbs over the loopback HTTP binding and the SSE traffic stream, with the
 * admin token taken from the URL fragment. Both are typed by the contract.
 */
import { buildKitApi, type KitClient } from '../../shared/kit-api';
import type { TrafficRecord } from '../../shared/types';
import { sseFrames } from './lib/sse';

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

const TOKEN_KEY = 'kit-admin-token';

function tokenFromUrl(): string {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    // Keep it for reloads of this tab only, and take it out of the address bar (and screenshots).
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
    return fromHash;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function httpClient(): KitClient {
  const token = tokenFromUrl();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const api = buildKitApi(async (method, input) => {
    let r: Response;
    try {
      r = await fetch(`/admin/api/${method}`, { method: 'POST', headers, body: JSON.stringify(input) });
    } catch {
      throw new AdminError('offline', 'The kit is not answering. Is it still running?');
    }
    const body = await r.json().catch(() => undefined);
    if (!r.ok) {
      if (r.status === 401)
        throw new AdminError(
          'unauthorized',
          'This console needs the admin link printed by the kit (it carries a token).',
        );
      throw new AdminError(body?.error?.code ?? 'error', body?.error?.message ?? `The kit answered ${r.status}.`);
    }
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
              const reader = r.ok ? r.body?.pipeThrough(new TextDecoderStream()).getReader() : undefined;
              const feed = sseFrames((data) => {
                try {
                  listener(JSON.parse(data) as TrafficRecord[]);
                } catch {
                  // A frame that is not a batch (a future event type) is skipped.
                }
              });
              while (reader) {
                const { value, done } = await reader.read();
                if (done) break;
                feed(value);
              }
            } catch {
              // Reconnect below.
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
export const isDesktop = window.kit !== undefined;
