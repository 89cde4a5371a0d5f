/**
 * `kit.info().preflight` from the real kit: disk, power (null where unknown),
 * LAN addresses with the one on the QR code, resources' last tests and
 * health, the distinct devices that opened a join page from other client
 * addresses (real TCP connections from 127.0.0.x), the "no devices" advice,
 * keep-awake following the events, and the warnings raised while it runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AcquireResult, WakeLock } from '../../../../electron/core/event-day/keep-awake.js';
import type { KitWarning } from '../../../../shared/types.js';
import { forwardFrom } from '../../../support/from-address.js';
import { eventInput, hour, startKit, type TestKit } from '../../../support/kit.js';

class FakeLock implements WakeLock {
  mechanism = 'fake';
  held = false;
  async acquire(): Promise<AcquireResult> {
    this.held = true;
    return { ok: true };
  }
  release() {
    this.held = false;
  }
}

let kit: TestKit | undefined;
afterEach(async () => {
  await kit?.stop();
  kit = undefined;
});

const playground = (k: TestKit) =>
  k.call('resources.create', {
    name: 'Playground',
    kind: 'playground',
    deployment: 'playground',
    auth: { type: 'none' },
    enabled: true,
  });

describe('kit.info preflight', () => {
  it('carries disk, power, network, clock, resources, reach and keep-awake, each check with a level', async () => {
    kit = await startKit({ power: async () => ({ onBattery: true, level: 0.5, charging: false, source: 'test' }) });
    const down = await kit.call('resources.create', {
      name: 'Down',
      kind: 'azure-openai',
      endpoint: 'http://127.0.0.1:9',
      deployment: 'gpt-4o-mini',
      auth: { type: 'api-key', key: 'k' },
      enabled: true,
    });
    await kit.call('events.create', eventInput([down.id]));
    await kit.call('resources.test', { id: down.id });
    await kit.readiness.refresh();
    const p = (await kit.call('kit.info', {})).preflight;
    expect(p.checks.map((c) => c.id)).toEqual([
      'resources',
      'disk',
      'power',
      'network',
      'clock',
      'keep-awake',
      'reach',
    ]);
    for (const c of p.checks) expect(['green', 'amber', 'red']).toContain(c.level);
    expect(p.disk?.path).toBe(kit.dataDir);
    expect(p.disk?.freeBytes).toBeGreaterThan(0);
    expect(p.disk?.storeBytes).toBeGreaterThan(0);
    expect(p.power).toEqual({ onBattery: true, level: 0.5, charging: false, source: 'test' });
    expect(p.checks.find((c) => c.id === 'power')).toMatchObject({ level: 'amber', summary: 'On battery, 50 %.' });
    // The test kit listens on 127.0.0.1 only: that is said, red.
    expect(p.network).toMatchObject({ host: '127.0.0.1', addresses: [{ address: '127.0.0.1', onQrCode: true }] });
    expect(p.checks.find((c) => c.id === 'network')?.level).toBe('red');
    expect(p.resources).toMatchObject([
      { resourceId: down.id, health: 'failing', inUse: true, lastTest: { ok: false } },
    ]);
    expect(p.checks.find((c) => c.id === 'resources')).toMatchObject({
      level: 'red',
      summary: /“Down” is failing: Not reachable/,
    });
    expect(p.reach).toMatchObject({ devices: 0, peers: 0 });
    // No wake lock was given to this kit: it says it cannot, and what to set.
    expect(p.keepAwake).toMatchObject({ state: 'unavailable', mechanism: null });
    expect(p.clock.events).toHaveLength(1);
    // A failing upstream that a live event uses is a warning too.
    expect(p.warnings).toMatchObject([{ key: `upstream:${down.id}`, level: 'amber' }]);
  });

  it('power is null where the machine does not say', async () => {
    kit = await startKit();
    expect((await kit.call('kit.info', {})).preflight.power).toBeNull();
  });

  it('counts distinct devices that open a join page from other addresses, never this machine, per event', async () => {
    kit = await startKit({ ownAddresses: ['127.0.0.1'], quietMs: 0 });
    const pg = await playground(kit);
    const a = await kit.call('events.create', eventInput([pg.id], { code: 'alpha' }));
    const b = await kit.call('events.create', eventInput([pg.id], { code: 'beta' }));
    const target = { host: '127.0.0.1', port: Number(new URL(kit.localUrl).port) };
    const info = async () => (await kit?.call('kit.info', {}))?.preflight;

    // Live events, nobody came: the advice is there (quietMs 0 for the test).
    expect((await info())?.reach.noDevices).toBeDefined();
    expect((await info())?.checks.find((c) => c.id === 'reach')?.level).toBe('red');

    // The organizer's own browser opening the page is not a device.
    await (await fetch(`${kit.localUrl}/join/alpha`)).text();
    expect((await info())?.reach.devices).toBe(0);

    const phones = await Promise.all(['127.0.0.2', '127.0.0.3', '127.0.0.4'].map((f) => forwardFrom(f, target)));
    try {
      for (const [i, p] of phones.entries()) {
        const first = await fetch(`${p.url}/join/alpha`);
        await first.text();
        const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] as string;
        expect(cookie).toMatch(/^kit_device=/);
        // Reloads with the cookie, and the first phone also opens the other event's page.
        await (await fetch(`${p.url}/join/alpha`, { headers: { cookie } })).text();
        if (i === 0) await (await fetch(`${p.url}/join/beta`, { headers: { cookie } })).text();
        expect((await info())?.reach.devices).toBe(i + 1);
      }
      const reach = (await info())?.reach;
      expect(reach?.peers).toBe(3);
      expect(reach?.noDevices).toBeUndefined();
      expect(reach?.byEvent).toEqual(
        expect.arrayContaining([
          { eventId: a.id, devices: 3 },
          { eventId: b.id, devices: 1 },
        ]),
      );
      expect((await info())?.checks.find((c) => c.id === 'reach')?.summary).toBe(
        '3 devices have opened the join page.',
      );
    } finally {
      await Promise.all(phones.map((p) => p.close()));
    }
  });

  it('keep-awake follows the events: held while one is live, released on disable, deletion and close', async () => {
    const lock = new FakeLock();
    kit = await startKit({ wakeLock: lock });
    const pg = await playground(kit);
    expect(lock.held).toBe(false);
    const e = await kit.call('events.create', eventInput([pg.id]));
    await kit.keepAwake.refresh();
    expect(lock.held).toBe(true);
    expect((await kit.call('kit.info', {})).preflight.keepAwake).toMatchObject({ state: 'holding', mechanism: 'fake' });
    await kit.call('events.update', { id: e.id, enabled: false });
    await kit.keepAwake.refresh();
    expect(lock.held).toBe(false);
    await kit.call('events.update', { id: e.id, enabled: true });
    await kit.keepAwake.refresh();
    expect(lock.held).toBe(true);
    await kit.call('events.remove', { id: e.id });
    await kit.keepAwake.refresh();
    expect(lock.held).toBe(false);
    // An event that starts in the future is not held for; one live at close is released by close.
    await kit.call(
      'events.create',
      eventInput([pg.id], {
        startsAt: new Date(Date.now() + hour).toISOString(),
        endsAt: new Date(Date.now() + 2 * hour).toISOString(),
      }),
    );
    await kit.keepAwake.refresh();
    expect(lock.held).toBe(false);
    await kit.call('events.create', eventInput([pg.id]));
    await kit.keepAwake.refresh();
    expect(lock.held).toBe(true);
    await kit.stop();
    kit = undefined;
    expect(lock.held).toBe(false);
  });

  it('warns once per episode: a battery falling below 20 % while discharging', async () => {
    let level = 0.5;
    kit = await startKit({ power: async () => ({ onBattery: true, level, charging: false, source: 'test' }) });
    const seen: KitWarning[] = [];
    kit.readiness.onWarning((w) => seen.push(w));
    await kit.readiness.refresh();
    expect(seen).toEqual([]);
    level = 0.18;
    await kit.readiness.refresh();
    level = 0.17;
    await kit.readiness.refresh();
    expect(seen).toMatchObject([{ key: 'battery-low', level: 'red', title: 'Battery at 18 % and discharging' }]);
    expect((await kit.call('kit.info', {})).preflight.warnings).toMatchObject([
      { title: 'Battery at 17 % and discharging' },
    ]);
    // Hovering around the threshold is the same episode.
    level = 0.21;
    await kit.readiness.refresh();
    level = 0.19;
    await kit.readiness.refresh();
    expect(seen).toHaveLength(1);
  });

  it('says when the port moved, and puts the address the organizer picks on the QR code', async () => {
    const first = await startKit();
    try {
      const taken = Number(new URL(first.localUrl).port);
      kit = await startKit({ port: taken, portFallback: true });
      const info = await kit.call('kit.info', {});
      expect(info.port).not.toBe(taken);
      expect(info.preflight.network).toMatchObject({ configuredPort: taken, port: info.port });
      expect(info.preflight.network.portNote).toMatch(new RegExp(`port ${taken} was in use by another program`));
      await expect(startKit({ port: taken })).rejects.toThrow(/in use by another program/);
    } finally {
      await first.stop();
    }
    await expect(kit.call('kit.chooseAddress', { address: '10.9.9.9' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    const info = await kit.call('kit.chooseAddress', { address: '127.0.0.1' });
    expect(info.lanUrls[0]).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  it('warns when a real disk fills: below what the next hour needs (a small tmpfs)', async (ctx) => {
    const dir = await mkdtemp(join(tmpdir(), 'kit-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=160m', 'tmpfs', dir], { stdio: 'ignore' });
    } catch {
      await rm(dir, { recursive: true, force: true });
      ctx.skip('mounting a tmpfs is refused here (not root, or no mount permission)');
      return;
    }
    try {
      kit = await startKit({ dataDir: join(dir, 'data') });
      const seen: KitWarning[] = [];
      kit.readiness.onWarning((w) => seen.push(w));
      await kit.readiness.refresh();
      expect(seen).toEqual([]);
      // A screen recording fills the disk to 40 MB free: less than the next hour's 64 MB+.
      await writeFile(join(dir, 'recording.mov'), Buffer.alloc(120 * 1024 * 1024));
      await kit.readiness.refresh();
      expect(seen).toMatchObject([{ key: 'disk-low', level: 'red', title: 'The disk is almost full' }]);
      expect(seen[0]?.message).toMatch(/MB free where the store lives; the next hour needs about \d+(\.\d)? MB/);
      const p = (await kit.call('kit.info', {})).preflight;
      expect(p.checks.find((c) => c.id === 'disk')?.level).toBe('red');
      await kit.readiness.refresh();
      expect(seen).toHaveLength(1);
      // Full to the last byte: the store cannot save; one banner area says so, next to the disk warning.
      await writeFile(join(dir, 'filler'), Buffer.alloc(64 * 1024 * 1024)).catch(() => undefined);
      await expect(kit.call('events.create', eventInput([]))).rejects.toMatchObject({ code: 'store_unavailable' });
      const full = (await kit.call('kit.info', {})).preflight.warnings;
      expect(full.map((w) => w.key)).toEqual(['disk-low', 'store-unavailable']);
      expect(full[1]).toMatchObject({
        level: 'red',
        title: 'The kit cannot save: the disk is full.',
        message: /^Registrations, admin changes .* Free some space/,
        sticky: true,
      });
      expect(seen.map((w) => w.key)).toEqual(['disk-low', 'store-unavailable']);
      // Space again: the next write lands, and both warnings are gone.
      await unlink(join(dir, 'filler'));
      await unlink(join(dir, 'recording.mov'));
      await kit.call('events.create', eventInput([]));
      await kit.readiness.refresh();
      expect((await kit.call('kit.info', {})).preflight.warnings).toEqual([]);
    } finally {
      await kit?.stop();
      kit = undefined;
      execFileSync('umount', [dir]);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
