/**
 * The store operations behind reusing events and restoring backups: an event
 * archived and brought back with nothing else changed, a copy that takes
 * every setting but none of the people or numbers, an export of everything,
 * and a replace of everything that keeps the store it replaced aside, leaves
 * the newest snapshot holding the new store, and changes nothing (memory
 * included) when it cannot be saved or the old store cannot be kept.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../../electron/core/store/open-store.js';
import { secretBoxFromKey } from '../../../../electron/core/store/secret-box.js';
import type { StoreContents } from '../../../../electron/core/store/store-driver.js';
import type { KitEvent } from '../../../../shared/types.js';
import { FaultyFiles } from '../../../support/faulty-files.js';

const box = secretBoxFromKey(Buffer.alloc(32, 3));

const event = (id: string, over: Partial<KitEvent> = {}): KitEvent => ({
  id,
  name: `Event ${id}`,
  code: id,
  startsAt: '2026-06-01T08:00:00Z',
  endsAt: '2026-06-01T17:00:00Z',
  timeZone: 'Europe/Paris',
  dailyRequestCap: 50,
  maxTokenCap: 2048,
  dailyTokenBudget: 100_000,
  capacity: 30,
  joinPassword: 'lemon',
  allowedOrigins: ['http://localhost:5173'],
  costBudget: { amount: 25, currency: 'EUR' },
  resourceIds: ['r1'],
  enabled: true,
  createdAt: '2026-05-01T00:00:00Z',
  ...over,
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'kit-reuse-'));
  const files = new FaultyFiles();
  const store = await openStore(dir, box, { files, log: () => undefined });
  await store.saveEvent(event('lab'));
  await store.joinEvent({
    attendee: {
      id: 'att_1',
      eventId: 'lab',
      keyHash: 'h1',
      keyHint: 'apk-1',
      revoked: false,
      issued: false,
      createdAt: '',
    },
  });
  await store.addUsage([
    {
      eventId: 'lab',
      attendeeId: 'att_1',
      deployment: 'gpt',
      day: '2026-06-01',
      requests: 3,
      promptTokens: 30,
      completionTokens: 12,
      totalTokens: 42,
      errors: 1,
      firstCallAt: '2026-06-01T08:10:00.000Z',
      lastCallAt: '2026-06-01T09:00:00.000Z',
    },
  ]);
  const onDisk = async () => JSON.parse(await readFile(join(dir, 'store.json'), 'utf8'));
  return { dir, files, store, onDisk };
}

describe('archiving and duplicating events in the store', () => {
  it('archives and brings back an event, keeping its attendees and usage', async () => {
    const { store, onDisk } = await setup();
    const archived = await store.setArchived('lab', '2026-06-02T10:00:00.000Z');
    expect(archived).toMatchObject({ id: 'lab', archivedAt: '2026-06-02T10:00:00.000Z', joinPassword: 'lemon' });
    expect(store.event('lab')?.archivedAt).toBe('2026-06-02T10:00:00.000Z');
    expect((await onDisk()).events[0].archivedAt).toBe('2026-06-02T10:00:00.000Z');
    expect(store.attendeesOf('lab')).toHaveLength(1);
    expect(store.usage).toHaveLength(1);
    const back = await store.setArchived('lab', null);
    expect(back).not.toHaveProperty('archivedAt');
    expect((await onDisk()).events[0]).not.toHaveProperty('archivedAt');
    expect(await store.setArchived('nope', null)).toBeUndefined();
  });

  it('copies every setting of an event under new names and dates, with nobody in it', async () => {
    const { store, onDisk } = await setup();
    await store.setArchived('lab', '2026-06-02T10:00:00.000Z');
    const copy = await store.duplicateEvent({
      sourceId: 'lab',
      id: 'lab2',
      name: 'Lab, again',
      code: 'lab-2',
      startsAt: '2026-06-08T08:00:00Z',
      endsAt: '2026-06-08T17:00:00Z',
      createdAt: '2026-06-03T00:00:00Z',
    });
    const { id, name, code, startsAt, endsAt, createdAt, archivedAt, ...settings } = event('lab');
    expect(archivedAt).toBeUndefined();
    expect(copy).toEqual({
      ...settings,
      id: 'lab2',
      name: 'Lab, again',
      code: 'lab-2',
      startsAt: '2026-06-08T08:00:00Z',
      endsAt: '2026-06-08T17:00:00Z',
      createdAt: '2026-06-03T00:00:00Z',
    });
    expect(store.eventByCode('LAB-2')?.id).toBe('lab2');
    expect(store.attendeesOf('lab2')).toEqual([]);
    expect(store.usage.filter((u) => u.eventId === 'lab2')).toEqual([]);
    expect((await onDisk()).events.map((e: KitEvent) => e.id)).toEqual(['lab', 'lab2']);
    await expect(
      store.duplicateEvent({ ...copy, sourceId: 'lab', id: 'lab3', code: 'LAB' } as never),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(
      await store.duplicateEvent({
        sourceId: 'gone',
        id: 'x',
        name: 'x',
        code: 'x1',
        startsAt: '',
        endsAt: '',
        createdAt: '',
      }),
    ).toBeUndefined();
  });

  it('refuses an archive or a copy it cannot save, and keeps neither in memory', async () => {
    const { files, store, onDisk } = await setup();
    files.fault = { at: 'rename', errno: 'ENOSPC' };
    await expect(store.setArchived('lab', '2026-06-02T10:00:00.000Z')).rejects.toMatchObject({
      code: 'store_unavailable',
    });
    await expect(
      store.duplicateEvent({
        sourceId: 'lab',
        id: 'lab2',
        name: 'n',
        code: 'lab-2',
        startsAt: '',
        endsAt: '',
        createdAt: '',
      }),
    ).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(store.event('lab')?.archivedAt).toBeUndefined();
    expect(store.event('lab2')).toBeUndefined();
    expect(store.eventByCode('lab-2')).toBeUndefined();
    expect((await onDisk()).events).toHaveLength(1);
  });
});

describe('replacing everything the store holds', () => {
  const restored = (): StoreContents => ({
    resources: [
      {
        id: 'r9',
        name: 'Restored',
        kind: 'azure-openai',
        endpoint: 'https://x.openai.azure.com',
        deployment: 'gpt',
        auth: { type: 'api-key', key: 'restored-upstream-secret' },
        enabled: true,
        createdAt: '',
      },
    ],
    events: [event('other', { resourceIds: ['r9'] })],
    attendees: [
      { id: 'att_9', eventId: 'other', keyHash: 'h9', keyHint: 'apk-9', revoked: false, issued: false, createdAt: '' },
    ],
    objects: [
      { id: 'asst_9', type: 'assistant', attendeeId: 'att_9', eventId: 'other', resourceId: 'r9', createdAt: '' },
    ],
    usage: [
      {
        eventId: 'other',
        attendeeId: 'att_9',
        deployment: 'gpt',
        day: '2026-06-01',
        requests: 7,
        promptTokens: 1,
        completionTokens: 1,
        totalTokens: 2,
        errors: 0,
      },
    ],
  });

  it('exports what it holds, and replaces it whole, keeping the old store aside and snapshotting the new', async () => {
    const { dir, store, onDisk } = await setup();
    const before = await store.exportAll();
    expect(before.events.map((e) => e.id)).toEqual(['lab']);
    expect(before.usage[0]).toMatchObject({ requests: 3, firstCallAt: '2026-06-01T08:10:00.000Z' });
    const oldText = await readFile(join(dir, 'store.json'), 'utf8');

    await store.replaceAll(restored());
    expect(store.event('lab')).toBeUndefined();
    expect(store.eventByCode('other')?.id).toBe('other');
    expect(store.attendeeByKeyHash('h9')?.id).toBe('att_9');
    expect(store.attendeeByKeyHash('h1')).toBeUndefined();
    expect(store.ownedObject('assistant', 'asst_9')?.attendeeId).toBe('att_9');
    expect(store.resourcesOf(store.event('other') as KitEvent).map((r) => r.id)).toEqual(['r9']);
    const disk = await onDisk();
    expect(disk.events.map((e: KitEvent) => e.id)).toEqual(['other']);
    // Secrets are sealed under this store's key on the way to disk.
    expect(JSON.stringify(disk)).not.toContain('restored-upstream-secret');

    const snaps = await readdir(join(dir, 'snapshots'));
    const aside = snaps.filter((n) => n.startsWith('before-restore-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dir, 'snapshots', aside[0] as string), 'utf8')).toBe(oldText);
    // The newest rotating snapshot is the restored store: a damaged file later starts from it.
    const newest = snaps
      .filter((n) => n.startsWith('store-'))
      .sort()
      .at(-1) as string;
    expect(JSON.parse(await readFile(join(dir, 'snapshots', newest), 'utf8')).events[0].id).toBe('other');

    const reopened = await openStore(dir, box, { log: () => undefined });
    expect(reopened.resource('r9')?.auth).toEqual({ type: 'api-key', key: 'restored-upstream-secret' });
    expect(reopened.usage).toEqual(restored().usage);
  });

  it('changes nothing, memory included, when the new store cannot be saved', async () => {
    const { files, store, onDisk } = await setup();
    const before = await onDisk();
    files.fault = { at: 'write', offset: 10, errno: 'ENOSPC' };
    await expect(store.replaceAll(restored())).rejects.toMatchObject({ code: 'store_unavailable', status: 503 });
    expect(store.event('lab')?.name).toBe('Event lab');
    expect(store.event('other')).toBeUndefined();
    expect(store.attendeeByKeyHash('h1')?.id).toBe('att_1');
    expect(store.attendeeByKeyHash('h9')).toBeUndefined();
    expect(await onDisk()).toEqual(before);
    files.fault = undefined;
    await store.replaceAll(restored());
    expect(store.event('other')).toBeDefined();
  });

  it('refuses, changing nothing, when the store it replaces cannot be kept', async () => {
    const { dir, store, onDisk } = await setup();
    const before = await onDisk();
    // A file where the snapshots folder should be: no snapshot can be kept, even by root.
    await rm(join(dir, 'snapshots'), { recursive: true, force: true });
    await writeFile(join(dir, 'snapshots'), 'in the way');
    await expect(store.replaceAll(restored())).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(store.event('lab')).toBeDefined();
    expect(store.event('other')).toBeUndefined();
    expect(await onDisk()).toEqual(before);
  });
});
