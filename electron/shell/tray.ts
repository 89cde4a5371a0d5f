/**
 * The tray icon: whether the kit is serving, where, and how busy, at a glance
 * even with the window closed on the projector machine; whether it keeps the
 * computer awake and until when; the warnings that hold right now; plus
 * "Open console" and "Quit". It refreshes every few seconds from the kit's
 * own state.
 */
import type { MenuItemConstructorOptions, Tray } from 'electron';
import type { KitInfo } from '../../shared/types.js';

export interface TrayStatus {
  info: KitInfo;
  liveEvents: number;
  requestsLastMinute: number;
}

export function trayTooltip(s: TrayStatus): string {
  const serving = `AI Proxy Kit: serving on port ${s.info.port}, ${s.liveEvents} live event${s.liveEvents === 1 ? '' : 's'}`;
  // The console's banner, for a window that is closed: registrations are being refused.
  return s.info.store?.state === 'failing' ? `${serving}. ${s.info.store.message}` : serving;
}

/** "Keeping this computer awake until 17:00", or why not; nothing when there is nothing to say. */
export function keepAwakeLine(info: KitInfo): string | undefined {
  const check = info.preflight.checks.find((c) => c.id === 'keep-awake');
  const k = info.preflight.keepAwake;
  if (!check || (k.state === 'idle' && !k.nextStart)) return undefined;
  if (k.state === 'failed' || k.state === 'unavailable') return 'Cannot keep this computer awake (see the console)';
  // The check's summary without the mechanism in brackets: the tray is short.
  return check.summary.replace(/ \([^)]*\)/, '').replace(/\.$/, '');
}

export function trayMenu(s: TrayStatus, actions: { open: () => void; quit: () => void }): MenuItemConstructorOptions[] {
  const awake = keepAwakeLine(s.info);
  const port = s.info.preflight.network.portNote ? ` (port ${s.info.preflight.network.configuredPort} was busy)` : '';
  return [
    { label: `Serving on port ${s.info.port}${port}`, enabled: false },
    ...(s.info.store?.state === 'failing' ? [{ label: s.info.store.message, enabled: false }] : []),
    ...s.info.lanUrls.map((u) => ({ label: `${u}/api/v1`, enabled: false })),
    {
      label: `${s.liveEvents} live event${s.liveEvents === 1 ? '' : 's'} · ${s.requestsLastMinute} requests/min`,
      enabled: false,
    },
    ...(awake ? [{ label: awake, enabled: false }] : []),
    // The store's own line above already says when the kit cannot save.
    ...s.info.preflight.warnings
      .filter((w) => w.key !== 'store-unavailable')
      .slice(0, 3)
      .map((w) => ({ label: `⚠ ${w.title}`, enabled: false })),
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
