/**
 * A backup's payload sealed under the organizer's passphrase: scrypt turns
 * the passphrase and a random salt into 64 bytes, the first half the
 * AES-256-GCM key, the second half a check value kept in the file. The check
 * tells a wrong passphrase from a damaged file (both would only fail the GCM
 * tag otherwise) and costs an attacker nothing they would not spend on the
 * tag: every guess still pays the full scrypt price. The machine's own secret
 * key plays no part: a backup opens on any machine that is given the passphrase.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface KdfParams {
  name: 'scrypt';
  /** log2 of scrypt's cost N. */
  logN: number;
  r: number;
  p: number;
  /** base64 */
  salt: string;
}

/**
 * N = 2^17, r = 8, p = 1: 128 MiB and a few hundred milliseconds per guess on a laptop (the strongest
 * of the parameter sets OWASP lists for scrypt). Every backup is written with these.
 */
export const STRONG_KDF = { logN: 17, r: 8, p: 1 } as const;

/** What a reader accepts: a file asking for less is not one of ours; more would let a file stall the kit. */
export const kdfAccepted = (k: Pick<KdfParams, 'logN' | 'r' | 'p'>): boolean =>
  k.logN >= 15 && k.logN <= 20 && k.r >= 8 && k.r <= 16 && k.p >= 1 && k.p <= 4;

const CHECK_LABEL = 'ai-proxy-kit backup passphrase check';

export interface DerivedKeys {
  key: Buffer;
  /** base64 of HMAC(check half, label): stored in the file, compared on opening. */
  check: string;
}

export function deriveKeys(passphrase: string, kdf: KdfParams): Promise<DerivedKeys> {
  const N = 2 ** kdf.logN;
  // scrypt needs 128 * N * r bytes; Node refuses above maxmem (32 MiB by default).
  const maxmem = 128 * N * kdf.r + 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    // Asynchronous: the derivation runs on libuv's pool while the kit keeps serving the LAN.
    scrypt(
      passphrase.normalize('NFC'),
      Buffer.from(kdf.salt, 'base64'),
      64,
      { N, r: kdf.r, p: kdf.p, maxmem },
      (e, out) => {
        if (e) return reject(e);
        const check = createHmac('sha256', out.subarray(32)).update(CHECK_LABEL).digest('base64');
        resolve({ key: out.subarray(0, 32), check });
      },
    );
  });
}

export const newKdf = (): KdfParams => ({ name: 'scrypt', ...STRONG_KDF, salt: randomBytes(16).toString('base64') });

export const checkMatches = (derived: DerivedKeys, stored: string): boolean => {
  const a = Buffer.from(derived.check, 'base64');
  const b = Buffer.from(stored, 'base64');
  return a.length === b.length && timingSafeEqual(a, b);
};

/** A fresh 96-bit nonce: drawn before sealing, because the header that names it is authenticated too. */
export const newNonce = (): string => randomBytes(12).toString('base64');

/** AES-256-GCM; the header travels as additional data, so it is authenticated with the payload. */
export function seal(key: Buffer, nonce: string, plain: Buffer, aad: Buffer): string {
  const c = createCipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64'));
  c.setAAD(aad);
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]).toString('base64');
}

/** Throws when the tag does not match (a changed payload or header). */
export function open(key: Buffer, nonce: string, sealed: string, aad: Buffer): Buffer {
  const body = Buffer.from(sealed, 'base64');
  if (body.length < 16) throw new Error('sealed payload too short');
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64'));
  d.setAAD(aad);
  d.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]);
}
