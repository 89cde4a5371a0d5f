/**
 * The console window: locked-down web preferences (context isolation,
 * sandbox, no Node, no webview), the preload as the only bridge, shown once
 * painted so the organizer never sees a white flash on the projector.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';

export const windowOptions = (preload: string): BrowserWindowConstructorOptions => ({
  width: 1280,
  height: 820,
  minWidth: 960,
  minHeight: 640,
  title: 'AI Proxy Kit',
  backgroundColor: '#f3f4f8',
  show: false,
  webPreferences: {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: false,
  },
});

export type WindowCtor = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

export async function createConsoleWindow(
  Ctor: WindowCtor,
  opts: { preload: string; indexHtml: string },
): Promise<BrowserWindow> {
  const win = new Ctor(windowOptions(opts.preload));
  win.once('ready-to-show', () => win.show());
  await win.loadFile(opts.indexHtml);
  return win;
}

/** Bring the window back when the organizer launches the app again or clicks the tray. */
export function reveal(win: BrowserWindow | undefined): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
