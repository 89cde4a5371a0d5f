/**
 * Start-up from damage: a truncated or corrupted `store.json` is moved aside
 * (never overwritten) and the newest good snapshot is loaded, the status says
 * what was recovered and from when; a damaged newest snapshot is skipped;
 * no snapshot means an empty store, said so; snapshots rotate within their
 * bound; a file from a newer kit is refused, not "recovered".
 */
import { mkdtemp, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonStore } from '../../../../electron/core/store/json-store.js';
import { openStore } from '../../../../electron/core/store/open-store.js';
import { secretBoxFromKey } from '../../../../electron/core/store/secret-box.js';
import { KEEP_SNAPSHOTS, Snapshots } from '../../../../electron/core/store/snapshots.js';

const box = secretBoxFromKey(Buffer.alloc(32, 3));
const quiet = { log: () => undefined };

const event = (id: string) => ({
  id,
  name: id,
  code: id,
  startsAt: '2026-06-01T08:00:00Z',
  endsAt: '2026-06-01T17:00:00Z',
  timeZone: 'UTC',
  dailyRequestCap: 0,
  maxTokenCap: 0,
  resourceIds: [],
  enabled: true,
  createdAt: '',
});

async function register(store: JsonStore, n: number, prefix: string) {
  for (let i = 0; i < n; i++) {
    await store.joinEvent({
      attendee: {
        id: `${prefix}${i}`,
        eventId: 'e1',
        keyHash: `${prefix}hash${i}`,
        keyHint: 'apk-…',
        revoked: false,
        issued: false,
        createdAt: '',
      },
    });
  }
}

/** A data dir whose store was opened twice: the second start's snapshot holds 5 attendees, the file 8. */
async function storeWithHistory() {
  const dir = await mkdtemp(join(tmpdir(), 'kit-recover-'));
  let clock = Date.parse('2026-06-01T09:00:00Z');
  const now = () => clock;
  const first = await openStore(dir, box, { ...quiet, now });
  await first.saveEvent(event('e1'));
  await register(first, 5, 'a');
  await first.close();
  clock += 30 * 60_000;
  const second = await openStore(dir, box, { ...quiet, now });
  await register(second, 3, 'b');
  await second.close();
  clock += 5 * 60_000;
  return { dir, now, file: join(dir, 'store.json') };
}

const damages: Array<[string, (file: string) => Promise<void>]> = [
  ['truncated in the middle', async (f) => truncate(f, Math.floor((await readFile(f)).length / 2))],
  ['cut to nothing', (f) => truncate(f, 0)],
  ['overwritten with junk', (f) => writeFile(f, Buffer.from([0x7b, 0, 0xff, 0x13, 0x22]))],
  ['valid JSON of the wrong shape', (f) => writeFile(f, JSON.stringify({ schemaVersion: 1, attendees: 'lost' }))],
];

describe('starting from a damaged store', () => {
  it.each(damages)('moves a store %s aside and starts from the newest good snapshot', async (_how, damage) => {
    const { dir, now, file } = await storeWithHistory();
    const before = await readFile(file);
    await damage(file);
    const damaged = await readFile(file);
    const log: string[] = [];
    const store = await openStore(dir, box, { log: (l) => log.push(l), now });

    // The snapshot of the second start: the event and the first five attendees.
    expect(store.events.map((e) => e.id)).toEqual(['e1']);
    expect(store.attendees.map((a) => a.id)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    const status = store.status();
    expect(status.recoveredFrom).toMatchObject({
      snapshot: expect.stringMatching(/^snapshots[\\/]store-2026-06-01T09-30-00-000Z\.json$/),
      savedAt: '2026-06-01T09:30:00.000Z',
      movedTo: expect.stringMatching(/^store\.json\.damaged-2026-06-01T09-35-00-000Z$/),
    });
    expect(status.notices?.[0]).toMatch(
      /store\.json could not be used: .+; it was moved to store\.json\.damaged-.+\. The kit started from the snapshot of 2026-06-01T09:30:00\.000Z \(5 minutes before this start\)/,
    );
    expect(log.join('\n')).toContain('could not be used');
    // The damaged file is kept byte for byte, and store.json is whole again.
    const aside = (await readdir(dir)).find((n) => n.startsWith('store.json.damaged-')) as string;
    expect(await readFile(join(dir, aside))).toEqual(damaged);
    expect(JSON.parse(await readFile(file, 'utf8')).attendees).toHaveLength(5);
    expect(before.length).toBeGreaterThan(0);
    // And the recovered store takes writes as usual.
    await register(store, 1, 'c');
    expect(JSON.parse(await readFile(file, 'utf8')).attendees).toHaveLength(6);
  });

  it('skips a damaged newest snapshot for an older good one', async () => {
    const { dir, now, file } = await storeWithHistory();
    const snaps = await new Snapshots(dir, file).list();
    expect(snaps).toHaveLength(2);
    await truncate((snaps[0] as { file: string }).file, 10);
    await truncate(file, 10);
    const store = await openStore(dir, box, { ...quiet, now });
    // The first start's snapshot: an empty store, as it was read then.
    expect(store.status().recoveredFrom?.savedAt).toBe('2026-06-01T09:00:00.000Z');
    expect(store.attendees).toHaveLength(0);
  });

  it('starts empty, and says so, when no snapshot is good', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kit-recover-'));
    await writeFile(join(dir, 'store.json'), '{"schemaVersion":1,"events":[{"id":');
    const store = await openStore(dir, box, quiet);
    expect(store.events).toEqual([]);
    expect(store.status().recoveredFrom).toMatchObject({ snapshot: null });
    expect(store.status().notices?.[0]).toContain(
      'No good snapshot was found, so the kit started with an empty store.',
    );
  });

  it('refuses a store written by a newer kit instead of calling it damaged', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kit-recover-'));
    await writeFile(join(dir, 'store.json'), JSON.stringify({ schemaVersion: 99 }));
    await expect(openStore(dir, box, quiet)).rejects.toThrow(/newer kit/);
    expect(await readdir(dir)).toEqual(['store.json']);
  });

  it(`keeps at most ${KEEP_SNAPSHOTS} snapshots, one per start and one per interval of writes`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kit-recover-'));
    let clock = Date.parse('2026-06-01T09:00:00Z');
    const now = () => clock;
    for (let i = 0; i < KEEP_SNAPSHOTS + 3; i++) {
      const store = await openStore(dir, box, { ...quiet, now });
      await store.saveEvent(event(`e${i}`));
      clock += 60_000;
      await store.close();
    }
    const snaps = await new Snapshots(dir, join(dir, 'store.json')).list();
    expect(snaps).toHaveLength(KEEP_SNAPSHOTS);
    // Newest first; the newest start saw every event but the last one added.
    const newest = JSON.parse(await readFile((snaps[0] as { file: string }).file, 'utf8'));
    expect(newest.events).toHaveLength(KEEP_SNAPSHOTS + 2);

    // While running, a write more than ten minutes after the last snapshot takes one.
    const store = await openStore(dir, box, { ...quiet, now });
    clock += 11 * 60_000;
    await store.saveEvent(event('late'));
    await store.close();
    const after = await new Snapshots(dir, join(dir, 'store.json')).list();
    expect(after).toHaveLength(KEEP_SNAPSHOTS);
    expect(JSON.parse(await readFile((after[0] as { file: string }).file, 'utf8')).events.at(-1).id).toBe('late');
  });
});
