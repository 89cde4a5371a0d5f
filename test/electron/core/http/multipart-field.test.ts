/**
 * Finding a form field in a multipart upload as it streams: the field is
 * found whatever the chunking, the upload comes out byte for byte (with the
 * value replaced when asked), a form with its files first is held on disk
 * rather than in memory and the temporary file always goes away, and
 * malformed forms, an upload cut short and a full disk are clear errors.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KitError } from '../../../../electron/core/errors.js';
import { readFormField } from '../../../../electron/core/http/multipart-field.js';
import { formBoundary } from '../../../../electron/core/http/multipart-scanner.js';

const CT = 'multipart/form-data; boundary=XyZ';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kit-spool-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const part = (headers: string, body: Buffer | string) =>
  Buffer.concat([Buffer.from(`--XyZ\r\n${headers}\r\n\r\n`), Buffer.from(body), Buffer.from('\r\n')]);
const field = (name: string, value: string) => part(`Content-Disposition: form-data; name="${name}"`, value);
const file = (name: string, bytes: Buffer) =>
  part(
    `Content-Disposition: form-data; name="${name}"; filename="a.bin"\r\nContent-Type: application/octet-stream`,
    bytes,
  );
const form = (...parts: Buffer[]) => Buffer.concat([...parts, Buffer.from('--XyZ--\r\n')]);

function chunked(b: Buffer, size: number): Readable {
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return Readable.from(out, { objectMode: false });
}

async function drain(r: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of r) out.push(c as Buffer);
  return Buffer.concat(out);
}

/** Bytes with every value, and the delimiter's own characters, so a split or a false match would show. */
const bytes = (n: number) => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = i % 97 === 0 ? 0x2d : (i * 13) & 0xff;
  return b;
};

describe('readFormField', () => {
  it('finds the field in front of a file at once, whatever the chunking, and never touches the disk', async () => {
    const whole = form(field('model', 'whisper'), file('file', bytes(20_000)));
    for (const size of [1, 7, 64, 65_536]) {
      const f = await readFormField(chunked(whole, size), CT, 'model', { memoryBytes: 1024, spoolDir: dir });
      expect(f.value, `chunks of ${size}`).toBe('whisper');
      expect(readdirSync(dir)).toEqual([]);
      expect((await drain(f.body)).equals(whole)).toBe(true);
    }
  });

  it('reads past a file in front of it through a temporary file, removed once the upload is sent', async () => {
    const big = bytes(3_000_000);
    const whole = form(file('file', big), field('prompt', 'a hat'), field('model', 'gpt-image-1'));
    const f = await readFormField(chunked(whole, 65_536), CT, 'model', { memoryBytes: 256 * 1024, spoolDir: dir });
    expect(f.value).toBe('gpt-image-1');
    expect(readdirSync(dir)).toHaveLength(1);
    expect((await drain(f.body)).equals(whole)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('replaces the value on the way out, across chunk boundaries', async () => {
    const tail = file('file', bytes(5000));
    for (const order of ['first', 'last'] as const) {
      const parts = order === 'first' ? [field('model', 'whisper'), tail] : [tail, field('model', 'whisper')];
      const want = form(
        ...(order === 'first' ? [field('model', 'whisper-eu'), tail] : [tail, field('model', 'whisper-eu')]),
      );
      for (const size of [1, 3, 61, 4096]) {
        const f = await readFormField(chunked(form(...parts), size), CT, 'model', { memoryBytes: 100, spoolDir: dir });
        f.replaceWith('whisper-eu');
        expect((await drain(f.body)).equals(want), `${order}, chunks of ${size}`).toBe(true);
      }
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a form without the field, a file part named like it, a preamble and a quoted boundary', async () => {
    const noField = await readFormField(chunked(form(field('prompt', 'x'), file('model', bytes(10))), 5), CT, 'model');
    expect(noField.value).toBeUndefined();
    const quoted = Buffer.concat([Buffer.from('preamble to ignore\r\n'), form(field('model', 'm1'))]);
    const f = await readFormField(chunked(quoted, 2), 'multipart/form-data; boundary="XyZ"', 'model');
    expect(f.value).toBe('m1');
    expect((await drain(f.body)).equals(quoted)).toBe(true);
  });

  it('refuses what is not a well-formed multipart form with invalid_request', async () => {
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: KitError) => e.code,
      );
    expect(() => formBoundary('application/json')).toThrow(KitError);
    expect(() => formBoundary('multipart/form-data')).toThrow(/boundary/);
    const truncated = form(file('file', bytes(1000))).subarray(0, 600);
    expect(await code(readFormField(chunked(truncated, 100), CT, 'model'))).toBe('invalid_request');
    const endless = Buffer.concat([
      Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="model"\r\n\r\n'),
      bytes(10_000),
    ]);
    expect(await code(readFormField(chunked(endless, 1000), CT, 'model'))).toBe('invalid_request');
    expect(await code(readFormField(chunked(Buffer.from('no boundary here at all'), 4), CT, 'model'))).toBe(
      'invalid_request',
    );
  });

  it('an upload that fails while being read past (too large, cut off) fails the call and leaves no file', async () => {
    const whole = form(file('file', bytes(2_000_000)), field('model', 'm'));
    let seen = 0;
    const limited = chunked(whole, 65_536).pipe(
      new Transform({
        transform(c: Buffer, _e, done) {
          seen += c.length;
          done(seen > 1_000_000 ? new KitError('body_too_large', 'too large') : null, c);
        },
      }),
    );
    const e = await readFormField(limited, CT, 'model', { memoryBytes: 64 * 1024, spoolDir: dir }).catch((x) => x);
    expect(e.code).toBe('body_too_large');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('dispose removes the temporary file and drains the rest when the upload is never sent (a refused call)', async () => {
    const whole = form(file('file', bytes(500_000)), field('model', 'm'), file('more', bytes(300_000)));
    const source = chunked(whole, 65_536);
    const f = await readFormField(source, CT, 'model', { memoryBytes: 1024, spoolDir: dir });
    expect(readdirSync(dir)).toHaveLength(1);
    const drained = new Promise((resolve) => source.once('end', resolve));
    await f.dispose();
    await f.dispose();
    expect(readdirSync(dir)).toEqual([]);
    await drained;
  });

  it('a full disk while reading past a file → store_unavailable, saying how to avoid it', async (ctx) => {
    const mnt = mkdtempSync(join(tmpdir(), 'kit-spool-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mnt], { stdio: 'ignore' });
    } catch {
      rmSync(mnt, { recursive: true, force: true });
      ctx.skip('mounting a tmpfs is refused here (not root, or no mount permission)');
      return;
    }
    try {
      const whole = form(file('file', bytes(2_000_000)), field('model', 'm'));
      const e = await readFormField(chunked(whole, 65_536), CT, 'model', { memoryBytes: 1024, spoolDir: mnt }).catch(
        (x) => x,
      );
      expect(e).toBeInstanceOf(KitError);
      expect(e.code).toBe('store_unavailable');
      expect(e.message).toContain('disk is full');
      expect(e.message).toContain('"model" field before the file');
      expect(readdirSync(mnt)).toEqual([]);
    } finally {
      execFileSync('umount', [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });
});
