/**
 * The backup file: one UTF-8 JSON document, a readable header (what it is,
 * which kit and store schema wrote it, when, how the key is derived) and a
 * payload sealed under the organizer's passphrase (`passphrase-seal.ts`)
 * that holds the whole store, gzipped, upstream secrets included. Nothing in
 * the clear names a secret, an attendee or an event: the summary the console
 * shows is read from the payload, after the passphrase.
 *
 * Reading refuses, each with its own code and a message the organizer can act
 * on: a file that is not a kit backup (`not_a_backup`), one from a newer kit
 * (`backup_too_new`), a wrong passphrase (`wrong_passphrase`), and a changed
 * or cut file (`backup_damaged`): a SHA-256 digest over header and payload
 * catches damage before any passphrase is tried, and the GCM tag (which also
 * covers the header) catches the rest. A store from an older schema is
 * migrated the way the store file is at start.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import { z } from 'zod';
import type { BackupSummary } from '../../../shared/types.js';
import { KitError } from '../errors.js';
import { migrate, SCHEMA_VERSION, type StoreData, storeProblem } from '../store/schema.js';
import type { StoreContents } from '../store/store-driver.js';
import { summarize } from './backup-summary.js';
import {
  checkMatches,
  deriveKeys,
  type KdfParams,
  kdfAccepted,
  newKdf,
  newNonce,
  open,
  seal,
} from './passphrase-seal.js';

// On libuv's pool, like scrypt: a big store's compression does not hold up the proxy's event loop.
const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);

export const BACKUP_FORMAT = 'ai-proxy-kit-backup';
/** The file layout's version (the store inside has its own schema version). */
export const BACKUP_VERSION = 1;
export const BACKUP_EXTENSION = 'aipkbackup';

/** The readable part of the file; all of it is authenticated as the seal's additional data. */
interface Header {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  kitVersion: string;
  schemaVersion: number;
  kdf: KdfParams;
  cipher: { name: 'aes-256-gcm'; nonce: string };
  /** Tells a wrong passphrase from damage. */
  check: string;
}

interface FileShape extends Header {
  payload: string;
  /** SHA-256 (hex) of the header's additional data and the payload: damage found without the passphrase. */
  digest: string;
}

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const fileSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.number().int().positive(),
  createdAt: z.string(),
  kitVersion: z.string(),
  schemaVersion: z.number().int().nonnegative(),
  kdf: z.object({
    name: z.literal('scrypt'),
    logN: z.number().int(),
    r: z.number().int(),
    p: z.number().int(),
    salt: b64,
  }),
  cipher: z.object({ name: z.literal('aes-256-gcm'), nonce: b64 }),
  check: b64,
  payload: b64,
  digest: z.string().regex(/^[0-9a-f]{64}$/),
});

/** The header fields in a fixed order: the bytes the seal authenticates and the digest covers. */
const aadOf = (h: Header): Buffer =>
  Buffer.from(
    JSON.stringify([h.format, h.version, h.createdAt, h.kitVersion, h.schemaVersion, h.kdf, h.cipher, h.check]),
    'utf8',
  );
const digestOf = (h: Header, payload: string) =>
  createHash('sha256').update(aadOf(h)).update('\n').update(payload).digest('hex');

const damaged = (why: string) =>
  new KitError(
    'backup_damaged',
    `This backup file is damaged (${why}): it was changed or cut short since it was made. Nothing was changed; ` +
      'use another copy of the backup.',
  );
const foreign = () =>
  new KitError(
    'not_a_backup',
    'This file is not an AI Proxy Kit backup. Nothing was changed; choose the .aipkbackup file.',
  );
const tooNew = (what: string) =>
  new KitError(
    'backup_too_new',
    `This backup was made by a newer AI Proxy Kit (${what}). Nothing was changed; update this kit, then restore again.`,
  );
export const wrongPassphrase = () =>
  new KitError('wrong_passphrase', 'That passphrase does not open this backup. Nothing was changed; try again.');

