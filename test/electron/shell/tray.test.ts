/** The tray: status lines from the kit, the two actions, and refreshes that rebuild only on change. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { enableTray, type TrayStatus, trayMenu, trayTooltip } from '../../../electron/shell/tray.js';

const status = (over: Partial<TrayStatus> = {}): TrayStatus => ({
  info: { version: '1.0.0', lanUrls: ['http://192.168.1.20:8000'], port: 8000, adminPort: 8001, dataDir: '/d' },
  liveEvents: 1,
  requestsLastMinute: 42,
  ...over,
});

afterEach(() => vi.useRealTimers());

describe('tray', () => {
  it('says where and how busy the kit is', () => {
    expect(trayTooltip(status())).toBe('AI Proxy Kit: serving on port 8000, 1 live event');
    const labels = trayMenu(status({ liveEvents: 2 }), { open: vi.fn(), quit: vi.fn() }).map((i) => i.label);
    expect(labels).toEqual([
      'Serving on port 8000',
      'http://192.168.1.20:8000/api/v1',
      '2 live events · 42 requests/min',
      undefined,
      'Open console',
      'Quit AI Proxy Kit',
    ]);
  });

  it('wires Open and Quit, and rebuilds the menu only when the status changed', () => {
    vi.useFakeTimers();
    const tray = { setToolTip: vi.fn(), setContextMenu: vi.fn(), on: vi.fn(), destroy: vi.fn() };
    const buildMenu = vi.fn((t: unknown) => t as Electron.Menu);
    const open = vi.fn();
    const quit = vi.fn();
    let current = status();
    const stop = enableTray({ tray, buildMenu, status: () => current, open, quit, refreshMs: 1000 });
    expect(tray.setContextMenu).toHaveBeenCalledTimes(1);
    expect(tray.on).toHaveBeenCalledWith('click', open);

    const template = buildMenu.mock.calls[0]?.[0] as Array<{ label?: string; click?: () => void }>;
    template.find((i) => i.label === 'Open console')?.click?.();
    template.find((i) => i.label === 'Quit AI Proxy Kit')?.click?.();
    expect(open).toHaveBeenCalledTimes(1);
    expect(quit).toHaveBeenCalledTimes(1);

    vi.advanceTimersByTime(3000);
    expect(tray.setContextMenu).toHaveBeenCalledTimes(1);
    current = status({ requestsLastMinute: 7 });
    vi.advanceTimersByTime(1000);
    expect(tray.setContextMenu).toHaveBeenCalledTimes(2);

    stop();
    expect(tray.destroy).toHaveBeenCalled();
    vi.advanceTimersByTime(5000);
    expect(tray.setContextMenu).toHaveBeenCalledTimes(2);
  });
});
