/**
 * The tray icon: whether the kit is serving, where, and how busy, at a glance
 * even with the window closed on the projector machine; plus "Open console"
 * and "Quit". It refreshes every few seconds from the kit's own state.
 */
import type { MenuItemConstructorOptions, Tray } from 'electron';
import type { KitInfo } from '../../shared/types.js';

export interface TrayStatus {
  info: KitInfo;
  liveEvents: number;
  requestsLastMinute: number;
}

export function trayTooltip(s: TrayStatus): string {
  return `AI Proxy Kit: serving on port ${s.info.port}, ${s.liveEvents} live event${s.liveEvents === 1 ? '' : 's'}`;
}

export function trayMenu(s: TrayStatus, actions: { open: () => void; quit: () => void }): MenuItemConstructorOptions[] {
  return [
    { label: `Serving on port ${s.info.port}`, enabled: false },
    ...s.info.lanUrls.map((u) => ({ label: `${u}/api/v1`, enabled: false })),
    {
      label: `${s.liveEvents} live event${s.liveEvents === 1 ? '' : 's'} · ${s.requestsLastMinute} requests/min`,
      enabled: false,
    },
    { type: 'separator' },
    { label: 'Open console', click: actions.open },
    { label: 'Quit AI Proxy Kit', click: actions.quit },
  ];
}

export interface TrayDeps {
  tray: Pick<Tray, 'setToolTip' | 'setContextMenu' | 'on' | 'destroy'>;
  buildMenu: (template: MenuItemConstructorOptions[]) => Electron.Menu;
  status: () => TrayStatus;
  open: () => void;
  quit: () => void;
  refreshMs?: number;
}

export function enableTray(deps: TrayDeps): () => void {
  let last = '';
  const refresh = () => {
    const s = deps.status();
    const template = trayMenu(s, { open: deps.open, quit: deps.quit });
    // Rebuild only when something changed: menus are native objects.
    const key = JSON.stringify([trayTooltip(s), template.map((i) => i.label)]);
    if (key === last) return;
    last = key;
    deps.tray.setToolTip(trayTooltip(s));
    deps.tray.setContextMenu(deps.buildMenu(template));
  };
  refresh();
  deps.tray.on('click', deps.open);
  const timer = setInterval(refresh, deps.refreshMs ?? 5000);
  timer.unref?.();
  return () => {
    clearInterval(timer);
    deps.tray.destroy();
  };
}
