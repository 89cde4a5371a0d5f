/**
 * The desktop app's main process, kept to assembly: the single-instance
 * lock, the security rules, the kit from the same composition root as the
 * headless CLI, the console window with its IPC binding, and the tray. Each
 * piece lives in `shell/` and is tested with a faked `electron` module.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  Notification,
  nativeImage,
  powerMonitor,
  powerSaveBlocker,
  safeStorage,
  session,
  shell,
  Tray,
} from 'electron';
import { consoleCsp } from './core/admin/http-binding.js';
import { createKit, type Kit } from './core/kit.js';
import { consoleDir, packageRoot } from './core/paths.js';
import { safeStorageSecretBox } from './core/store/safe-storage-box.js';
import { bindAdminIpc, pushTraffic } from './ipc.js';
import { blockerWakeLock, electronPowerSource, keepDisplayOnForProjector, notifyWarnings } from './shell/power.js';
import { enableSecurity } from './shell/security.js';
import { claimSingleInstance } from './shell/single-instance.js';
import { enableTray } from './shell/tray.js';
import { createConsoleWindow, reveal } from './shell/window.js';

export { windowOptions } from './shell/window.js';

function requestsLastMinute(kit: Kit): number {
  const since = Date.now() - 60_000;
  return kit.feed.recent(2000).filter((r) => Date.parse(r.at) >= since).length;
}

export async function start(): Promise<void> {
  let win: BrowserWindow | undefined;
  if (!claimSingleInstance(app, () => reveal(win))) return;
  await app.whenReady();

  const indexHtml = join(consoleDir(), 'index.html');
  enableSecurity(app, session.defaultSession, {
    consoleUrl: pathToFileURL(indexHtml).href,
    csp: consoleCsp,
    openExternal: (url) => void shell.openExternal(url),
  });

  let display: ReturnType<typeof keepDisplayOnForProjector> | undefined;
  const startupNotes: string[] = [];
  const kit = await createKit({
    dataDir: app.getPath('userData'),
    port: Number(process.env.KIT_PORT ?? 8000),
    adminPort: Number(process.env.KIT_ADMIN_PORT ?? 8001),
    // A desktop app that will not open because another program holds 8000 helps nobody: take the next port, say so.
    portFallback: true,
    consoleDir: consoleDir(),
    version: app.getVersion(),
    secretBox: await safeStorageSecretBox(app.getPath('userData'), safeStorage, startupNotes),
    startupNotes,
    wakeLock: blockerWakeLock(powerSaveBlocker),
    displayAwake: () => display?.active() ?? false,
    power: electronPowerSource(powerMonitor),
  });
  const stopNotes = notifyWarnings((fn) => kit.readiness.onWarning(fn), Notification);
  // Back from sleep (say, before the event began): look at once rather than at the next minute's beat.
  powerMonitor.on('resume', () => {
    void kit.keepAwake.refresh();
    void kit.readiness.refresh();
  });

  // Only the console window's own top frame may call the kit.
  const isTrusted = (senderId: number, frameUrl?: string) =>
    !!win && !win.isDestroyed() && senderId === win.webContents.id && (frameUrl ?? '').startsWith('file:');
  bindAdminIpc(ipcMain, kit.handlers, isTrusted);

  const open = async () => {
    if (win && !win.isDestroyed()) return reveal(win);
    win = await createConsoleWindow(BrowserWindow, {
      preload: join(packageRoot(), 'out', 'preload', 'preload.cjs'),
      indexHtml,
    });
    const stopPush = pushTraffic(kit.feed, win.webContents);
    display = keepDisplayOnForProjector(win.webContents, powerSaveBlocker);
    const shown = display;
    win.on('closed', () => {
      stopPush();
      shown.stop();
    });
  };
  await open();

  const stopTray = enableTray({
    tray: new Tray(nativeImage.createFromPath(join(packageRoot(), 'resources', 'tray.png'))),
    buildMenu: (template) => Menu.buildFromTemplate(template),
    status: () => ({
      info: kit.info(),
      liveEvents: kit.store.events.filter(
        (e) => e.enabled && Date.now() >= Date.parse(e.startsAt) && Date.now() < Date.parse(e.endsAt),
      ).length,
      requestsLastMinute: requestsLastMinute(kit),
    }),
    open: () => void open(),
    quit: () => app.quit(),
  });

  // The kit keeps serving attendees with the window closed; the tray's Quit ends it.
  app.on('window-all-closed', () => undefined);
  app.on('activate', () => void open());
  let closing = false;
  app.on('before-quit', (e) => {
    if (closing) return;
    closing = true;
    e.preventDefault();
    stopTray();
    stopNotes();
    display?.stop();
    void kit.close().finally(() => app.exit(0));
  });
}

start().catch((e: Error) => {
  console.error(`AI Proxy Kit failed to start: ${e.message}`);
  app.exit(1);
});
