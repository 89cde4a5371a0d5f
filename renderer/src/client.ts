/**
 * The console's way to the kit, and the only module here that talks to it:
 * in the desktop app, the preload's `window.kit` (IPC); in a browser, the same
 * verbs over the loopback HTTP binding and the SSE traffic stream, with the
 * admin token taken from the URL fragment. Both are typed by the contract.
 */
import { buildKitClient, type KitClient } from '../../shared/kit-api';
import { type FileToSave, type KitShell, MAX_OPEN_BYTES, type PickedFile } from '../../shared/shell-api';
import { sseFrames } from './lib/sse';

declare global {
  interface Window {
    kit?: KitClient;
    kitShell?: KitShell;
  }
}

export class AdminError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** For invalid input: the problem of each field, by field name. */
    readonly fields?: Record<string, string>,
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
  return buildKitClient(
    async (method, input) => {
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
        const e = body?.error;
        throw new AdminError(e?.code ?? 'error', e?.message ?? `The kit answered ${r.status}.`, e?.fields);
      }
      return body;
    },
    (stream, listener) => {
      const ctl = new AbortController();
      void (async () => {
        while (!ctl.signal.aborted) {
          try {
            const r = await fetch(stream.path, { headers, signal: ctl.signal });
            const reader = r.ok ? r.body?.pipeThrough(new TextDecoderStream()).getReader() : undefined;
            const feed = sseFrames((data) => {
              try {
                listener(JSON.parse(data));
              } catch {
                // A frame that is not JSON (a future event type) is skipped.
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
  );
}

export const kit: KitClient = window.kit ?? httpClient();
export const isDesktop = window.kit !== undefined;

/** UTF-8 text (or bytes) as base64, for files that cross to the shell. */
export function toBase64(content: string | Uint8Array): string {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * Saves a file the organizer asked for: the desktop shell's save dialog, or a browser download in the
 * headless console. Resolves false when the organizer cancelled the dialog.
 */
export async function saveFile(file: FileToSave, mime: string): Promise<boolean> {
  if (window.kitShell) return (await window.kitShell.saveFile(file)).saved;
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes], { type: mime }));
  a.download = file.name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  return true;
}

/**
 * Lets the organizer pick a file: the shell's open dialog, or the browser's file picker headless.
 * @public The other half of the console's file API (beside `saveFile`), for screens that read a file back.
 */
export function openFile(filter: { extensions: string[]; label: string }): Promise<PickedFile | null> {
  if (window.kitShell) return window.kitShell.openFile(filter);
  return new Promise((resolve, reject) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = filter.extensions.map((e) => `.${e}`).join(',');
    input.addEventListener('change', () => {
      const f = input.files?.[0];
      if (!f) return resolve(null);
      if (f.size > MAX_OPEN_BYTES) return reject(new AdminError('too_large', 'That file is too large to be a backup.'));
      f.arrayBuffer().then(
        (buf) => resolve({ name: f.name, base64: toBase64(new Uint8Array(buf)) }),
        () => reject(new AdminError('unreadable', 'The browser could not read that file.')),
      );
    });
    input.addEventListener('cancel', () => resolve(null));
    input.click();
  });
}
