/**
 * The desktop app's hands on power: Electron's powerSaveBlocker as the kit's
 * wake lock (`prevent-app-suspension` while an event is live: the decision is
 * the core's keep-awake controller), `prevent-display-sleep` while the console
 * shows the projector view, `powerMonitor` for "on battery" (with the level
 * from the OS, which Electron does not report), and a system notification for
 * each warning episode. Thin on purpose: each piece is a few Electron calls.
 */
import type { Notification, PowerMonitor, PowerSaveBlocker } from 'electron';
import type { KitWarning } from '../../shared/types.js';
import type { WakeLock } from '../core/event-day/keep-awake.js';
import { osPowerSource, type PowerSource } from '../core/event-day/power.js';

export type BlockerLike = Pick<PowerSaveBlocker, 'start' | 'stop' | 'isStarted'>;

/** `prevent-app-suspension`: the system stays up, the screen may go dark. */
export function blockerWakeLock(blocker: BlockerLike): WakeLock {
  let id: number | undefined;
  return {
    mechanism: 'powerSaveBlocker',
    async acquire() {
      if (id === undefined || !blocker.isStarted(id)) id = blocker.start('prevent-app-suspension');
      return { ok: true };
    },
    release() {
      if (id !== undefined && blocker.isStarted(id)) blocker.stop(id);
      id = undefined;
    },
  };
}

export interface NavigatingContents {
  on(event: 'did-navigate-in-page' | 'did-navigate', listener: (event: unknown, url: string) => void): unknown;
  on(event: 'destroyed', listener: () => void): unknown;
  getURL(): string;
}

export const isProjectorUrl = (url: string): boolean => {
  try {
    return /^#\/projector(\/|$)/.test(new URL(url).hash);
  } catch {
    return false;
  }
};

/** Keeps the display on exactly while `contents` shows the projector route; `stop` when the window goes. */
export function keepDisplayOnForProjector(
  contents: NavigatingContents,
  blocker: BlockerLike,
): { active(): boolean; stop(): void } {
  let id: number | undefined;
  const set = (on: boolean) => {
    if (on && id === undefined) id = blocker.start('prevent-display-sleep');
    if (!on && id !== undefined) {
      if (blocker.isStarted(id)) blocker.stop(id);
      id = undefined;
    }
  };
  const follow = (_e: unknown, url: string) => set(isProjectorUrl(url));
  contents.on('did-navigate-in-page', follow);
  contents.on('did-navigate', follow);
  contents.on('destroyed', () => set(false));
  set(isProjectorUrl(contents.getURL()));
  return { active: () => id !== undefined, stop: () => set(false) };
}

/** On battery from powerMonitor; level and charging from the OS where it tells. */
export function electronPowerSource(
  monitor: Pick<PowerMonitor, 'isOnBatteryPower'>,
  os: PowerSource = osPowerSource(),
): PowerSource {
  return async () => {
    const fromOs = await os().catch(() => null);
    return {
      onBattery: monitor.isOnBatteryPower(),
      level: fromOs?.level ?? null,
      charging: fromOs?.charging ?? null,
      source: fromOs ? `powerMonitor, ${fromOs.source}` : 'powerMonitor',
    };
  };
}

export type NotificationCtor = {
  new (options: { title: string; body: string; silent?: boolean }): Pick<Notification, 'show'>;
  isSupported(): boolean;
};

/** One system notification per warning episode (the board already makes them once per episode). */
export function notifyWarnings(
  subscribe: (listener: (w: KitWarning) => void) => () => void,
  Ctor: NotificationCtor,
): () => void {
  return subscribe((w) => {
    if (!Ctor.isSupported()) return;
    new Ctor({ title: `AI Proxy Kit: ${w.title}`, body: w.message }).show();
  });
}
