/**
 * The kit's own certificate authority, for HTTPS on a venue LAN where no
 * public certificate can name a laptop's Wi-Fi address. The CA (ECDSA P-256)
 * is made once and kept in `<data dir>/tls/` (key mode 0600), so attendees
 * who trusted it yesterday still trust it today; the server certificate is
 * issued afresh at each start for the addresses the kit has right now. Built
 * with @peculiar/x509 on WebCrypto: no hand-written ASN.1. Python 3.13's
 * strict verification wants the key identifiers and a critical
 * basicConstraints, so they are all set. A CA whose files are damaged is
 * moved aside and made again (attendees must then trust the new one: the
 * console says so); one that cannot be saved serves this run only.
 */

import type { webcrypto as WebCrypto } from 'node:crypto';
import { randomBytes, webcrypto } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import * as x509 from '@peculiar/x509';
import { errnoOf, writeFileDurably } from '../store/file-layer.js';
import { moveAside } from '../store/move-aside.js';
import { describeWriteFailure } from '../store/write-failure.js';

// The build has no DOM typings; the library wants the WebCrypto object Node provides.
x509.cryptoProvider.set(webcrypto as never);

type CryptoKey = WebCrypto.CryptoKey;
type CryptoKeyPair = WebCrypto.CryptoKeyPair;

const subtle = webcrypto.subtle;
const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 86_400_000;

export interface TlsMaterial {
  cert: string;
  key: string;
  /** The CA certificate attendees should trust; absent for the organizer's own certificate. */
  caPem?: string;
  /** Where the CA certificate is on disk, to tell the organizer. */
  caFile?: string;
}

interface LocalCa {
  cert: x509.X509Certificate;
  key: CryptoKey;
  pem: string;
  file: string;
}

const serial = () => {
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f; // a positive INTEGER
  return b.toString('hex');
};

async function keyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function createCa(): Promise<{ cert: x509.X509Certificate; keys: CryptoKeyPair }> {
  const keys = (await subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=AI Proxy Kit local CA (${hostname().replace(/[,=+<>#;"\\]/g, '')}), O=AI Proxy Kit`,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 5 * 365 * DAY),
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

/** Reads the CA from `<dataDir>/tls/`, or makes one and keeps it there; `notes` says what the organizer must know. */
export async function loadOrCreateCa(dataDir: string, notes: string[] = []): Promise<LocalCa> {
  const dir = join(dataDir, 'tls');
  const certFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'ca-key.pem');
  const [pem, keyText] = await Promise.all([readIfThere(certFile), readIfThere(keyFile)]);
  if (typeof pem === 'string' && typeof keyText === 'string') {
    try {
      const cert = new x509.X509Certificate(pem);
      if (cert.notAfter.getTime() > Date.now() + 30 * DAY) {
        const key = await subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyText), alg, true, ['sign']);
        return { cert, key, pem: cert.toString('pem'), file: certFile };
      }
    } catch {
      await setAside([certFile, keyFile], notes);
    }
  } else if (pem !== undefined || keyText !== undefined) {
    // Half a CA (or a file that cannot be read) is no CA: keep what is there, make a whole new one.
    await setAside([certFile, keyFile], notes);
  }
  const { cert, keys } = await createCa();
  const created = cert.toString('pem');
  try {
    await mkdir(dir, { recursive: true });
    await writeFileDurably(keyFile, await keyPem(keys.privateKey), { mode: 0o600 });
    await writeFileDurably(certFile, `${created}\n`, { mode: 0o644 });
  } catch (e) {
    notes.push(
      `The kit's certificate authority could not be saved (${describeWriteFailure(e).reason}): a new one is made at ` +
        'each start until it can, and attendees must trust it again each time.',
    );
  }
  return { cert, key: keys.privateKey, pem: created, file: certFile };
}

/** A file's text; an Error when it exists but cannot be read; undefined when it does not exist. */
async function readIfThere(file: string): Promise<string | Error | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    return errnoOf(e) === 'ENOENT' ? undefined : (e as Error);
  }
}

async function setAside(files: string[], notes: string[]): Promise<void> {
  for (const f of files) await moveAside(f, 'damaged', Date.now());
  notes.push(
    "The kit's certificate authority (tls/ca.pem) was damaged; it was moved aside and a new one made. Attendees " +
      'who installed the old certificate must download and trust the new one from the join page.',
  );
}

/** A server certificate from the local CA for these names (IPv4 addresses and DNS names). */
export async function issueServerCert(ca: LocalCa, names: { ips: string[]; dns: string[] }): Promise<TlsMaterial> {
  const keys = (await subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=AI Proxy Kit',
    issuer: ca.cert.subject,
    // Apple platforms refuse server certificates valid for more than 398 days.
    notBefore: new Date(now - DAY),
    notAfter: new Date(Math.min(now + 390 * DAY, ca.cert.notAfter.getTime())),
    signingAlgorithm: alg,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...[...new Set(names.dns)].map((value) => ({ type: 'dns' as const, value })),
        ...[...new Set(names.ips)].map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey), caPem: ca.pem, caFile: ca.file };
}

/** The names this machine answers to on the LAN: every address given, loopback, and its host names. */
export function serverNames(ips: string[]): { ips: string[]; dns: string[] } {
  const host = hostname().toLowerCase();
  const dns = ['localhost'];
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(host)) dns.push(host, ...(host.includes('.') ? [] : [`${host}.local`]));
  return { ips: ['127.0.0.1', ...ips], dns };
}

/** The organizer's own certificate and key files (PEM); a file that cannot be used stops the start with one line. */
export async function organizerTls(certFile: string, keyFile: string): Promise<TlsMaterial> {
  let cert: string;
  let key: string;
  try {
    [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  } catch (e) {
    throw new Error(`the certificate or key file cannot be read (${errnoOf(e) ?? (e as Error).message})`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    throw new Error(`--tls-cert and --tls-key cannot be used together (${(e as Error).message})`);
  }
  return { cert, key };
}
