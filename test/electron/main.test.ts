/**
 * The desktop main process assembled, with a faked `electron` module (the
 * binary cannot run here) and a real kit on port 0: the lock, the security
 * rules, the locked-down window on the console file, the IPC binding that
 * answers only the console window, traffic pushed in batches, the tray, the
 * power-save blockers (held exactly while an event is live, the display one
 * while the projector is shown), and a clean shutdown that releases them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const appListeners = new Map<string, Listener[]>();
  const ipcHandlers = new Map<string, Listener>();
  const windows: FakeWindow[] = [];
  const sent: Array<[string, unknown]> = [];
  let nextId = 1;
  const blockers = new Map<number, string>();
  const blockerLog: string[] = [];
  let nextBlocker = 1;
  class FakeWindow {
    options: unknown;
    loaded?: string;
    shown = false;
    destroyed = false;
    listeners = new Map<string, Listener>();
    contentsListeners = new Map<string, Listener[]>();
    webContents = {
      id: nextId++,
      send: (channel: string, payload: unknown) => sent.push([channel, payload]),
      isDestroyed: () => false,
      url: '',
      getURL: () => this.webContents.url,
      on: (name: string, fn: Listener) => {
        this.contentsListeners.set(name, [...(this.contentsListeners.get(name) ?? []), fn]);
      },
      /** What Electron does when the console's hash route changes. */
      navigate: (hash: string) => {
        this.webContents.url = `file://${this.loaded}${hash}`;
        for (const fn of this.contentsListeners.get('did-navigate-in-page') ?? []) fn({}, this.webContents.url);
      },
    };
    constructor(options: unknown) {
      this.options = options;
      windows.push(this);
    }
    once(name: string, fn: Listener) {
      this.listeners.set(name, fn);
    }
    on(name: string, fn: Listener) {
      this.listeners.set(name, fn);
    }
    async loadFile(file: string) {
      this.loaded = file;
      this.webContents.url = `file://${file}`;
      this.listeners.get('ready-to-show')?.();
    }
    show() {
      this.shown = true;
    }
    isDestroyed() {
      return this.destroyed;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
  }
  const state = {
    appListeners,
    ipcHandlers,
    windows,
    sent,
    userData: '',
    exited: undefined as number | undefined,
    tray: { tooltip: '', menu: undefined as unknown, destroyed: false },
    sessionRules: { permission: false, headers: false },
    lockRequested: false,
    blockers,
    blockerLog,
    powerListeners: new Map<string, Listener>(),
  };
  const app = {
    requestSingleInstanceLock: () => {
      state.lockRequested = true;
      return true;
    },
    quit: vi.fn(),
    exit: (code: number) => {
      state.exited = code;
    },
    whenReady: async () => undefined,
    getPath: () => state.userData,
    getVersion: () => '9.9.9',
    on: (name: string, fn: Listener) => {
      appListeners.set(name, [...(appListeners.get(name) ?? []), fn]);
    },
  };
  class Tray {
    setToolTip(t: string) {
      state.tray.tooltip = t;
    }
    setContextMenu(m: unknown) {
      state.tray.menu = m;
    }
    on() {}
    destroy() {
      state.tray.destroyed = true;
    }
  }
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (channel: string, fn: Listener) => ipcHandlers.set(channel, fn),
      removeHandler: (channel: string) => ipcHandlers.delete(channel),
    },
    Menu: { buildFromTemplate: (t: unknown) => t },
    nativeImage: { createFromPath: (p: string) => ({ path: p }) },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(s).reverse(),
      decryptString: (b: Buffer) => Buffer.from(b).reverse().toString(),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => {
          state.sessionRules.permission = true;
        },
        setPermissionCheckHandler: () => undefined,
        webRequest: {
          onHeadersReceived: () => {
            state.sessionRules.headers = true;
          },
        },
      },
    },
    shell: { openExternal: vi.fn() },
    Tray,
    powerSaveBlocker: {
      start: (type: string) => {
        blockers.set(nextBlocker, type);
        blockerLog.push(`start ${type}`);
        return nextBlocker++;
      },
      stop: (id: number) => {
        blockerLog.push(`stop ${blockers.get(id)}`);
        return blockers.delete(id);
      },
      isStarted: (id: number) => blockers.has(id),
    },
    powerMonitor: {
      isOnBatteryPower: () => false,
      on: (name: string, fn: Listener) => {
        state.powerListeners.set(name, fn);
      },
    },
    Notification: class {
      static isSupported = () => true;
      show() {}
    },
  };
  return { state, electron };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const { state } = fake;

