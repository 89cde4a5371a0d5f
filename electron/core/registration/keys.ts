/**
 * Attendee keys: 192 random bits, shown once, stored only as a SHA-256 hash.
 * Lookups go through an in-memory index by hash (O(1) on the hot path) and the
 * final comparison is constant-time, so response timing says nothing about
 * how close a guess was.
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

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

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
