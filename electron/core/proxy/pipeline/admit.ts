/**
 * The event's daily limits at the door of a metered call: the request cap and
 * the optional token budget, answered with `429` and `Retry-After` to the
 * venue's midnight; a call let through is counted at once.
 */
import type { KitEvent } from '../../../../shared/types.js';
import { describeInstant } from '../../../../shared/zoned-time.js';
import { KitError } from '../../errors.js';
import type { EventDay, UsageSlot } from '../../usage/ledger.js';
import type { ProxyCall } from './call.js';

function untilMidnight(event: KitEvent, day: EventDay, now: number): { headers: Record<string, string>; when: string } {
  const seconds = Math.max(1, Math.ceil((day.endsAt - now) / 1000));
  return {
    headers: { 'retry-after': String(seconds) },
    when: describeInstant(new Date(day.endsAt).toISOString(), event.timeZone),
  };
}

/**
 * Refuses a metered call over the daily cap or token budget, else counts it.
 * Checking and counting happen together, synchronously, so concurrent calls
 * cannot all slip under the cap. Returns the day the call was counted on and the counters it books into.
 */
export function admit(call: ProxyCall, deployment: string): { day: EventDay; slot: UsageSlot } {
  const { event, attendee } = call.caller;
  const now = call.deps.now();
  const { ledger } = call.deps;
  const day = ledger.dayOf(event, now);
  const totals = ledger.totals(event.id, attendee.id, day.day);
  if (event.dailyRequestCap > 0 && totals.requests >= event.dailyRequestCap) {
    const { headers, when } = untilMidnight(event, day, now);
    throw new KitError(
      'daily_cap_reached',
      `You have used your ${event.dailyRequestCap} requests for today. The count resets at ${when}.`,
      headers,
    );
  }
  const budget = event.dailyTokenBudget ?? 0;
  if (budget > 0 && totals.totalTokens >= budget) {
    const { headers, when } = untilMidnight(event, day, now);
    throw new KitError(
      'token_budget_reached',
      `You have used your ${budget} tokens for today. The budget resets at ${when}.`,
      headers,
    );
  }
  const slot = ledger.slot(event.id, attendee.id, deployment, day.day);
  ledger.countRequest(slot);
  return { day, slot };
}
