/**
 * The daily allowances of an event served by several kit instances on one
 * database: each attendee's request cap, token budget and deployment caps
 * are kept in the vault for all instances and leased in blocks
 * (`allowance-leases.ts`), so no instance admits a call the event as a whole
 * has no room for, and most calls are admitted from memory.
 *
 * A request takes one unit of the request cap (and of the deployment's cap).
 * The token budget is known to be spent only after calls: a call is admitted
 * while the budget has a token left, takes it as a deposit, and books what it
 * used when upstream reports usage (the same rule as one kit's: calls already
 * in flight may finish past the budget, the next one is refused).
 */
import type { EventDay, UsageLedger } from '../../usage/ledger.js';
import type { AllowanceBank, AllowanceHold, DailyLimits, Spent } from './allowance-bank.js';
import { type AllowanceLeases, type AllowanceSpec, type TakeResult, unavailable } from './allowance-leases.js';

const SWEEP_MS = 1000;

/** What this instance counted so far: where a new shared allowance starts. */
type Counted = Pick<UsageLedger, 'totals' | 'requestsOn'>;

type Take = { spent: Spent; spec: AllowanceSpec };

export class SharedAllowanceBank implements AllowanceBank {
  readonly #leases: AllowanceLeases;
  readonly #ledger: Counted;
  readonly #timer: NodeJS.Timeout;

  constructor(leases: AllowanceLeases, ledger: Counted) {
    this.#leases = leases;
    this.#ledger = ledger;
    this.#timer = setInterval(() => void leases.sweep(), SWEEP_MS);
    this.#timer.unref();
  }

  claim(
    attendeeId: string,
    day: EventDay,
    deployment: string,
    limits: DailyLimits,
  ): Spent | AllowanceHold | undefined | Promise<Spent | AllowanceHold | undefined> {
    const takes = this.#takes(attendeeId, day, deployment, limits);
    if (takes.length === 0) return undefined;
    const taken: Take[] = [];
    for (let i = 0; i < takes.length; i++) {
      const t = takes[i] as Take;
      const got = this.#leases.take(t.spec);
      if (got instanceof Promise) return this.#claimRest(got, takes.slice(i), taken);
      const refused = this.#settle(got, t, taken);
      if (refused) return refused;
    }
    return new SharedHold(this.#leases, taken);
  }

  async #claimRest(first: Promise<TakeResult>, rest: Take[], taken: Take[]): Promise<Spent | AllowanceHold> {
    let got: TakeResult | Promise<TakeResult> = first;
    for (let i = 0; i < rest.length; i++) {
      const t = rest[i] as Take;
      if (i > 0) got = this.#leases.take(t.spec);
      const refused = this.#settle(await got, t, taken);
      if (refused) return refused;
    }
    return new SharedHold(this.#leases, taken);
  }

  /** Keeps a unit taken, or gives back what this claim took and says why it ends here. */
  #settle(got: TakeResult, t: Take, taken: Take[]): Spent | undefined {
    if (got === true) {
      taken.push(t);
      return undefined;
    }
    for (const k of taken) this.#leases.giveBack(k.spec.key, 1);
    if (got === 'unavailable') throw unavailable();
    return t.spent;
  }

  #takes(attendeeId: string, day: EventDay, deployment: string, limits: DailyLimits): Take[] {
    const takes: Take[] = [];
    const expiresAt = day.endsAt;
    if (limits.requestCap > 0) {
      const seed = this.#ledger.totals('', attendeeId, day.day).requests;
      takes.push({
        spent: 'requests',
        spec: { key: requestsKey(attendeeId, day.day), cap: limits.requestCap, seed, expiresAt },
      });
    }
    if (limits.tokenBudget > 0) {
      const seed = this.#ledger.totals('', attendeeId, day.day).totalTokens;
      takes.push({
        spent: 'tokens',
        spec: { key: tokensKey(attendeeId, day.day), cap: limits.tokenBudget, seed, expiresAt },
      });
    }
    if (limits.deploymentCap > 0) {
      const seed = this.#ledger.requestsOn(attendeeId, day.day, deployment);
      takes.push({
        spent: 'deployment',
        spec: { key: `d|${attendeeId}|${day.day}|${deployment}`, cap: limits.deploymentCap, seed, expiresAt },
      });
    }
    return takes;
  }

  charge(attendeeId: string, day: EventDay, tokens: number): void {
    if (tokens > 0) this.#leases.use(tokensKey(attendeeId, day.day), tokens);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#leases.close();
  }
}

const requestsKey = (attendeeId: string, day: string) => `r|${attendeeId}|${day}`;
const tokensKey = (attendeeId: string, day: string) => `t|${attendeeId}|${day}`;

/** One admitted call's units: the request (given back when never sent) and the token deposit. */
class SharedHold implements AllowanceHold {
  readonly #leases: AllowanceLeases;
  readonly #taken: Take[];
  /** The token taken at the door and not yet set against usage. */
  #deposit: boolean;
  #over = false;

  constructor(leases: AllowanceLeases, taken: Take[]) {
    this.#leases = leases;
    this.#taken = taken;
    this.#deposit = taken.some((t) => t.spent === 'tokens');
  }

  cancel(): void {
    if (this.#over) return;
    for (const t of this.#taken) if (t.spent !== 'tokens') this.#leases.giveBack(t.spec.key, 1);
    this.done();
  }

  spend(tokens: number): void {
    if (!(tokens > 0) || this.#over) return;
    const budget = this.#taken.find((t) => t.spent === 'tokens');
    if (!budget) return;
    // The deposit is the first of the call's tokens.
    this.#leases.use(budget.spec.key, this.#deposit ? tokens - 1 : tokens);
    this.#deposit = false;
  }

  done(): void {
    if (this.#over) return;
    this.#over = true;
    const budget = this.#deposit ? this.#taken.find((t) => t.spent === 'tokens') : undefined;
    if (budget) this.#leases.giveBack(budget.spec.key, 1);
    this.#deposit = false;
  }
}