export interface WrittenBackup {
  bytes: Buffer;
  summary: BackupSummary;
}

/** Seals everything the store holds under the passphrase. `contents` carries secrets in the clear: only the seal sees them. */
export async function writeBackup(
  contents: StoreContents,
  passphrase: string,
  meta: { now: number; kitVersion: string },
): Promise<WrittenBackup> {
  const data: StoreData = { schemaVersion: SCHEMA_VERSION, ...contents };
  const bytes = await sealStore(data, passphrase, meta);
  return {
    bytes,
    summary: summarize(data, { ...meta, createdAt: new Date(meta.now).toISOString(), schemaVersion: SCHEMA_VERSION }),
  };
}

/** A store document of any schema version, sealed (tests write older ones to check they are migrated). */
export async function sealStore(
  data: StoreData,
  passphrase: string,
  meta: { now: number; kitVersion: string },
): Promise<Buffer> {
  const kdf = newKdf();
  const { key, check } = await deriveKeys(passphrase, kdf);
  const header: Header = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: new Date(meta.now).toISOString(),
    kitVersion: meta.kitVersion,
    schemaVersion: data.schemaVersion,
    kdf,
    cipher: { name: 'aes-256-gcm', nonce: newNonce() },
    check,
  };
  const plain = await gzip(Buffer.from(JSON.stringify(data), 'utf8'));
  const sealed = seal(key, header.cipher.nonce, plain, aadOf(header));
  const file: FileShape = { ...header, payload: sealed, digest: digestOf(header, sealed) };
  return Buffer.from(`${JSON.stringify(file, null, 1)}\n`, 'utf8');
}

/** The header of a file, checked for shape, version and damage; no passphrase needed. */
function readHeader(bytes: Buffer): FileShape {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const looksOurs = text.includes(`"${BACKUP_FORMAT}"`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw looksOurs ? damaged('it is not whole') : foreign();
  }
  if (!raw || typeof raw !== 'object' || (raw as { format?: unknown }).format !== BACKUP_FORMAT) throw foreign();
  const version = (raw as { version?: unknown }).version;
  if (typeof version === 'number' && version > BACKUP_VERSION)
    throw tooNew(`backup format ${version}; this kit reads up to ${BACKUP_VERSION}`);
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw damaged(`${parsed.error.issues[0]?.path.join('.') || 'its header'} is not as written`);
  const file = parsed.data as FileShape;
  if (digestOf(file, file.payload) !== file.digest) throw damaged('its checksum does not match');
  if (file.schemaVersion > SCHEMA_VERSION)
    throw tooNew(`store schema ${file.schemaVersion}; this kit reads up to ${SCHEMA_VERSION}`);
  if (!kdfAccepted(file.kdf)) throw damaged('its key derivation settings are not ones a kit writes');
  return file;
}

export interface OpenedBackup {
  /** The store, migrated to this kit's schema, secrets in the clear. */
  contents: StoreContents;
  summary: BackupSummary;
}

/** Opens a backup with its passphrase; refuses with a KitError (see the header comment). Changes nothing. */
export async function readBackup(bytes: Buffer, passphrase: string): Promise<OpenedBackup> {
  const file = readHeader(bytes);
  const keys = await deriveKeys(passphrase, file.kdf);
  if (!checkMatches(keys, file.check)) throw wrongPassphrase();
  let data: Record<string, unknown>;
  try {
    const plain = await gunzip(open(keys.key, file.cipher.nonce, file.payload, aadOf(file)));
    data = JSON.parse(plain.toString('utf8'));
  } catch {
    throw damaged('its sealed contents do not open');
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw damaged('it holds no store');
  // The sealed store names its own schema; a header that disagrees was not written by a kit.
  if (data.schemaVersion !== file.schemaVersion) throw damaged('its header and contents disagree');
  const store = migrate(data);
  const problem = storeProblem(store);
  if (problem) throw damaged(`its store does not have the expected shape: ${problem}`);
  const { schemaVersion: _v, ...contents } = store;
  return { contents, summary: summarize(store, file) };
}
