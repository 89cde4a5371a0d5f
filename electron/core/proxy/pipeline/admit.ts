/**
 * The event's limits at the door of a metered call (or a realtime session):
 * the daily request cap, the optional token budget and per-deployment daily
 * caps, answered with `429` and `Retry-After` to the venue's midnight; then
 * the per-minute limits (`metering/minute-gate.ts`). Each limit is the
 * attendee's own where the organizer set one, else the event's. A call let
 * through is counted at once.
 */
import type { KitEvent } from '../../../../shared/types.js';
import { describeInstant } from '../../../../shared/zoned-time.js';
import type { Caller } from '../../auth/attendee-auth.js';
import { KitError } from '../../errors.js';
import type { EventDay, UsageLedger, UsageSlot } from '../../usage/ledger.js';
import { limitOf, minuteLimitsOf } from '../metering/attendee-limits.js';
import type { AdmissionGate, MinuteTicket } from '../metering/minute-gate.js';

export interface AdmitDeps {
  ledger: UsageLedger;
  gate: AdmissionGate;
  now: () => number;
}

export interface Admission {
  day: EventDay;
  /** The counters the call books into. */
  slot: UsageSlot;
  /** Its hold on the attendee's per-minute allowance, when the event (or the attendee) has per-minute limits. */
  ticket?: MinuteTicket;
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
 * limit, else counts it. Checking and counting happen together,
 * synchronously, so concurrent calls cannot all slip under a limit.
 * `estimateTokens` (the prompt's size) is asked for only under a
 * tokens-per-minute limit.
 */
export function admit(deps: AdmitDeps, caller: Caller, deployment: string, estimateTokens?: () => number): Admission {
  const { event, attendee } = caller;
  const now = deps.now();
  const { ledger } = deps;
  const day = ledger.dayOf(event, now);
  const totals = ledger.totals(event.id, attendee.id, day.day);
  const cap = limitOf(event, attendee, 'dailyRequestCap');
  if (cap > 0 && totals.requests >= cap) {
    const { headers, when } = untilMidnight(event, day, now);
    throw new KitError(
      'daily_cap_reached',
      `You have used your ${cap} requests for today. The count resets at ${when}.`,
      headers,
    );
  }
  const budget = limitOf(event, attendee, 'dailyTokenBudget');
  if (budget > 0 && totals.totalTokens >= budget) {
    const { headers, when } = untilMidnight(event, day, now);
    throw new KitError(
      'token_budget_reached',
      `You have used your ${budget} tokens for today. The budget resets at ${when}.`,
      headers,
    );
  }
  const deploymentCap = event.deploymentDailyCaps?.[deployment];
  if (deploymentCap && ledger.requestsOn(attendee.id, day.day, deployment) >= deploymentCap) {
    const { headers, when } = untilMidnight(event, day, now);
    throw new KitError(
      'daily_cap_reached',
      `You have used your ${deploymentCap} requests to "${deployment}" for today. The count resets at ${when}; the event's other deployments still answer.`,
      headers,
    );
  }
  const limits = minuteLimitsOf(event, attendee);
  const ticket = limits
    ? deps.gate.enter(attendee.id, limits, limits.tokensPerMinute > 0 ? (estimateTokens?.() ?? 0) : 0)
    : undefined;
  const slot = ledger.slot(event.id, attendee.id, deployment, day.day);
  ledger.countRequest(slot);
  return ticket ? { day, slot, ticket } : { day, slot };
}
