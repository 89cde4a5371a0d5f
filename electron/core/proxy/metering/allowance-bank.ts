/**
 * The daily allowances at the door of a metered call: the attendee's request
 * cap, token budget and a deployment's request cap for the event-local day.
 * `admit` asks the bank whether one more call fits and the bank takes it in
 * the same step, so concurrent calls cannot all slip under a cap.
 *
 * One kit judges from its own usage ledger (`LocalAllowanceBank`: a few map
 * reads, nothing allocated, always synchronous). Several kit instances on one
 * database share the allowance through `SharedAllowanceBank`
 * (`shared-allowance-bank.ts`), which may have to ask the database first:
 * its answer can then be a promise.
 */
import type { DayTotals, EventDay, UsageLedger } from '../../usage/ledger.js';

/** Which allowance a refused call found spent. */
export type Spent = 'requests' | 'tokens' | 'deployment';

/** The limits that hold for one call (0 = none), read by `admit` from the event and the attendee. */
export interface DailyLimits {
  requestCap: number;
  tokenBudget: number;
  /** The deployment's daily cap per attendee. */
  deploymentCap: number;
}

/** What an admitted call holds of the shared allowances until it is settled. */
export interface AllowanceHold {
  /** The call was never sent: its request goes back to the allowance. Idempotent. */
  cancel(): void;
  /** Books the tokens the call used against the token budget. May be called more than once. */
  spend(tokens: number): void;
  /** The call is over: what it held and did not use goes back. Idempotent. */
  done(): void;
}

export interface AllowanceBank {
  /**
   * Takes one request of the day for this attendee (and deployment), or names the allowance that is
   * spent. Undefined: admitted, with nothing to give back (the local bank; the ledger's own count is the
   * hold).
   */
  claim(
    attendeeId: string,
    day: EventDay,
    deployment: string,
    limits: DailyLimits,
  ): Spent | AllowanceHold | undefined | Promise<Spent | AllowanceHold | undefined>;
  /** Books tokens that belong to no call in flight (a finished run's usage seen on a later poll). */
  charge(attendeeId: string, day: EventDay, tokens: number): void;
  /** Gives what this instance holds back to the shared allowance (on shutdown). */
  close(): Promise<void>;
}

/**
 * One kit's allowance: its own ledger is the whole truth, and the count the ledger takes when the call
 * is admitted is the hold (taken back by the ledger when the call is never sent).
 */
export class LocalAllowanceBank implements AllowanceBank {
  readonly #ledger: UsageLedger;

  constructor(ledger: UsageLedger) {
    this.#ledger = ledger;
  }

  claim(attendeeId: string, { day }: EventDay, deployment: string, limits: DailyLimits): Spent | undefined {
    const totals: DayTotals = this.#ledger.totals('', attendeeId, day);
    if (limits.requestCap > 0 && totals.requests >= limits.requestCap) return 'requests';
    if (limits.tokenBudget > 0 && totals.totalTokens >= limits.tokenBudget) return 'tokens';
    if (limits.deploymentCap > 0 && this.#ledger.requestsOn(attendeeId, day, deployment) >= limits.deploymentCap)
      return 'deployment';
    return undefined;
  }

  charge(): void {
    // The ledger counts the tokens; nothing else holds them.
  }

  async close(): Promise<void> {}
}
