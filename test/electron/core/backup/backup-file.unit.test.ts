/**
 * The backup file on its own: everything comes back with the passphrase and
 * nothing readable is in the file without it; each way a file can be wrong
 * (passphrase, damage anywhere, another kind of file, a newer kit) is refused
 * with its own code; an older store inside is migrated.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readBackup, sealStore, writeBackup } from '../../../../electron/core/backup/backup-file.js';
import type { StoreContents } from '../../../../electron/core/store/store-driver.js';

const PASS = 'correct horse battery staple';
const SECRET = 'upstream-key-0123456789abcdef';
const meta = { now: Date.parse('2026-06-02T18:00:00Z'), kitVersion: '1.2.3' };

const contents = (): StoreContents => ({
  resources: [
    {
      id: 'res_1',
      name: 'Sweden Central',
      kind: 'azure-openai',
      endpoint: 'https://x.openai.azure.com',
      deployment: 'gpt-4o-mini',
      auth: { type: 'api-key', key: SECRET },
      enabled: true,
      createdAt: '2026-05-01T00:00:00Z',
    },
    {
      id: 'res_2',
      name: 'Entra app',
      kind: 'azure-openai',
      endpoint: 'https://y.openai.azure.com',
      deployment: 'gpt-4o-mini',
      auth: {
        type: 'entra',
        mode: 'service-principal',
        tenantId: 't',
        clientId: 'c',
        clientSecret: 'client-secret-xyz',
      },
      enabled: true,
      createdAt: '2026-05-01T00:00:00Z',
    },
  ],
  events: [
    {
      id: 'evt_1',
      name: 'Python workshop',
      code: 'pyws',
      startsAt: '2026-06-01T08:00:00Z',
      endsAt: '2026-06-02T17:00:00Z',
      timeZone: 'Europe/Paris',
      dailyRequestCap: 100,
      maxTokenCap: 2048,
      joinPassword: 'lemonade',
      resourceIds: ['res_1'],
      enabled: true,
      createdAt: '2026-05-01T00:00:00Z',
    },
  ],
  attendees: [
    {
      id: 'att_1',
      eventId: 'evt_1',
      name: 'Ada Lovelace',
      keyHash: 'hash1',
      keyHint: 'apk-…1234',
      revoked: false,
      issued: false,
      createdAt: '2026-06-01T08:05:00Z',
    },
  ],
  objects: [
    {
      id: 'thread_1',
      type: 'thread',
      attendeeId: 'att_1',
      eventId: 'evt_1',
      resourceId: 'res_1',
      createdAt: '2026-06-01T09:00:00Z',
    },
  ],
  usage: [
    {
      eventId: 'evt_1',
      attendeeId: 'att_1',
      deployment: 'gpt-4o-mini',
      day: '2026-06-01',
      requests: 7,
      promptTokens: 70,
      completionTokens: 30,
      totalTokens: 100,
      errors: 1,
      firstCallAt: '2026-06-01T09:00:00.000Z',
      lastCallAt: '2026-06-01T10:00:00.000Z',
    },
  ],
});

/** Rewrites fields of a file as a tool would, keeping its digest right (so only the seal can tell). */
function edit(bytes: Buffer, change: (f: Record<string, unknown>) => unknown, fixDigest = true): Buffer {
  const f = JSON.parse(bytes.toString('utf8'));
  change(f);
  if (fixDigest) {
    const aad = JSON.stringify([
      f.format,
      f.version,
      f.createdAt,
      f.kitVersion,
      f.schemaVersion,
      f.kdf,
      f.cipher,
      f.check,
    ]);
    f.digest = createHash('sha256').update(aad).update('\n').update(f.payload).digest('hex');
  }
  return Buffer.from(JSON.stringify(f));
}

