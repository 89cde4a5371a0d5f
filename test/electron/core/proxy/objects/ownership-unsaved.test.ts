/**
 * A proxied create whose ownership cannot be saved (the kit's disk is full):
 * the attendee never gets an id the kit does not know is theirs. A held JSON
 * answer becomes `503 store_unavailable` (and the OpenAI SDK does not retry
 * it, which would make one more orphan upstream each time); a stream ends
 * with an SSE `error` event, which the SDK raises, before the event that
 * carries the id. Calls that need no write go on meanwhile.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultyFiles } from '../../../../support/faulty-files.js';
import { refused, type SurfaceKit, startSurfaceKit } from '../../../../support/surface-kit.js';

const files = new FaultyFiles();
let t: SurfaceKit;
beforeAll(async () => {
  t = await startSurfaceKit({ storeFiles: files, log: () => undefined });
});
afterEach(() => {
  files.fault = undefined;
});
afterAll(() => t?.stop());

const diskFull = () => {
  files.fault = { at: 'write', offset: 0, errno: 'ENOSPC' };
};

describe('creating an object while the kit cannot save', () => {
  it('answers 503 store_unavailable instead of the id, once, and records nothing', async () => {
    const responses = () => t.kit.store.objects.filter((o) => o.type === 'response').length;
    const recorded = responses();
    diskFull();
    const before = t.emu.received.length;
    expect(await refused(t.v1(t.keys.ada).responses.create({ model: 'gpt-4o-mini', input: 'hi' }))).toEqual({
      status: 503,
      code: 'store_unavailable',
    });
    expect(t.emu.received.length - before).toBe(1);
    expect(responses()).toBe(recorded);
    // Saved again: the same call works and is recorded.
    files.fault = undefined;
    const r = await t.v1(t.keys.ada).responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    expect(t.kit.store.ownedObject('response', r.id)).toBeDefined();
  });

  it('ends a stream with an SSE error before the event that carries the id', async () => {
    diskFull();
    const seen: string[] = [];
    let error: unknown;
    try {
      for await (const e of await t
        .v1(t.keys.ada)
        .responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true }))
        seen.push(e.type);
    } catch (e) {
      error = e;
    }
    expect(seen).toEqual([]);
    expect(error).toMatchObject({ code: 'store_unavailable', message: expect.stringContaining('the disk is full') });
  });

  it('serves calls that need no write meanwhile', async () => {
    diskFull();
    const r = await t.v1(t.keys.ada).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(r.choices).toHaveLength(1);
  });
});
