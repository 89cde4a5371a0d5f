import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../../../electron/core/store/demo.js';
import { openStore } from '../../../../electron/core/store/open-store.js';
import { SCHEMA_VERSION } from '../../../../electron/core/store/schema.js';
import { fileSecretBox } from '../../../../electron/core/store/secret-box.js';

const tmp = () => mkdtemp(join(tmpdir(), 'kit-store-'));

describe('event store', () => {
  it('a mutation is on disk when its promise resolves, and reopens the same', async () => {
    const dir = await tmp();
    const box = await fileSecretBox(dir);
    const store = await openStore(dir, box);
    await seedDemo(store, Date.parse('2026-06-01T12:00:00Z'));
    const onDisk = JSON.parse(await readFile(join(dir, 'store.json'), 'utf8'));
    expect(onDisk.schemaVersion).toBe(SCHEMA_VERSION);
    expect(onDisk.events[0].code).toBe('demo');
    const again = await openStore(dir, box);
    expect(again.eventByCode('DEMO')?.name).toBe('Demo event');
    expect(again.resourcesOf(again.eventByCode('demo')!)[0]?.kind).toBe('playground');
  });

  it("keeps an attendee's limit overrides: set, merged, cleared with null, and on disk when acknowledged", async () => {
    const dir = await tmp();
    const box = await fileSecretBox(dir);
    const store = await openStore(dir, box);
    await seedDemo(store, Date.parse('2026-06-01T12:00:00Z'));
    const event = store.eventByCode('demo')!;
    await store.issueAttendees([
      { id: 'att_1', eventId: event.id, keyHash: 'h1', keyHint: 'apk-…', revoked: false, issued: true, createdAt: '' },
    ]);
    expect(await store.setAttendeeLimits('att_nope', { requestsPerMinute: 1 })).toBeUndefined();
    await store.setAttendeeLimits('att_1', { requestsPerMinute: 20, dailyRequestCap: 0 });
    const merged = await store.setAttendeeLimits('att_1', { tokensPerMinute: 5000, dailyRequestCap: null });
    expect(merged?.limits).toEqual({ requestsPerMinute: 20, tokensPerMinute: 5000 });
    expect(Object.isFrozen(merged?.limits)).toBe(true);
    expect(store.attendeeByKeyHash('h1')?.limits).toEqual({ requestsPerMinute: 20, tokensPerMinute: 5000 });
    const again = await openStore(dir, box);
    expect(again.attendee('att_1')?.limits).toEqual({ requestsPerMinute: 20, tokensPerMinute: 5000 });
    const cleared = await again.setAttendeeLimits('att_1', { requestsPerMinute: null, tokensPerMinute: null });
    expect(cleared && 'limits' in cleared).toBe(false);
  });

  it('seals upstream secrets at rest and keeps its key file private', async () => {
    const dir = await tmp();
    const box = await fileSecretBox(dir);
    const store = await openStore(dir, box);
    await store.saveResource({
      id: 'r1',
      name: 'r',
      kind: 'azure-openai',
      endpoint: 'https://x.openai.azure.com',
      deployment: 'd',
      auth: { type: 'api-key', key: 'super-secret-upstream-key' },
      enabled: true,
      createdAt: '',
    });
    const text = await readFile(join(dir, 'store.json'), 'utf8');
    expect(text).not.toContain('super-secret-upstream-key');
    expect(text).toContain('sealed:v1:');
    expect((await stat(join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
    const reopened = await openStore(dir, await fileSecretBox(dir));
    expect(reopened.resource('r1')?.auth).toEqual({ type: 'api-key', key: 'super-secret-upstream-key' });
  });

  it('migrates a file with no schema version and refuses one from a newer kit', async () => {
    const dir = await tmp();
    const box = await fileSecretBox(dir);
    await writeFile(join(dir, 'store.json'), JSON.stringify({ events: [] }));
    const s = await openStore(dir, box);
    expect(s.data.schemaVersion).toBe(SCHEMA_VERSION);
    expect(s.attendees).toEqual([]);
    await writeFile(join(dir, 'store.json'), JSON.stringify({ schemaVersion: SCHEMA_VERSION + 1 }));
    await expect(openStore(dir, box)).rejects.toThrow(/newer kit/);
  });

  it('brings a schema 1 store up to date: counters keep their counts and gain no made-up call times', async () => {
    const dir = await tmp();
    const box = await fileSecretBox(dir);
    const counter = {
      eventId: 'e',
      attendeeId: 'a',
      deployment: 'gpt',
      day: '2026-06-01',
      requests: 4,
      promptTokens: 10,
      completionTokens: 5,
      totalTokens: 15,
      errors: 1,
    };
    const event = {
      id: 'e',
      name: 'E',
      code: 'e',
      startsAt: '2026-06-01T08:00:00Z',
      endsAt: '2026-06-01T17:00:00Z',
      timeZone: 'UTC',
      dailyRequestCap: 0,
      maxTokenCap: 0,
      resourceIds: [],
      enabled: true,
      createdAt: '',
    };
    await writeFile(
      join(dir, 'store.json'),
      JSON.stringify({
        schemaVersion: 1,
        resources: [],
        events: [event],
        attendees: [],
        objects: [],
        usage: [counter],
      }),
    );
    const s = await openStore(dir, box);
    expect(s.status().recoveredFrom).toBeUndefined();
    expect(s.usage).toEqual([counter]);
    expect(JSON.parse(await readFile(join(dir, 'store.json'), 'utf8')).schemaVersion).toBe(2);
  });

  it('seeds the demo only into an empty store', async () => {
    const dir = await tmp();
    const store = await openStore(dir, await fileSecretBox(dir));
    expect(await seedDemo(store)).toBe(true);
    expect(await seedDemo(store)).toBe(false);
    expect(store.events).toHaveLength(1);
  });
});
