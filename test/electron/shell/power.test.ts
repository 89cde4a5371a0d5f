/**
 * The desktop's power hands with a faked powerSaveBlocker: the wake lock
 * starts and stops `prevent-app-suspension` once, the display blocker
 * follows the projector route and the window's life, the power source takes
 * "on battery" from powerMonitor, and each warning episode is one
 * notification.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import {
  blockerWakeLock,
  electronPowerSource,
  isProjectorUrl,
  keepDisplayOnForProjector,
  notifyWarnings,
} from '../../../electron/shell/power.js';
import type { KitWarning } from '../../../shared/types.js';

function fakeBlocker() {
  const active = new Map<number, string>();
  let next = 1;
  return {
    active,
    start: vi.fn((type: 'prevent-app-suspension' | 'prevent-display-sleep') => {
      active.set(next, type);
      return next++;
    }),
    stop: vi.fn((id: number) => active.delete(id)),
    isStarted: (id: number) => active.has(id),
  };
}

const file = (hash: string) => `file:///app/out/renderer/index.html${hash}`;

describe('desktop power', () => {
  it('the wake lock is one prevent-app-suspension blocker, started once and stopped once', async () => {
    const b = fakeBlocker();
    const lock = blockerWakeLock(b);
    expect(await lock.acquire('x')).toEqual({ ok: true });
    expect(await lock.acquire('x')).toEqual({ ok: true });
    expect([...b.active.values()]).toEqual(['prevent-app-suspension']);
    lock.release();
    lock.release();
    expect(b.active.size).toBe(0);
    expect(b.stop).toHaveBeenCalledTimes(1);
  });

  it('keeps the display on exactly while the projector route is shown, and never after the window is gone', () => {
    const b = fakeBlocker();
    const contents = Object.assign(new EventEmitter(), { url: file('#/'), getURL: () => contents.url });
    const display = keepDisplayOnForProjector(contents, b);
    expect(display.active()).toBe(false);
    contents.emit('did-navigate-in-page', {}, file('#/projector/evt_1'));
    expect([...b.active.values()]).toEqual(['prevent-display-sleep']);
    contents.emit('did-navigate-in-page', {}, file('#/projector'));
    expect(b.start).toHaveBeenCalledTimes(1);
    contents.emit('did-navigate-in-page', {}, file('#/events'));
    expect(b.active.size).toBe(0);
    contents.emit('did-navigate', {}, file('#/projector/evt_2'));
    expect(display.active()).toBe(true);
    contents.emit('destroyed');
    expect(b.active.size).toBe(0);
    expect(isProjectorUrl(file('#/projectors'))).toBe(false);
    // A window that opens straight on the projector route holds it from the start.
    const direct = keepDisplayOnForProjector(
      Object.assign(new EventEmitter(), { getURL: () => file('#/projector') }),
      b,
    );
    expect(direct.active()).toBe(true);
    direct.stop();
    expect(b.active.size).toBe(0);
  });

  it('on battery from powerMonitor, the level from the OS', async () => {
    const monitor = { isOnBatteryPower: () => true };
    const withLevel = electronPowerSource(monitor, async () => ({
      onBattery: false,
      level: 0.4,
      charging: false,
      source: 'pmset',
    }));
    expect(await withLevel()).toEqual({ onBattery: true, level: 0.4, charging: false, source: 'powerMonitor, pmset' });
    const without = electronPowerSource(monitor, async () => null);
    expect(await without()).toEqual({ onBattery: true, level: null, charging: null, source: 'powerMonitor' });
  });

  it('one notification per warning episode', () => {
    const shown: Array<{ title: string; body: string }> = [];
    class FakeNotification {
      constructor(readonly o: { title: string; body: string }) {}
      static isSupported = () => true;
      show() {
        shown.push(this.o);
      }
    }
    let emit: (w: KitWarning) => void = () => undefined;
    const stop = notifyWarnings((fn) => {
      emit = fn;
      return () => undefined;
    }, FakeNotification);
    emit({
      id: 'b#1',
      key: 'battery-low',
      level: 'red',
      title: 'Battery at 15 % and discharging',
      message: 'Plug in.',
      since: '',
    });
    expect(shown).toEqual([{ title: 'AI Proxy Kit: Battery at 15 % and discharging', body: 'Plug in.' }]);
    stop();
  });
});
