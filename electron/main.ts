/**
 * The desktop app's main process, kept thin: single-instance lock, the kit
 * from the same composition root as the headless CLI, one locked-down window
 * showing the console, and the IPC binding. Everything else is in `core/`.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, safeStorage, shell } from 'electron';
import { createKit, type Kit } from './core/kit.js';
import { consoleDir, packageRoot } from './core/paths.js';
import { safeStorageSecretBox } from './core/store/safe-storage-box.js';
import { bindAdminIpc, pushTraffic } from './ipc.js';

export const windowOptions = (preload: string): Electron.BrowserWindowConstructorOptions => ({
  width: 1280,
  height: 820,
  minWidth: 960,
  minHeight: 640,
  title: 'AI Proxy Kit',
  show: false,
  webPreferences: {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webviewTag: false,
    spellcheck: false,
  },
});

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const kit: Kit = await createKit({
    dataDir: app.getPath('userData'),
    port: Number(process.env.KIT_PORT ?? 8000),
    adminPort: Number(process.env.KIT_ADMIN_PORT ?? 8001),
    consoleDir: consoleDir(),
    version: app.getVersion(),
    secretBox: await safeStorageSecretBox(app.getPath('userData'), safeStorage),
  });

  const win = new BrowserWindow(windowOptions(join(packageRoot(), 'out', 'preload', 'preload.cjs')));
  const trusted = (id: number) => id === win.webContents.id;
  bindAdminIpc(ipcMain, kit.handlers, trusted);
  pushTraffic(kit.feed, win.webContents);

  // Navigation stays inside the console; links to the outside open in the system browser.
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://') || url.startsWith('http://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  await win.loadFile(join(consoleDir(), 'index.html'));

  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => void kit.close());
}

start().catch((e: Error) => {
  console.error(`AI Proxy Kit failed to start: ${e.message}`);
  app.exit(1);
});
