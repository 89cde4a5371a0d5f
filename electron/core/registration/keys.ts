/**
 * Attendee keys: 192 random bits, shown once, stored only as a SHA-256 hash.
 * Lookups go through an index by hash (O(1) on the hot path). A lookup's
 * timing can only say how a guess's *hash* compares with stored hashes, which
 * tells nothing about any key, so no constant-time comparison is needed after
 * the index hit.
 */
import { hash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'apk-';

export function newApiKey(): string {
  return KEY_PREFIX + randomBytes(24).toString('base64url');
}

/** One-shot hashing: no Hash object per request on the hot path. */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

export function keyHint(key: string): string {
  return `${key.slice(0, KEY_PREFIX.length + 4)}…`;
}
