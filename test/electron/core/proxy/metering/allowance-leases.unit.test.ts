/**
 * Allowance leases against a vault in memory with the database's rules: a
 * burst spread over two instances admits exactly the cap, a large allowance
 * is served in blocks from memory, the tail is granted call by call, unused
 * blocks come back (idle, on close, from the tail at once), usage beyond a
 * block is charged, and a vault that does not answer makes takes
 * `unavailable` (said once) until it answers again. The clock is moved by
 * hand; nothing waits on time.
 */
import { describe, expect, it } from 'vitest';
import {
  AllowanceLeases,
  type AllowanceSpec,
  type LeaseOptions,
  type TakeResult,
} from '../../../../../electron/core/proxy/metering/allowance-leases.js';
import { FakeAllowanceVault } from '../../../../support/fake-allowance-vault.js';

const spec = (cap: number, over: Partial<AllowanceSpec> = {}): AllowanceSpec => ({
  key: 'r|ada|2026-12-02',
  cap,
  seed: 0,
  expiresAt: 10_000_000,
  ...over,
});

function instances(n: number, opts: LeaseOptions = {}) {
  const vault = new FakeAllowanceVault();
  let clock = 1_000_000;
  const now = () => clock;
  const leases = Array.from({ length: n }, () => new AllowanceLeases(vault, { now, ...opts }));
  return { vault, leases, advance: (ms: number) => (clock += ms) };
}

const admitted = (results: TakeResult[]) => results.filter((r) => r === true).length;

describe('a burst over several instances', () => {
  it('admits exactly a cap of 10 out of 40 concurrent calls spread over two instances', async () => {
    const { vault, leases } = instances(2);
    vault.hold();
    const calls = Array.from({ length: 40 }, (_, i) => (leases[i % 2] as AllowanceLeases).take(spec(10)));
    vault.release();
    const results = await Promise.all(calls);
    expect(admitted(results)).toBe(10);
    expect(results.filter((r) => r === false)).toHaveLength(30);
    expect(vault.used.get(spec(10).key)).toBe(10);
    // Nothing is left over anywhere: the next call on either instance is refused.
    expect(await leases[0]?.take(spec(10))).toBe(false);
    expect(await leases[1]?.take(spec(10))).toBe(false);
  });

  it('never admits more than the cap however the calls interleave, and all of it while both keep asking', async () => {
    const { vault, leases } = instances(3, { maxBlock: 8, minTail: 5 });
    const results: TakeResult[] = [];
    for (let round = 0; round < 30; round++) {
      vault.hold();
      const calls = Array.from({ length: 7 + (round % 5) }, (_, i) =>
        (leases[(i * 7 + round) % 3] as AllowanceLeases).take(spec(120)),
      );
      vault.release();
      results.push(...(await Promise.all(calls)));
    }
    expect(admitted(results)).toBe(120);
    expect(vault.used.get(spec(120).key)).toBe(120);
  });

  it('starts a new allowance at what was used before it was shared', async () => {
    const { leases } = instances(1);
    const results = await Promise.all(Array.from({ length: 5 }, () => leases[0]?.take(spec(10, { seed: 7 }))));
    expect(admitted(results as TakeResult[])).toBe(3);
  });
});

