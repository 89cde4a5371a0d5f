import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicJsonFile, jsonPieces, StoreWriteError } from '../../../../electron/core/store/atomic-json-file.js';

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
  it('writes a large document whole, private to its owner, and leaves no temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    const file = new AtomicJsonFile(join(dir, 'store.json'));
    // Several 64 KB batches, with multi-byte characters across batch edges.
    const items = Array.from({ length: 5000 }, (_, i) => ({ i, name: `attendee ${i} é€😀` }));
    await file.write({ items });
    expect(JSON.parse(readFileSync(join(dir, 'store.json'), 'utf8')).items).toEqual(items);
    expect(readdirSync(dir)).toEqual(['store.json']);
    if (process.platform !== 'win32') expect(statSync(join(dir, 'store.json')).mode & 0o777).toBe(0o600);
  });

  it('reads null for a missing file, and a failed write rejects saying where, leaving the old file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    const file = new AtomicJsonFile(join(dir, 'store.json'));
    expect(await file.read()).toBeNull();
    await file.write({ ok: true });
    const bad = {
      toJSON() {
        throw new Error('cannot serialize');
      },
    };
    const e = await file.write({ list: [bad] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StoreWriteError);
    expect(e).toMatchObject({ stage: 'serialize', renamed: false });
    expect(readdirSync(dir)).toEqual(['store.json']);
    expect(JSON.parse((await file.read()) ?? 'null')).toEqual({ ok: true });
  });
});
