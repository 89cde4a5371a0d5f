/** The IPC binding on its own: sender check before any work, method and input validation, batched pushes. */
import { describe, expect, it, vi } from 'vitest';
import type { Handlers } from '../../electron/core/admin/service.js';
import { TrafficFeed } from '../../electron/core/traffic/feed.js';
import { ADMIN_CHANNEL, bindAdminIpc, type IpcMainLike, pushTraffic, TRAFFIC_CHANNEL } from '../../electron/ipc.js';

function bind(isTrusted: (id: number, url?: string) => boolean) {
  type Listener = Parameters<IpcMainLike['handle']>[1];
  let listener: Listener | undefined;
  const info = vi.fn(async () => ({ version: '1', lanUrls: [], port: 1, adminPort: 2, dataDir: '/d' }));
  const handlers = { 'kit.info': info } as unknown as Handlers;
  const ipc = {
    handle: (channel: string, fn: Listener) => {
      expect(channel).toBe(ADMIN_CHANNEL);
      listener = fn;
    },
    removeHandler: vi.fn(),
  };
  const unbind = bindAdminIpc(ipc, handlers, isTrusted);
  const call = (senderId: number, ...args: unknown[]) =>
    listener?.({ sender: { id: senderId }, senderFrame: { url: 'file:///app/index.html' } }, ...args);
  return { call, info, unbind, ipc };
}

describe('IPC admin binding', () => {
  it('refuses an untrusted sender before running anything', async () => {
    const b = bind((id) => id === 7);
    expect(await b.call(8, 'kit.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(b.info).not.toHaveBeenCalled();
    expect(await b.call(7, 'kit.info', {})).toMatchObject({ ok: true, value: { version: '1' } });
  });

  it('answers bad methods and inputs with admin error codes, as values', async () => {
    const b = bind(() => true);
    expect(await b.call(1, 42, {})).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await b.call(1, 'kit.explode', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await b.call(1, 'kit.info', { extra: true })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(b.info).not.toHaveBeenCalled();
    b.unbind();
    expect(b.ipc.removeHandler).toHaveBeenCalledWith(ADMIN_CHANNEL);
  });
});

describe('traffic push', () => {
  it('sends the feed’s batches, not single records, and stops for a destroyed window', async () => {
    const feed = new TrafficFeed(100, 20);
    const sent: unknown[][] = [];
    let destroyed = false;
    const stop = pushTraffic(feed, {
      id: 1,
      send: (channel, batch) => {
        expect(channel).toBe(TRAFFIC_CHANNEL);
        sent.push(batch as unknown[]);
      },
      isDestroyed: () => destroyed,
    });
    const record = {
      at: new Date().toISOString(),
      method: 'POST',
      route: '/r',
      path: '/p',
      status: 200,
      durationMs: 1,
    };
    for (let i = 0; i < 30; i++) feed.push({ ...record });
    await vi.waitFor(() => expect(sent.flat()).toHaveLength(30));
    expect(sent.length).toBeLessThanOrEqual(2);
    destroyed = true;
    feed.push({ ...record });
    await new Promise((r) => setTimeout(r, 60));
    expect(sent.flat()).toHaveLength(30);
    stop();
    feed.close();
  });
});
