/**
 * The durable writer against a file layer that fails at every step: a short
 * write at each byte offset is continued to the end; an error at each offset,
 * and at open, fsync, close and rename, leaves the previous file whole and
 * no temp file behind; a failing directory fsync is reported as "renamed";
 * Windows-style EBUSY/EPERM on rename is retried briefly, elsewhere not.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicJsonFile, jsonPieces, type StoreWriteError } from '../../../../electron/core/store/atomic-json-file.js';
import { FaultyFiles } from '../../../support/faulty-files.js';

const previous = { version: 1, attendees: [{ id: 'a0', name: 'first' }] };
const next = {
  version: 1000,
  attendees: Array.from({ length: 12 }, (_, i) => ({ id: `a${i}`, name: `attendee ${i} é😀` })),
};
/** The bytes `next` takes in the file, written as the store writes it. */
const nextSize = [...jsonPieces(next)].reduce((n, piece) => n + Buffer.byteLength(piece), 0);

async function fileWith(files: FaultyFiles) {
  const dir = await mkdtemp(join(tmpdir(), 'kit-faults-'));
  const file = new AtomicJsonFile(join(dir, 'store.json'), files);
  await file.write(previous);
  return { dir, file, onDisk: async () => JSON.parse(await readFile(join(dir, 'store.json'), 'utf8')) };
}

describe('AtomicJsonFile under faults', () => {
  it('continues a short write at every offset to the last byte', async () => {
    const files = new FaultyFiles();
    const { file, onDisk } = await fileWith(files);
    for (let offset = 0; offset < nextSize; offset++) {
      files.fault = { at: 'write', offset };
      // Each round writes a document the file did not hold yet (same size, another version).
      const doc = { ...next, version: 1000 + (offset % 9000) };
      await file.write(doc);
      expect(await onDisk()).toEqual(doc);
    }
  });

  it('leaves the previous file whole when the disk fills at any offset', async () => {
    const files = new FaultyFiles();
    const { dir, file, onDisk } = await fileWith(files);
    for (let offset = 0; offset < nextSize; offset++) {
      files.fault = { at: 'write', offset, errno: 'ENOSPC' };
      const e = (await file.write(next).catch((x: unknown) => x)) as StoreWriteError;
      expect(e).toMatchObject({ stage: 'write', errno: 'ENOSPC', renamed: false });
      expect(await onDisk()).toEqual(previous);
      expect(await readdir(dir)).toEqual(['store.json']);
    }
    files.fault = undefined;
    await file.write(next);
    expect(await onDisk()).toEqual(next);
  });

  it.each([
    ['open', 'EACCES'],
    ['sync', 'EIO'],
    ['close', 'EIO'],
    ['rename', 'EPERM'],
    ['rename', 'EXDEV'],
  ] as const)('leaves the previous file whole when %s fails with %s', async (at, errno) => {
    const files = new FaultyFiles();
    const { dir, file, onDisk } = await fileWith(files);
    files.fault = { at, errno };
    const e = (await file.write(next).catch((x: unknown) => x)) as StoreWriteError;
    expect(e).toMatchObject({ stage: at === 'sync' ? 'fsync' : at, errno, renamed: false });
    expect(await onDisk()).toEqual(previous);
    expect(await readdir(dir)).toEqual(['store.json']);
  });

  it('fsyncs the file before the rename and the directory after it', async () => {
    const files = new FaultyFiles();
    const { file } = await fileWith(files);
    const before = { ...files.calls };
    await file.write(next);
    const delta = (k: string) => (files.calls[k] ?? 0) - (before[k] ?? 0);
    expect([delta('sync'), delta('rename'), delta('dir-sync')]).toEqual([1, 1, 1]);
  });

  it('reports a failing directory fsync as a write whose new file is already in place', async () => {
    const files = new FaultyFiles();
    const { file, onDisk } = await fileWith(files);
    files.fault = { at: 'dir-sync', errno: 'EIO' };
    const e = (await file.write(next).catch((x: unknown) => x)) as StoreWriteError;
    expect(e).toMatchObject({ stage: 'dir-fsync', errno: 'EIO', renamed: true });
    expect(await onDisk()).toEqual(next);
    // A file system that cannot fsync directories at all is not a failure.
    files.fault = { at: 'dir-sync', errno: 'EINVAL' };
    await file.write(previous);
    expect(await onDisk()).toEqual(previous);
  });

  it('retries a rename that Windows refuses while another program holds the file, and gives up in time', async () => {
    const files = new FaultyFiles();
    files.platform = 'win32';
    const { file, onDisk } = await fileWith(files);
    files.fault = { at: 'rename', errno: 'EBUSY', times: 3 };
    await file.write(next);
    expect(await onDisk()).toEqual(next);
    files.fault = { at: 'rename', errno: 'EPERM' };
    const started = Date.now();
    await expect(file.write(previous)).rejects.toMatchObject({ stage: 'rename', errno: 'EPERM' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await onDisk()).toEqual(next);
    // Elsewhere EBUSY is not transient: no retry.
    files.platform = 'linux';
    files.fault = { at: 'rename', errno: 'EBUSY', times: 1 };
    await expect(file.write(previous)).rejects.toMatchObject({ stage: 'rename', errno: 'EBUSY' });
  });
});
