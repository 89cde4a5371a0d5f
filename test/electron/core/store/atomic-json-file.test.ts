import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicJsonFile, jsonPieces } from '../../../../electron/core/store/atomic-json-file.js';

describe('jsonPieces', () => {
  it('is the document as JSON, one piece per array element', () => {
    const doc = {
      version: 3,
      empty: [],
      list: [{ a: 1 }, 'two', null, [3]],
      nested: { x: [1, 2], y: 'é "quoted"\n' },
      skipped: undefined,
    };
    const pieces = [...jsonPieces(doc)];
    expect(JSON.parse(pieces.join(''))).toEqual({
      version: 3,
      empty: [],
      list: [{ a: 1 }, 'two', null, [3]],
      nested: { x: [1, 2], y: 'é "quoted"\n' },
    });
    expect(pieces).toContain('\n{"a":1}');
    expect(pieces).toContain(',\n"two"');
    expect(JSON.parse([...jsonPieces({})].join(''))).toEqual({});
  });
});

describe('AtomicJsonFile', () => {
  it('coalesces writes queued behind one in progress, and each caller resolves once its state is on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    const file = new AtomicJsonFile(join(dir, 'store.json'));
    const doc = { items: [] as number[] };
    let produced = 0;
    const produce = () => {
      produced++;
      return doc;
    };
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      doc.items.push(i);
      const expected = i + 1;
      writes.push(
        file.write(produce).then(() => {
          const onDisk = JSON.parse(readFileSync(join(dir, 'store.json'), 'utf8'));
          expect(onDisk.items.length).toBeGreaterThanOrEqual(expected);
        }),
      );
    }
    await Promise.all(writes);
    // The first write started at once; the other 49 shared one more.
    expect(produced).toBe(2);
    expect(JSON.parse((await file.read()) ?? 'null').items).toHaveLength(50);
    expect(readdirSync(dir)).toEqual(['store.json']);
  });

  it('reads null for a missing file, and a failed write rejects without leaving a temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    const file = new AtomicJsonFile(join(dir, 'store.json'));
    expect(await file.read()).toBeNull();
    const bad = {
      toJSON() {
        throw new Error('cannot serialize');
      },
    };
    await expect(file.write(() => ({ list: [bad] }))).rejects.toThrow('cannot serialize');
    expect(readdirSync(dir)).toEqual([]);
    await file.write(() => ({ ok: true }));
    expect(JSON.parse((await file.read()) ?? 'null')).toEqual({ ok: true });
  });
});
