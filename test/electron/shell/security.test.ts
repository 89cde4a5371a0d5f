/** The desktop window's security rules, against fakes of Electron's web contents and session. */
import { describe, expect, it, vi } from 'vitest';
import {
  type ContentsLike,
  enableSecurity,
  hardenContents,
  isConsoleUrl,
  type SessionLike,
} from '../../../electron/shell/security.js';

const consoleUrl = 'file:///opt/kit/out/renderer/index.html';

function fakeContents() {
  const handlers = new Map<string, (...args: unknown[]) => void>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  const contents = {
    on: (name: string, fn: (...args: unknown[]) => void) => {
      handlers.set(name, fn);
      return contents;
    },
    setWindowOpenHandler: (fn: typeof openHandler) => {
      openHandler = fn;
    },
  };
  const fire = (name: string, url?: string) => {
    const event = { preventDefault: vi.fn() };
    handlers.get(name)?.(event, url);
    return event.preventDefault.mock.calls.length > 0;
  };
  return { contents: contents as unknown as ContentsLike, fire, open: (url: string) => openHandler?.({ url }) };
}

function fakeSession() {
  let request: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
  let check: ((wc: unknown, p: string) => boolean) | undefined;
  let headers: ((d: { responseHeaders?: Record<string, string[]> }, cb: (r: unknown) => void) => void) | undefined;
  const session = {
    setPermissionRequestHandler: (fn: typeof request) => {
      request = fn;
    },
    setPermissionCheckHandler: (fn: typeof check) => {
      check = fn;
    },
    webRequest: {
      onHeadersReceived: (fn: typeof headers) => {
        headers = fn;
      },
    },
  };
  return {
    session: session as unknown as SessionLike,
    ask: (p: string) => {
      let granted: boolean | undefined;
      request?.(undefined, p, (ok) => {
        granted = ok;
      });
      return granted;
    },
    check: (p: string) => check?.(undefined, p),
    headers: (h: Record<string, string[]>) => {
      let out: unknown;
      headers?.({ responseHeaders: h }, (r) => {
        out = r;
      });
      return out as { responseHeaders: Record<string, string[]> };
    },
  };
}

const opts = (openExternal = vi.fn()) => ({ consoleUrl, csp: "default-src 'none'", openExternal });

describe('navigation allow-list', () => {
  it('allows only the console document itself, any hash route', () => {
    expect(isConsoleUrl(`${consoleUrl}#/events`, consoleUrl)).toBe(true);
    expect(isConsoleUrl('file:///etc/passwd', consoleUrl)).toBe(false);
    expect(isConsoleUrl('https://evil.example/index.html', consoleUrl)).toBe(false);
    expect(isConsoleUrl('not a url', consoleUrl)).toBe(false);
  });

  it('prevents navigation and redirects away from the console, and webviews', () => {
    const f = fakeContents();
    hardenContents(f.contents, opts());
    expect(f.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(f.fire('will-redirect', 'file:///tmp/x.html')).toBe(true);
    expect(f.fire('will-navigate', `${consoleUrl}#/traffic`)).toBe(false);
    expect(f.fire('will-attach-webview')).toBe(true);
  });

  it('denies every new window; http(s) links open in the system browser, other schemes nowhere', () => {
    const openExternal = vi.fn();
    const f = fakeContents();
    hardenContents(f.contents, opts(openExternal));
    expect(f.open('https://learn.microsoft.com/')).toEqual({ action: 'deny' });
    expect(f.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(f.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://learn.microsoft.com/']]);
  });
});

describe('session rules', () => {
  it('grants clipboard writes and full screen, refuses everything else', () => {
    const s = fakeSession();
    enableSecurity({ on: vi.fn() } as never, s.session, opts());
    expect(s.ask('clipboard-sanitized-write')).toBe(true);
    expect(s.ask('fullscreen')).toBe(true);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'display-capture'])
      expect(s.ask(p), p).toBe(false);
    expect(s.check('media')).toBe(false);
  });

  it('adds the CSP header to every response, keeping the others', () => {
    const s = fakeSession();
    enableSecurity({ on: vi.fn() } as never, s.session, opts());
    expect(s.headers({ 'x-a': ['1'] }).responseHeaders).toEqual({
      'x-a': ['1'],
      'Content-Security-Policy': ["default-src 'none'"],
    });
  });

  it('hardens every web contents the app creates', () => {
    const app = { on: vi.fn() };
    enableSecurity(app as never, fakeSession().session, opts());
    const [name, listener] = app.on.mock.calls[0] as [string, (e: unknown, c: ContentsLike) => void];
    expect(name).toBe('web-contents-created');
    const f = fakeContents();
    listener({}, f.contents);
    expect(f.fire('will-navigate', 'https://evil.example/')).toBe(true);
  });
});