describe('blocks', () => {
  it('leases a block at the first call and serves the rest of it from memory', async () => {
    const { vault, leases } = instances(1);
    const lease = leases[0] as AllowanceLeases;
    expect(await lease.take(spec(10_000))).toBe(true);
    expect(vault.grants).toBe(1);
    expect(lease.held(spec(10_000).key)).toBe(31);
    for (let i = 0; i < 31; i++) expect(lease.take(spec(10_000))).toBe(true);
    expect(vault.grants).toBe(1);
    // The block is spent: the next call asks again.
    expect(lease.take(spec(10_000))).toBeInstanceOf(Promise);
  });

  it('grants the tail call by call: units taken back there go straight to the vault', async () => {
    const { vault, leases } = instances(1);
    const lease = leases[0] as AllowanceLeases;
    const big = spec(200); // a tail of 20: 180 in blocks of 12
    for (let i = 0; i < 180; i++) expect(await lease.take(big)).toBe(true);
    expect(vault.used.get(big.key)).toBe(180);
    const grants = vault.grants;
    expect(await lease.take(big)).toBe(true);
    expect(vault.grants).toBe(grants + 1);
    expect(lease.held(big.key)).toBe(0);
    lease.giveBack(big.key, 1);
    await lease.close();
    expect(vault.used.get(big.key)).toBe(180);
  });

  it('gives an idle block back after idleMs, and every block on close', async () => {
    const { vault, leases, advance } = instances(2, { idleMs: 3000 });
    const [a, b] = leases as [AllowanceLeases, AllowanceLeases];
    const other = spec(10_000, { key: 't|bob|2026-12-02' });
    expect(await a.take(spec(10_000))).toBe(true);
    expect(await b.take(other)).toBe(true);
    expect(vault.used.get(spec(10_000).key)).toBe(32);
    advance(2999);
    await a.sweep();
    expect(vault.used.get(spec(10_000).key)).toBe(32);
    advance(1);
    await a.sweep();
    expect(vault.used.get(spec(10_000).key)).toBe(1);
    await b.close();
    expect(vault.used.get(other.key)).toBe(1);
  });

  it('forgets a lease whose day is over without giving it back', async () => {
    const { vault, leases, advance } = instances(1);
    const lease = leases[0] as AllowanceLeases;
    const today = spec(10_000, { expiresAt: 1_000_500 });
    expect(await lease.take(today)).toBe(true);
    advance(1000);
    await lease.sweep();
    expect(lease.held(today.key)).toBe(0);
    expect(vault.used.get(today.key)).toBe(32);
  });

  it('books usage beyond the block as a charge to the vault', async () => {
    const { vault, leases } = instances(1);
    const lease = leases[0] as AllowanceLeases;
    const tokens = spec(100_000, { key: 't|ada|2026-12-02' });
    expect(await lease.take(tokens)).toBe(true);
    lease.use(tokens.key, 20);
    expect(lease.held(tokens.key)).toBe(11);
    lease.use(tokens.key, 500);
    await lease.close();
    expect(vault.used.get(tokens.key)).toBe(32 + 489);
  });
});

describe('a vault that does not answer', () => {
  it('makes takes unavailable, says so once, and keeps serving once it answers again', async () => {
    const troubles: unknown[] = [];
    const { vault, leases } = instances(1, { onTrouble: (e) => troubles.push(e) });
    const lease = leases[0] as AllowanceLeases;
    vault.failing = true;
    expect(await lease.take(spec(10))).toBe('unavailable');
    expect(await lease.take(spec(10))).toBe('unavailable');
    expect(troubles).toHaveLength(1);
    expect(troubles[0]).toBeInstanceOf(Error);
    vault.failing = false;
    expect(await lease.take(spec(10))).toBe(true);
    expect(troubles).toEqual([troubles[0], undefined]);
  });

  it('keeps a charge it could not make and makes it at the next sweep', async () => {
    const { vault, leases } = instances(1);
    const lease = leases[0] as AllowanceLeases;
    const tokens = spec(10, { key: 't|ada|2026-12-02' });
    expect(await lease.take(tokens)).toBe(true);
    vault.failing = true;
    lease.use(tokens.key, 50);
    await lease.sweep();
    expect(vault.used.get(tokens.key)).toBe(1);
    vault.failing = false;
    await lease.sweep();
    expect(vault.used.get(tokens.key)).toBe(51);
  });

  it('times out a grant that never comes and gives its units back when it does', async () => {
    const { vault, leases } = instances(1, { timeoutMs: 1 });
    const lease = leases[0] as AllowanceLeases;
    vault.hold();
    expect(await lease.take(spec(10_000))).toBe('unavailable');
    vault.release();
    await new Promise((resolve) => setImmediate(resolve));
    await lease.close();
    expect(vault.used.get(spec(10_000).key)).toBe(0);
  });
});