beforeAll(async () => {
  state.userData = await mkdtemp(join(tmpdir(), 'kit-desktop-'));
  process.env.KIT_PORT = '0';
  process.env.KIT_ADMIN_PORT = '0';
  await import('../../electron/main.js');
  // start() runs at import; wait until the window exists and the tray is up.
  await vi.waitFor(() => expect(state.tray.tooltip).not.toBe(''), { timeout: 20_000 });
});

afterAll(async () => {
  for (const fn of state.appListeners.get('before-quit') ?? []) fn({ preventDefault: () => undefined });
  await vi.waitFor(() => expect(state.exited).toBe(0), { timeout: 10_000 });
  // Quitting releases every blocker, whatever was live or shown.
  expect([...state.blockers.values()]).toEqual([]);
  delete process.env.KIT_PORT;
  delete process.env.KIT_ADMIN_PORT;
  await rm(state.userData, { recursive: true, force: true });
});

const invoke = (senderId: number, frameUrl: string, method: string, input: unknown) =>
  state.ipcHandlers.get('kit:admin')?.(
    { sender: { id: senderId }, senderFrame: { url: frameUrl } },
    method,
    input,
  ) as Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string } }>;

describe('desktop main process', () => {
  it('takes the single-instance lock and hardens the session before loading anything', () => {
    expect(state.lockRequested).toBe(true);
    expect(state.sessionRules).toEqual({ permission: true, headers: true });
    expect(state.appListeners.has('web-contents-created')).toBe(true);
  });

  it('opens one locked-down window on the built console with the bundled preload', () => {
    expect(state.windows).toHaveLength(1);
    const w = state.windows[0] as unknown as {
      options: { webPreferences: Record<string, unknown> };
      loaded: string;
      shown: boolean;
    };
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(String(w.options.webPreferences.preload)).toMatch(/out[/\\]preload[/\\]preload\.cjs$/);
    expect(w.loaded).toMatch(/out[/\\]renderer[/\\]index\.html$/);
    expect(w.shown).toBe(true);
  });

  it('answers the console window over IPC, validating input, and refuses other senders', async () => {
    const win = state.windows[0] as unknown as { webContents: { id: number } };
    const info = await invoke(win.webContents.id, 'file:///app/out/renderer/index.html#/', 'kit.info', {});
    expect(info).toMatchObject({ ok: true, value: { version: '9.9.9' } });

    const bad = await invoke(win.webContents.id, 'file:///app/index.html', 'events.create', { name: '' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    const stranger = await invoke(win.webContents.id + 100, 'file:///app/index.html', 'kit.info', {});
    expect(stranger).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const remoteFrame = await invoke(win.webContents.id, 'https://evil.example/', 'kit.info', {});
    expect(remoteFrame).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('puts the kit status in the tray', () => {
    expect(state.tray.tooltip).toMatch(/^AI Proxy Kit: serving on port \d+, 1 live event$/);
    const labels = (state.tray.menu as Array<{ label?: string }>).map((i) => i.label);
    expect(labels).toContain('Open console');
    expect(labels).toContain('Quit AI Proxy Kit');
  });

  it('pushes live traffic to the window in batches', async () => {
    const win = state.windows[0] as unknown as { webContents: { id: number } };
    const events = (await invoke(win.webContents.id, 'file:///a/index.html', 'events.list', {})) as {
      ok: true;
      value: Array<{ code: string }>;
    };
    const code = events.value[0]?.code as string;
    const info = (await invoke(win.webContents.id, 'file:///a/index.html', 'kit.info', {})) as {
      ok: true;
      value: { port: number };
    };
    const base = `http://127.0.0.1:${info.value.port}`;
    const reg = await fetch(`${base}/join/${code}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Desk' }),
    });
    const { apiKey } = (await reg.json()) as { apiKey: string };
    const before = state.sent.length;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        fetch(`${base}/api/v1/openai/deployments/playground/chat/completions?api-version=2024-10-21`, {
          method: 'POST',
          headers: { 'api-key': apiKey, 'content-type': 'application/json' },
          body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
        }).then((r) => r.arrayBuffer()),
      ),
    );
    await vi.waitFor(() => {
      const records = state.sent.slice(before).flatMap(([, batch]) => batch as unknown[]);
      expect(records).toHaveLength(10);
    });
    const batches = state.sent.slice(before);
    expect(batches.every(([channel]) => channel === 'kit:traffic')).toBe(true);
    expect(batches.length).toBeLessThan(10);
  });

  it('keeps the computer awake exactly while an event is live: from the start of the clock to its end, and not after deletion', async () => {
    const win = state.windows[0] as unknown as { webContents: { id: number } };
    const call = async <T>(method: string, input: unknown) => {
      const r = await invoke(win.webContents.id, 'file:///a/index.html', method, input);
      if (!r.ok) throw new Error(r.error.message);
      return r.value as T;
    };
    const suspension = () => [...state.blockers.values()].filter((t) => t === 'prevent-app-suspension').length;
    // The demo event is live since start: held, and the tray says until when (with the weekday once the
    // demo's eight hours end tomorrow, as they do when the test runs after 16:00 local time).
    expect(suspension()).toBe(1);
    await vi.waitFor(
      () =>
        expect((state.tray.menu as Array<{ label?: string }>).map((i) => i.label)).toContainEqual(
          expect.stringMatching(/^Keeping this computer awake until (\w{3} )?\d\d:\d\d/),
        ),
      { timeout: 10_000 },
    );
    const info = await call<{ preflight: { keepAwake: { state: string; mechanism: string } } }>('kit.info', {});
    expect(info.preflight.keepAwake).toMatchObject({ state: 'holding', mechanism: 'powerSaveBlocker' });

    // Deleting the live event releases it at once.
    const events = await call<Array<{ id: string }>>('events.list', {});
    for (const e of events) await call('events.remove', { id: e.id });
    await vi.waitFor(() => expect(suspension()).toBe(0));

    // An event that starts in a moment: nobody touches the app, the clock takes the blocker and the end releases it.
    const resource = await call<{ id: string }>('resources.create', {
      name: 'Playground',
      kind: 'playground',
      deployment: 'playground',
      auth: { type: 'none' },
      enabled: true,
    });
    const startsAt = Date.now() + 1500;
    await call('events.create', {
      name: 'Soon',
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(startsAt + 2000).toISOString(),
      timeZone: 'Europe/Paris',
      dailyRequestCap: 0,
      maxTokenCap: 0,
      resourceIds: [resource.id],
      enabled: true,
    });
    expect(suspension()).toBe(0);
    await vi.waitFor(() => expect(suspension()).toBe(1), { timeout: 8_000, interval: 50 });
    expect(Date.now()).toBeGreaterThanOrEqual(startsAt);
    await vi.waitFor(() => expect(suspension()).toBe(0), { timeout: 8_000, interval: 50 });
    expect(Date.now()).toBeGreaterThanOrEqual(startsAt + 2000);

    // One live at quit: released by the quit (checked after quitting, in afterAll).
    await call('events.create', {
      name: 'At quit',
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
      timeZone: 'Europe/Paris',
      dailyRequestCap: 0,
      maxTokenCap: 0,
      resourceIds: [resource.id],
      enabled: true,
    });
    await vi.waitFor(() => expect(suspension()).toBe(1));
  });

  it('looks again when the machine resumes from sleep', () => {
    expect(state.powerListeners.has('resume')).toBe(true);
    expect(() => state.powerListeners.get('resume')?.()).not.toThrow();
  });

  it('keeps the display on while the projector view is open, and only then', () => {
    const win = state.windows[0] as unknown as { webContents: { navigate(hash: string): void } };
    const display = () => [...state.blockers.values()].filter((t) => t === 'prevent-display-sleep').length;
    expect(display()).toBe(0);
    win.webContents.navigate('#/projector/evt_1');
    expect(display()).toBe(1);
    win.webContents.navigate('#/projector/evt_2');
    expect(display()).toBe(1);
    win.webContents.navigate('#/traffic');
    expect(display()).toBe(0);
    // Left open on the projector: the quit releases it (afterAll).
    win.webContents.navigate('#/projector');
    expect(display()).toBe(1);
  });
});
