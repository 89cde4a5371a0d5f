/**
 * The event's limits at the door of a metered call (or a realtime session):
 * the daily request cap, the optional token budget and per-deployment daily
 * caps, answered with `429` and `Retry-After` to the venue's midnight; then
 * the per-minute limits (`metering/minute-gate.ts`). Each limit is the
 * attendee's own where the organizer set one, else the event's. A call let
 * through is counted at once. Whether a daily allowance has room is the
 * allowance bank's to say (`metering/allowance-bank.ts`): one kit's ledger,
 * or the allowance several kit instances share.
 */
import type { KitEvent } from '../../../../shared/types.js';
import { describeInstant } from '../../../../shared/zoned-time.js';
import type { Caller } from '../../auth/attendee-auth.js';
import { KitError } from '../../errors.js';
import type { EventDay, UsageLedger, UsageSlot } from '../../usage/ledger.js';
import type { AllowanceBank, AllowanceHold, Spent } from '../metering/allowance-bank.js';
import { limitOf, minuteLimitsOf } from '../metering/attendee-limits.js';
import type { AdmissionGate, MinuteTicket } from '../metering/minute-gate.js';

export interface AdmitDeps {
  ledger: UsageLedger;
  /** The daily allowances (request cap, token budget, deployment caps). */
  allowances: AllowanceBank;
  gate: AdmissionGate;
  now: () => number;
}

export interface Admission {
  day: EventDay;
  /** The counters the call books into. */
  slot: UsageSlot;
  /** Its hold on the attendee's per-minute allowance, when the event (or the attendee) has per-minute limits. */
  ticket?: MinuteTicket;
  /** Its hold on the daily allowances several kit instances share (none on one kit: the ledger's count is it). */
  hold?: AllowanceHold;
}

function untilMidnight(event: KitEvent, day: EventDay, now: number): { headers: Record<string, string>; when: string } {
  const seconds = Math.max(1, Math.ceil((day.endsAt - now) / 1000));
  return {
    // Not worth an SDK's automatic retry: the openai SDKs would otherwise sleep until midnight.
    headers: { 'retry-after': String(seconds), 'x-should-retry': 'false' },
    when: describeInstant(new Date(day.endsAt).toISOString(), event.timeZone),
  };
}

/**
 * Refuses a metered call over a daily cap, the token budget or a per-minute
 * limit, else counts it. Checking and counting happen together (synchronously
 * on one kit; the shared allowance takes its units atomically), so
 * concurrent calls cannot all slip under a limit. `estimateTokens` (the
 * prompt's size) is asked for only under a tokens-per-minute limit. A promise
 * only when the shared allowance must ask its database.
 */
export function admit(
  deps: AdmitDeps,
  caller: Caller,
  deployment: string,
  estimateTokens?: () => number,
): Admission | Promise<Admission> {
  const { event, attendee } = caller;
  const now = deps.now();
  const day = deps.ledger.dayOf(event, now);
  const requestCap = limitOf(event, attendee, 'dailyRequestCap');
  const tokenBudget = limitOf(event, attendee, 'dailyTokenBudget');
  const deploymentCap = event.deploymentDailyCaps?.[deployment] ?? 0;
  if (!(requestCap > 0 || tokenBudget > 0 || deploymentCap > 0))
    return enter(deps, caller, deployment, day, undefined, estimateTokens);
  const claimed = deps.allowances.claim(attendee.id, day, deployment, { requestCap, tokenBudget, deploymentCap });
  if (claimed instanceof Promise)
    return claimed.then((c) => admitted(deps, caller, deployment, day, c, estimateTokens, now));
  return admitted(deps, caller, deployment, day, claimed, estimateTokens, now);
}

function admitted(
  deps: AdmitDeps,
  caller: Caller,
  deployment: string,
  day: EventDay,
  claimed: Spent | AllowanceHold | undefined,
  estimateTokens: (() => number) | undefined,
  now: number,
): Admission | Promise<Admission> {
  if (typeof claimed === 'string') throw refusal(caller, deployment, day, claimed, now);
  // Refused per minute: the day's units go back.
  let entered: Admission | Promise<Admission>;
  try {
    entered = enter(deps, caller, deployment, day, claimed, estimateTokens);
  } catch (e) {
    claimed?.cancel();
    throw e;
  }
  if (entered instanceof Promise && claimed)
    return entered.catch((e: unknown) => {
      claimed.cancel();
      throw e;
    });
  return entered;
}

/** The per-minute limits, then the count. */
function enter(
  deps: AdmitDeps,
  caller: Caller,
  deployment: string,
  day: EventDay,
  hold: AllowanceHold | undefined,
  estimateTokens: (() => number) | undefined,
): Admission | Promise<Admission> {
  const { event, attendee } = caller;
  const limits = minuteLimitsOf(event, attendee);
  const ticket = limits
    ? deps.gate.enter(attendee.id, limits, limits.tokensPerMinute > 0 ? (estimateTokens?.() ?? 0) : 0)
    : undefined;
  if (ticket instanceof Promise) return ticket.then((t) => count(deps, caller, deployment, day, hold, t));
  return count(deps, caller, deployment, day, hold, ticket);
}

function count(
  deps: AdmitDeps,
  caller: Caller,
  deployment: string,
  day: EventDay,
  hold: AllowanceHold | undefined,
  ticket: MinuteTicket | undefined,
): Admission {
  const { event, attendee } = caller;
  const slot = deps.ledger.slot(event.id, attendee.id, deployment, day.day);
  deps.ledger.countRequest(slot);
  if (!ticket && !hold) return { day, slot };
  return { day, slot, ...(ticket ? { ticket } : {}), ...(hold ? { hold } : {}) };
}

function refusal(caller: Caller, deployment: string, day: EventDay, spent: Spent, now: number): KitError {
  const { event, attendee } = caller;
  const { headers, when } = untilMidnight(event, day, now);
  if (spent === 'requests') {
    const cap = limitOf(event, attendee, 'dailyRequestCap');
    return new KitError(
      'daily_cap_reached',
      `You have used your ${cap} requests for today. The count resets at ${when}.`,
      headers,
    );
  }
  if (spent === 'tokens') {
    const budget = limitOf(event, attendee, 'dailyTokenBudget');
    return new KitError(
      'token_budget_reached',
      `You have used your ${budget} tokens for today. The budget resets at ${when}.`,
      headers,
    );
  }
  const deploymentCap = event.deploymentDailyCaps?.[deployment];
  return new KitError(
    'daily_cap_reached',
    `You have used your ${deploymentCap} requests to "${deployment}" for today. The count resets at ${when}; the event's other deployments still answer.`,
    headers,
  );
}
