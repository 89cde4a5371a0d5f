/**
 * The daily allowances two instances share through one vault (in memory,
 * with the database's rules): a request cap and a deployment cap hold for
 * both together, a call refused by one allowance gives back what it took of
 * the others, a call never sent gives its request back, and the token budget
 * admits calls while a token is left and counts what they used on both.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AllowanceHold, DailyLimits, Spent } from '../../../../../electron/core/proxy/metering/allowance-bank.js';
import { AllowanceLeases } from '../../../../../electron/core/proxy/metering/allowance-leases.js';
import { SharedAllowanceBank } from '../../../../../electron/core/proxy/metering/shared-allowance-bank.js';
import type { DayTotals } from '../../../../../electron/core/usage/ledger.js';
import { FakeAllowanceVault } from '../../../../support/fake-allowance-vault.js';

const day = { day: '2026-12-02', endsAt: Date.now() + 3600_000 };
const none = { requests: 0, totalTokens: 0 };
const noCounts = { totals: (): DayTotals => none, requestsOn: () => 0 };
const limits = (over: Partial<DailyLimits>): DailyLimits => ({
  requestCap: 0,
  tokenBudget: 0,
  deploymentCap: 0,
  ...over,
});

const banks: SharedAllowanceBank[] = [];
afterEach(async () => {
  for (const b of banks.splice(0)) await b.close();
});

function twoInstances() {
  const vault = new FakeAllowanceVault();
  const made = [0, 1].map(() => new SharedAllowanceBank(new AllowanceLeases(vault), noCounts));
  banks.push(...made);
  return { vault, banks: made as [SharedAllowanceBank, SharedAllowanceBank] };
}

type Claimed = Spent | AllowanceHold | undefined;
const isHold = (c: Claimed): c is AllowanceHold => typeof c === 'object';

describe('daily allowances shared by two instances', () => {
  it('holds a request cap of 10 for both together, and names what is spent', async () => {
    const { banks } = twoInstances();
    const claims = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (banks[i % 2] as SharedAllowanceBank).claim('ada', day, 'gpt', limits({ requestCap: 10 })),
      ),
    );
    expect(claims.filter(isHold)).toHaveLength(10);
    expect(claims.filter((c) => c === 'requests')).toHaveLength(30);
  });

  it('gives back what a refused call took, and the request of a call never sent', async () => {
    const { vault, banks } = twoInstances();
    const both = limits({ requestCap: 5, deploymentCap: 2 });
    const first = await Promise.all(
      [0, 1, 2].map((i) => (banks[i % 2] as SharedAllowanceBank).claim('ada', day, 'gpt', both)),
    );
    expect(first.filter(isHold)).toHaveLength(2);
    expect(first.filter((c) => c === 'deployment')).toHaveLength(1);
    // The refused call's request went back: 2 of 5 requests are used.
    expect(vault.used.get('r|ada|2026-12-02')).toBe(2);
    (first.find(isHold) as AllowanceHold).cancel();
    await new Promise((resolve) => setImmediate(resolve));
    expect(vault.used.get('r|ada|2026-12-02')).toBe(1);
    expect(vault.used.get('d|ada|2026-12-02|gpt')).toBe(1);
    expect(isHold(await banks[1].claim('ada', day, 'gpt', both))).toBe(true);
  });

  it('admits calls while the token budget has a token left and counts what they used on both', async () => {
    const { vault, banks } = twoInstances();
    const budget = limits({ tokenBudget: 1000 });
    for (let i = 0; i < 3; i++) {
      const hold = await (banks[i % 2] as SharedAllowanceBank).claim('ada', day, 'gpt', budget);
      expect(isHold(hold)).toBe(true);
      (hold as AllowanceHold).spend(300);
      (hold as AllowanceHold).done();
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(vault.used.get('t|ada|2026-12-02')).toBe(900);
    const fourth = (await banks[1].claim('ada', day, 'gpt', budget)) as AllowanceHold;
    fourth.spend(300);
    fourth.done();
    // A poll that shows a finished run's tokens is charged too.
    banks[0].charge('ada', day, 50);
    await new Promise((resolve) => setImmediate(resolve));
    expect(vault.used.get('t|ada|2026-12-02')).toBe(1250);
    expect(await banks[0].claim('ada', day, 'gpt', budget)).toBe('tokens');
    expect(await banks[1].claim('ada', day, 'gpt', budget)).toBe('tokens');
  });

  it('gives the deposit back when a call used no tokens', async () => {
    const { vault, banks } = twoInstances();
    const hold = (await banks[0].claim('ada', day, 'gpt', limits({ tokenBudget: 10 }))) as AllowanceHold;
    expect(vault.used.get('t|ada|2026-12-02')).toBe(1);
    hold.done();
    await new Promise((resolve) => setImmediate(resolve));
    expect(vault.used.get('t|ada|2026-12-02')).toBe(0);
  });

  it('asks nothing of the vault when the attendee has no daily limit', () => {
    const { vault, banks } = twoInstances();
    expect(banks[0].claim('ada', day, 'gpt', limits({}))).toBeUndefined();
    expect(vault.grants).toBe(0);
  });

  it('answers store_unavailable when the vault cannot be asked', async () => {
    const { vault, banks } = twoInstances();
    vault.failing = true;
    await expect(banks[0].claim('ada', day, 'gpt', limits({ requestCap: 10 }))).rejects.toMatchObject({
      code: 'store_unavailable',
      status: 503,
    });
  });
});
