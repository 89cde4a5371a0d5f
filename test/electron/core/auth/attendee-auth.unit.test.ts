import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticate, presentedKey } from '../../../../electron/core/auth/attendee-auth.js';
import type { KitError } from '../../../../electron/core/errors.js';
import { hashKey, keyHint, newApiKey } from '../../../../electron/core/registration/keys.js';
import { openStore } from '../../../../electron/core/store/open-store.js';
import { secretBoxFromKey } from '../../../../electron/core/store/secret-box.js';
import type { StoreDriver } from '../../../../electron/core/store/store-driver.js';

const codeOf = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as KitError).code;
  }
};

describe('keys', () => {
  it('are long, random and stored only as a hash', () => {
    const a = newApiKey();
    const b = newApiKey();
    expect(a).not.toBe(b);
    expect(Buffer.from(a.slice(4), 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(hashKey(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(keyHint(a).length).toBeLessThan(12);
    expect(hashKey(a)).toBe(hashKey(a));
    expect(hashKey(a)).not.toBe(hashKey(b));
  });
});

describe('presented key', () => {
  it('reads api-key or Bearer, and the same key in both (the inference SDK sends both)', () => {
    expect(presentedKey({ 'api-key': 'k1' })).toBe('k1');
    expect(presentedKey({ authorization: 'Bearer k1' })).toBe('k1');
    expect(presentedKey({ authorization: 'bearer   k1 ' })).toBe('k1');
    expect(presentedKey({ 'api-key': 'k1', authorization: 'Bearer k1' })).toBe('k1');
    expect(presentedKey({})).toBeUndefined();
    expect(presentedKey({ authorization: 'Basic Zm9vOmJhcg==' })).toBeUndefined();
  });
  it('refuses two different keys', () => {
    expect(codeOf(() => presentedKey({ 'api-key': 'k1', authorization: 'Bearer k2' }))).toBe('conflicting_api_keys');
  });
});

describe('authenticate', () => {
  let store: StoreDriver;
  const key = newApiKey();
  const revokedKey = newApiKey();
  const now = Date.parse('2026-06-01T12:00:00Z');
  beforeAll(async () => {
    store = await openStore(await mkdtemp(join(tmpdir(), 'kit-auth-')), secretBoxFromKey(Buffer.alloc(32, 1)));
    await store.saveEvent({
      id: 'e1',
      name: 'E',
      code: 'abc',
      startsAt: '2026-06-01T08:00:00Z',
      endsAt: '2026-06-01T17:00:00Z',
      timeZone: 'UTC',
      dailyRequestCap: 0,
      maxTokenCap: 0,
      resourceIds: [],
      enabled: true,
      createdAt: '2026-01-01T00:00:00Z',
    });
    await store.issueAttendees(
      (
        [
          ['a1', key, false],
          ['a2', revokedKey, true],
        ] as const
      ).map(([id, k, revoked]) => ({
        id,
        eventId: 'e1',
        keyHash: hashKey(k),
        keyHint: keyHint(k),
        revoked,
        issued: false,
        createdAt: '',
      })),
    );
  });

  it('finds the attendee and the event', () => {
    const c = authenticate(store, { 'api-key': key }, now);
    if (c instanceof Promise) throw new Error('a known key is found without waiting');
    expect(c.attendee.id).toBe('a1');
    expect(c.event.id).toBe('e1');
  });
  it('maps each failure to its code', () => {
    expect(codeOf(() => authenticate(store, {}, now))).toBe('missing_api_key');
    expect(codeOf(() => authenticate(store, { 'api-key': 'apk-nope' }, now))).toBe('invalid_api_key');
    expect(codeOf(() => authenticate(store, { 'api-key': revokedKey }, now))).toBe('key_revoked');
    expect(codeOf(() => authenticate(store, { 'api-key': key }, Date.parse('2026-06-01T07:00:00Z')))).toBe(
      'event_not_started',
    );
    expect(codeOf(() => authenticate(store, { 'api-key': key }, Date.parse('2026-06-01T18:00:00Z')))).toBe(
      'event_ended',
    );
  });
  it('never echoes the key in an error message', () => {
    try {
      authenticate(store, { 'api-key': 'apk-secret-guess' }, now);
    } catch (e) {
      expect((e as Error).message).not.toContain('apk-secret-guess');
    }
  });
});
