/**
 * The store's promise under failing writes: every acknowledged change is in
 * the file, nothing refused is in it or in memory, memory equals the file
 * after every failure, a batch that fails takes the changes queued behind it
 * down too (and none is acknowledged wrongly), the error is
 * `store_unavailable` with a sentence an organizer can act on, and the kit
 * log names the cause once per episode and says when it saves again.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KitError } from '../../../../electron/core/errors.js';
import type { JsonStore } from '../../../../electron/core/store/json-store.js';
import { openStore } from '../../../../electron/core/store/open-store.js';
import { secretBoxFromKey } from '../../../../electron/core/store/secret-box.js';
import { type Fault, FaultyFiles } from '../../../support/faulty-files.js';

const box = secretBoxFromKey(Buffer.alloc(32, 7));

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'kit-rollback-'));
  const files = new FaultyFiles();
  const log: string[] = [];
  const store = await openStore(dir, box, { files, log: (l) => log.push(l) });
  await store.saveEvent({
    id: 'e1',
    name: 'E',
    code: 'e1',
    startsAt: '2026-06-01T08:00:00Z',
    endsAt: '2026-06-01T17:00:00Z',
    timeZone: 'UTC',
    dailyRequestCap: 0,
    maxTokenCap: 0,
    resourceIds: [],
    enabled: true,
    createdAt: '',
  });
  const onDisk = async () => JSON.parse(await readFile(join(dir, 'store.json'), 'utf8'));
  return { dir, files, log, store, onDisk };
}

let n = 0;
const join1 = (store: JsonStore, capacity?: number) =>
  store.joinEvent({
    attendee: {
      id: `att_${++n}`,
      eventId: 'e1',
      keyHash: `hash_${n}`,
      keyHint: 'apk-…',
      revoked: false,
      issued: false,
      createdAt: '',
    },
    capacity,
  });

/** Runs `ops` at once; which were acknowledged and which refused, by id. */
async function settle(ops: Array<[string, Promise<unknown>]>) {
  const acked: string[] = [];
  const refused: KitError[] = [];
  for (const [id, p] of ops) {
    try {
      await p;
      acked.push(id);
    } catch (e) {
      refused.push(e as KitError);
    }
  }
  return { acked, refused };
}

/** Memory and disk hold the same data (the store keeps no secrets here, so sealing changes nothing). */
async function expectMemoryIsDisk(store: JsonStore, onDisk: () => Promise<unknown>) {
  expect(JSON.parse(JSON.stringify(store.data))).toEqual(await onDisk());
}

const faults: Fault[] = [
  { at: 'write', offset: 40, errno: 'ENOSPC' },
  { at: 'write', offset: 0, errno: 'EIO' },
  { at: 'open', errno: 'EROFS' },
  { at: 'sync', errno: 'EIO' },
  { at: 'close', errno: 'EIO' },
  { at: 'rename', errno: 'EPERM' },
  { at: 'dir-sync', errno: 'EIO' },
];

