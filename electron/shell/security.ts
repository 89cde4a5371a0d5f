/**
 * The desktop window's security rules, in one place: every web contents the
 * app creates may navigate only within the console, may not open windows
 * (http(s) links go to the system browser instead), may not attach webviews,
 * and gets no permission beyond clipboard writes and full screen (the
 * projector view). Responses get the console's CSP as a header too.
 */
import type { App, Session, WebContents } from 'electron';

/** What the console legitimately asks for: copy buttons and the projector's full screen. */
const grantedPermissions = new Set(['clipboard-sanitized-write', 'fullscreen']);

export interface SecurityOptions {
  /** The console page, e.g. `file:///…/out/renderer/index.html`. */
  consoleUrl: string;
  csp: string;
  openExternal: (url: string) => void;
}

/** Same document as the console (any hash route), nothing else. */
export function isConsoleUrl(url: string, consoleUrl: string): boolean {
  try {
    const a = new URL(url);
    const b = new URL(consoleUrl);
    return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

export function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

export type ContentsLike = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

export function hardenContents(contents: ContentsLike, opts: SecurityOptions): void {
  contents.on('will-navigate', (event, url) => {
    if (!isConsoleUrl(url, opts.consoleUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isConsoleUrl(url, opts.consoleUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) opts.openExternal(url);
    return { action: 'deny' };
  });
}

export type SessionLike = {
  setPermissionRequestHandler: Session['setPermissionRequestHandler'];
  setPermissionCheckHandler: Session['setPermissionCheckHandler'];
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

export function hardenSession(session: SessionLike, opts: SecurityOptions): void {
  session.setPermissionRequestHandler((_wc, permission, callback) => callback(grantedPermissions.has(permission)));
  session.setPermissionCheckHandler((_wc, permission) => grantedPermissions.has(permission));
  session.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [opts.csp] } }),
  );
}

export type AppLike = Pick<App, 'on'>;

/** Applies the rules to every web contents as it is created, before it can load anything. */
export function enableSecurity(app: AppLike, session: SessionLike, opts: SecurityOptions): void {
  hardenSession(session, opts);
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, opts));
}
