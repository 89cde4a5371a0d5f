/**
 * Tokens of work that finishes after the call that started it: an agent run
 * (created queued, then polled until it is over, or streamed) and a
 * background response (`background: true`, polled with GET until completed,
 * or streamed). Their `usage` appears only once they are over, on whichever
 * answer shows it first (the create call's stream, a poll, a later read), and
 * is counted then, once per run or response however often it is read, into
 * the caller's day: the token budget and `usage.report` see it like any other
 * call's tokens. A poll is not a request of its own (GETs never count toward
 * the daily cap); only its tokens are.
 */

import { minuteLimitsOf } from '../metering/attendee-limits.js';
import type { TokenUsage, UsageOwner } from '../metering/usage.js';
import type { ProxyCall } from '../pipeline/call.js';

/** Paths whose answers may carry a run's or a response's usage (its owner is then read off the answer). */
export const mayCarryObjectUsage = (path: string): boolean => path.includes('/runs') || path.includes('/responses');

/**
 * True when these tokens are to be counted now: the first time a run's or
 * response's usage shows up (the mark is kept with the ownership records),
 * or always for usage that belongs to no such object.
 */
export function firstSighting(call: ProxyCall, owner: UsageOwner | undefined): boolean {
  if (!owner) return true;
  return call.deps.ownership.bookUsage(call, owner, call.record.resourceId ?? '');
}

/** Puts the tokens on the call's traffic record. */
export function recordTokens(call: ProxyCall, usage: TokenUsage): void {
  call.record.promptTokens = usage.promptTokens;
  call.record.completionTokens = usage.completionTokens;
  call.record.totalTokens = usage.totalTokens;
}

/** A call that is not metered (a poll) may be the first to show a finished run's or response's tokens. */
export function countPolledUsage(
  call: ProxyCall,
  deployment: string,
  read: { usage?: TokenUsage; owner?: UsageOwner },
): void {
  const { usage, owner } = read;
  if (!usage || !owner || !call.res.headersSent || call.res.statusCode >= 400) return;
  if (!firstSighting(call, owner)) return;
  const { ledger, now } = call.deps;
  const { event, attendee } = call.caller;
  const day = ledger.dayOf(event, now());
  const slot = ledger.slot(event.id, attendee.id, deployment, day.day);
  recordTokens(call, usage);
  ledger.countTokens(slot, usage);
  call.deps.allowances.charge(attendee.id, day, usage.totalTokens);
  const limits = minuteLimitsOf(event, attendee);
  if (limits) call.deps.gate.charge(attendee.id, limits, usage.totalTokens);
}