describe('backup file', async () => {
  const written = await writeBackup(contents(), PASS, meta);

  it('gives everything back with the passphrase, and holds nothing readable without it', async () => {
    const text = written.bytes.toString('utf8');
    for (const clear of [SECRET, 'client-secret-xyz', 'Ada Lovelace', 'Python workshop', 'lemonade', 'hash1', 'Sweden'])
      expect(text).not.toContain(clear);
    const head = JSON.parse(text);
    expect(head).toMatchObject({
      format: 'ai-proxy-kit-backup',
      version: 1,
      createdAt: '2026-06-02T18:00:00.000Z',
      kitVersion: '1.2.3',
      schemaVersion: 2,
      kdf: { name: 'scrypt', logN: 17, r: 8, p: 1 },
      cipher: { name: 'aes-256-gcm' },
    });
    const opened = await readBackup(written.bytes, PASS);
    expect(opened.contents).toEqual(contents());
    expect(opened.summary).toMatchObject({
      createdAt: '2026-06-02T18:00:00.000Z',
      counts: { resources: 2, events: 1, attendees: 1, ownedObjects: 1, usageCounters: 1 },
      events: [{ name: 'Python workshop', code: 'pyws', attendees: 1, requests: 7, totalTokens: 100, archived: false }],
      resources: [{ name: 'Sweden Central' }, { name: 'Entra app' }],
      totals: { requests: 7, totalTokens: 100 },
    });
    expect(JSON.stringify(opened.summary)).not.toContain(SECRET);
  });

  it('seals each backup with its own salt and nonce', async () => {
    const again = await writeBackup(contents(), PASS, meta);
    const a = JSON.parse(written.bytes.toString('utf8'));
    const b = JSON.parse(again.bytes.toString('utf8'));
    expect(a.kdf.salt).not.toBe(b.kdf.salt);
    expect(a.cipher.nonce).not.toBe(b.cipher.nonce);
    expect(a.payload).not.toBe(b.payload);
  });

  it('refuses a wrong passphrase', async () => {
    await expect(readBackup(written.bytes, 'correct horse battery stapler')).rejects.toMatchObject({
      code: 'wrong_passphrase',
      message: expect.stringContaining('passphrase'),
    });
  });

  it('refuses a damaged file: cut short, a flipped bit, a changed header', async () => {
    const refusals = [
      written.bytes.subarray(0, written.bytes.length - 40),
      written.bytes.subarray(0, 100),
      (() => {
        const b = Buffer.from(written.bytes);
        const at = b.indexOf('"payload"') + 40;
        b[at] = (b[at] as number) === 0x41 ? 0x42 : 0x41;
        return b;
      })(),
      edit(written.bytes, (f) => Object.assign(f, { createdAt: '2020-01-01T00:00:00.000Z' }), false),
      // The checksum made to match again: the seal, which also covers the header, still says no.
      edit(written.bytes, (f) => Object.assign(f, { kitVersion: '9.9.9' })),
      edit(written.bytes, (f) => {
        const p = Buffer.from(f.payload as string, 'base64');
        p[5] = (p[5] as number) ^ 1;
        f.payload = p.toString('base64');
      }),
    ];
    for (const bytes of refusals) {
      await expect(readBackup(bytes, PASS)).rejects.toMatchObject({
        code: 'backup_damaged',
        message: expect.stringMatching(/damaged.*Nothing was changed/),
      });
    }
  });

  it('refuses a file that is not a kit backup', async () => {
    const foreign = [
      Buffer.from(''),
      Buffer.from('{"resources":[],"events":[]}'),
      Buffer.from('name,requests\nAda,3\n'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      Buffer.from('{"format":"some-other-backup","version":1}'),
    ];
    for (const bytes of foreign) {
      await expect(readBackup(bytes, PASS)).rejects.toMatchObject({
        code: 'not_a_backup',
        message: expect.stringContaining('not an AI Proxy Kit backup'),
      });
    }
  });

  it('refuses a backup from a newer kit (store schema or file format) before asking for the passphrase', async () => {
    for (const bytes of [
      edit(written.bytes, (f) => Object.assign(f, { schemaVersion: 99 })),
      edit(written.bytes, (f) => Object.assign(f, { version: 2 })),
    ]) {
      await expect(readBackup(bytes, 'not even the passphrase')).rejects.toMatchObject({
        code: 'backup_too_new',
        message: expect.stringContaining('newer AI Proxy Kit'),
      });
    }
  });

  it('brings a store written with an older schema up to date', async () => {
    const { objects: _o, usage: _u, ...rest } = contents();
    const old = await sealStore({ schemaVersion: 0, ...rest } as never, PASS, meta);
    expect(JSON.parse(old.toString('utf8')).schemaVersion).toBe(0);
    const opened = await readBackup(old, PASS);
    expect(opened.contents).toEqual({ ...rest, objects: [], usage: [] });
    expect(opened.summary.schemaVersion).toBe(0);
  });
});
