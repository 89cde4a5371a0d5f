/** The tray: status lines from the kit, the two actions, and refreshes that rebuild only on change. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keepAwakeCheck } from '../../../electron/core/event-day/checks.js';
import { enableTray, keepAwakeLine, type TrayStatus, trayMenu, trayTooltip } from '../../../electron/shell/tray.js';
import type { KeepAwakeFacts } from '../../../shared/types.js';
import { quietPreflight } from '../../support/preflight.js';

const status = (over: Partial<TrayStatus> = {}): TrayStatus => ({
  info: {
    version: '1.0.0',
    lanUrls: ['http://192.168.1.20:8000'],
    port: 8000,
    adminPort: 8001,
    dataDir: '/d',
    preflight: quietPreflight(),
    store: { state: 'ok', message: '', since: '2026-06-01T08:00:00.000Z' },
    storeDriver: { kind: 'json', location: '/d/store.json' },
  },
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

  it('says it keeps the computer awake and until when, or that it cannot, and lists the warnings', () => {
    const now = Date.parse('2026-03-20T08:00:00Z');
    const withAwake = (k: KeepAwakeFacts) =>
      status({
        info: {
          ...status().info,
          preflight: quietPreflight({
            keepAwake: k,
            checks: [keepAwakeCheck(k, now)],
            warnings: [
              {
                id: 'b#1',
                key: 'battery-low',
                level: 'red',
                title: 'Battery at 15 % and discharging',
                message: 'Plug in',
                since: '',
              },
            ],
          }),
        },
      });
    const until = new Date(now + 3 * 3600_000);
    const hm = until.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
    const k: KeepAwakeFacts = {
      state: 'holding',
      mechanism: 'powerSaveBlocker',
      until: until.toISOString(),
      nextStart: null,
      display: false,
    };
    expect(keepAwakeLine(withAwake(k).info)).toBe(`Keeping this computer awake until ${hm}`);
    const labels = trayMenu(withAwake(k), { open: vi.fn(), quit: vi.fn() }).map((i) => i.label);
    expect(labels).toContain(`Keeping this computer awake until ${hm}`);
    expect(labels).toContain('⚠ Battery at 15 % and discharging');
    expect(keepAwakeLine(withAwake({ ...k, state: 'failed', until: null, reason: 'x' }).info)).toBe(
      'Cannot keep this computer awake (see the console)',
    );
    expect(keepAwakeLine(withAwake({ ...k, state: 'idle', until: null }).info)).toBeUndefined();
  });

  it('says when the kit cannot save, with the window closed', () => {
    const message = 'The kit cannot save: the disk is full.';
    const failing = status({
      info: { ...status().info, store: { state: 'failing', message, since: '2026-06-01T09:00:00.000Z' } },
    });
    expect(trayTooltip(failing)).toBe(`AI Proxy Kit: serving on port 8000, 1 live event. ${message}`);
    expect(trayMenu(failing, { open: vi.fn(), quit: vi.fn() })[1]?.label).toBe(message);
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