describe('a store whose writes fail', () => {
  it.each(faults.map((f) => [`${f.at} ${'errno' in f ? f.errno : ''}`, f] as const))(
    'keeps every acknowledged change and nothing refused (%s)',
    async (_name, fault) => {
      const { files, store, onDisk } = await setup();
      const before = await settle([1, 2, 3].map(() => [`ok`, join1(store)]));
      expect(before.refused).toEqual([]);
      const ids = () => store.attendees.map((a) => a.id);
      const kept = ids();

      files.fault = fault;
      const during = await settle([
        ['a', join1(store)],
        ['b', join1(store)],
        ['r', store.setRevoked(kept[0] as string, true)],
        ['l', store.setAttendeeLimits(kept[1] as string, { requestsPerMinute: 5 })],
        [
          'o',
          store.recordObjects([
            {
              id: 'asst_1',
              type: 'assistant',
              attendeeId: kept[0] as string,
              eventId: 'e1',
              resourceId: 'r',
              createdAt: '',
            },
          ]),
        ],
      ]);
      expect(during.acked).toEqual([]);
      expect(during.refused.map((e) => e.code)).toEqual(Array(5).fill('store_unavailable'));
      // Memory is back where the disk is: no refused attendee, no revocation, no limits, no object.
      expect(ids()).toEqual(kept);
      expect(store.attendee(kept[0] as string)?.revoked).toBe(false);
      expect(store.attendee(kept[1] as string)?.limits).toBeUndefined();
      expect(store.ownedObject('assistant', 'asst_1')).toBeUndefined();
      await expectMemoryIsDisk(store, onDisk);
      expect(store.status()).toMatchObject({ state: 'failing' });

      files.fault = undefined;
      const after = await join1(store);
      expect(after.outcome).toBe('created');
      expect(store.status().state).toBe('ok');
      await expectMemoryIsDisk(store, onDisk);
      expect((await onDisk()).attendees).toHaveLength(kept.length + 1);
    },
  );

  /** Holds the next write before its rename until the returned function is called. */
  function holdNextWrite(files: FaultyFiles, then?: () => void) {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const at = (files.calls.rename ?? 0) + 1;
    files.beforeRename = async (n) => {
      if (n === at) await held;
      else then?.();
    };
    return release;
  }

  it('refuses the changes queued behind a failed write too, and acknowledges none of them wrongly', async () => {
    const { files, store, onDisk } = await setup();
    const release = holdNextWrite(files);
    const first = join1(store); // this write starts now and waits before its rename
    const queued = Array.from({ length: 10 }, () => join1(store));
    // While the write is in flight, memory holds all eleven (a capacity check counts them).
    expect(store.attendees).toHaveLength(11);
    files.fault = { at: 'rename', errno: 'EIO' };
    release();
    const all = await settle([['first', first], ...queued.map((p) => ['queued', p] as [string, Promise<unknown>])]);
    expect(all.acked).toEqual([]);
    expect(all.refused).toHaveLength(11);
    expect(store.attendees).toHaveLength(0);
    await expectMemoryIsDisk(store, onDisk);
    files.fault = undefined;
    expect((await join1(store)).outcome).toBe('created');
    await expectMemoryIsDisk(store, onDisk);
  });

  it('acknowledges a write that landed, and refuses the batch queued behind it when that one fails', async () => {
    const { files, store, onDisk } = await setup();
    // The first write lands; the next one (the five queued meanwhile, sharing one write) fails.
    const release = holdNextWrite(files, () => {
      files.fault = { at: 'rename', errno: 'EIO' };
    });
    const first = join1(store);
    const behind = Array.from({ length: 5 }, () => join1(store));
    release();
    const r = await settle([['first', first], ...behind.map((p) => ['behind', p] as [string, Promise<unknown>])]);
    expect(r.acked).toEqual(['first']);
    expect(r.refused.map((e) => e.code)).toEqual(Array(5).fill('store_unavailable'));
    expect(store.attendees).toHaveLength(1);
    await expectMemoryIsDisk(store, onDisk);
  });

  it('puts the last good file back when the directory fsync fails after the rename', async () => {
    const { files, store, onDisk } = await setup();
    await join1(store);
    files.fault = { at: 'dir-sync', errno: 'EIO', times: 1 };
    await expect(join1(store)).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(store.attendees).toHaveLength(1);
    await expectMemoryIsDisk(store, onDisk);
  });

  it('says what is wrong and what to do, in the error, the status and once in the log per episode', async () => {
    const { files, store, log } = await setup();
    files.fault = { at: 'write', offset: 0, errno: 'ENOSPC' };
    const errors = await settle(Array.from({ length: 20 }, () => ['x', join1(store)] as [string, Promise<unknown>]));
    for (let i = 0; i < 5; i++) await join1(store).catch(() => undefined);
    const e = errors.refused[0] as KitError;
    expect(e.status).toBe(503);
    expect(e.message).toMatch(
      /^The kit cannot save: the disk is full\. Nothing was changed; try again once the organizer/,
    );
    expect(e.headers['x-should-retry']).toBe('false');
    expect(store.status()).toMatchObject({
      state: 'failing',
      cause: 'disk-full',
      message: 'The kit cannot save: the disk is full.',
    });
    expect(log.filter((l) => l.includes('cannot save'))).toHaveLength(1);
    // A different cause is news.
    files.fault = { at: 'open', errno: 'EROFS' };
    await join1(store).catch(() => undefined);
    expect(store.status().cause).toBe('read-only');
    expect(log.filter((l) => l.includes('cannot save'))).toHaveLength(2);
    files.fault = undefined;
    await join1(store);
    expect(store.status()).toMatchObject({ state: 'ok', message: '' });
    expect(log.filter((l) => l.includes('saves again'))).toHaveLength(1);
  });

  it('checks a capacity against what memory holds, so two last-seat registrations cannot both get in', async () => {
    const { store } = await setup();
    const results = await Promise.all([join1(store, 1), join1(store, 1)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['created', 'full']);
  });
});
