/** The console window's options and lifecycle, and the single-instance lock, with Electron faked. */
import { describe, expect, it, vi } from 'vitest';
import { claimSingleInstance } from '../../../electron/shell/single-instance.js';
import { createConsoleWindow, reveal, windowOptions } from '../../../electron/shell/window.js';

describe('console window', () => {
  it('is locked down: isolated, sandboxed, no Node, no webview, the preload as the only bridge', () => {
    const o = windowOptions('/app/out/preload/preload.cjs');
    expect(o.webPreferences).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
    expect(o.show).toBe(false);
  });

  it('loads the console file and shows the window once painted', async () => {
    const events = new Map<string, () => void>();
    const created: unknown[] = [];
    class FakeWindow {
      show = vi.fn();
      loadFile = vi.fn(async () => undefined);
      once = (name: string, fn: () => void) => events.set(name, fn);
      constructor(options: unknown) {
        created.push(options);
      }
    }
    const win = (await createConsoleWindow(FakeWindow as never, {
      preload: '/p.cjs',
      indexHtml: '/r/index.html',
    })) as unknown as FakeWindow;
    expect(created).toHaveLength(1);
    expect(win.loadFile).toHaveBeenCalledWith('/r/index.html');
    expect(win.show).not.toHaveBeenCalled();
    events.get('ready-to-show')?.();
    expect(win.show).toHaveBeenCalled();
  });

  it('reveal restores a minimized window and ignores a destroyed one', () => {
    const w = { isDestroyed: () => false, isMinimized: () => true, restore: vi.fn(), show: vi.fn(), focus: vi.fn() };
    reveal(w as never);
    expect(w.restore).toHaveBeenCalled();
    expect(w.focus).toHaveBeenCalled();
    const gone = { ...w, isDestroyed: () => true, focus: vi.fn() };
    reveal(gone as never);
    expect(gone.focus).not.toHaveBeenCalled();
    reveal(undefined);
  });
});

describe('single instance', () => {
  it('the second instance quits; the first is brought forward on its launch', () => {
    const focus = vi.fn();
    const second = { requestSingleInstanceLock: () => false, quit: vi.fn(), on: vi.fn() };
    expect(claimSingleInstance(second as never, focus)).toBe(false);
    expect(second.quit).toHaveBeenCalled();

    const first = { requestSingleInstanceLock: () => true, quit: vi.fn(), on: vi.fn() };
    expect(claimSingleInstance(first as never, focus)).toBe(true);
    const [name, listener] = first.on.mock.calls[0] as [string, () => void];
    expect(name).toBe('second-instance');
    listener();
    expect(focus).toHaveBeenCalled();
    expect(first.quit).not.toHaveBeenCalled();
  });
});
