/**
 * The last step of a call: books what it cost. A metered call that was never
 * sent is taken back from the day's count (and from the per-minute
 * allowance); an upstream error is counted as one; tokens come from
 * upstream's usage, else from the tokenizer, and a run or response whose
 * usage shows on a later poll is counted once, at the first sighting. An
 * unmetered call (a poll) still books usage it carried.
 */
import { estimateUsage } from '../metering/token-estimate.js';
import type { TokenUsage } from '../metering/usage.js';
import { countPolledUsage, firstSighting, recordTokens } from '../objects/object-usage.js';
import type { Admission } from './admit.js';
import type { ProxyCall } from './call.js';
import type { RelayOutcome } from './relay.js';

/** Books the outcome: a metered call never sent is taken back, tokens and errors are added; an unmetered one books only usage it carried. */
export function settle(
  call: ProxyCall,
  deployment: string,
  admission: Admission | undefined,
  dispatched: boolean,
  outcome: RelayOutcome | undefined,
): void | Promise<void> {
  if (!admission) {
    if (outcome) countPolledUsage(call, deployment, outcome.read);
    return;
  }
  const { slot, ticket, hold } = admission;
  if (!dispatched) {
    ticket?.cancel();
    hold?.cancel();
    call.deps.ledger.uncountRequest(slot);
    return;
  }
  const booked = book(call, admission, outcome);
  // The call is over once its tokens are booked: its place in flight is freed, its unused estimate returned.
  if (!ticket && !hold) return booked;
  const over = () => {
    ticket?.release();
    hold?.done();
  };
  if (booked instanceof Promise) return booked.finally(over);
  over();
}

function book(call: ProxyCall, admission: Admission, outcome: RelayOutcome | undefined): void | Promise<void> {
  const { slot } = admission;
  const { ledger } = call.deps;
  const status = call.res.headersSent ? call.res.statusCode : 0;
  const failed = !outcome || outcome.brokenCode !== undefined || status >= 400;
  if (failed && !outcome?.clientGone && !call.signal.aborted) ledger.countError(slot);
  if (!outcome || status >= 400) return;
  const usage = outcome.read.usage;
  // No usage from upstream: count what the tokenizer can see (a reply, or the input of an embedding).
  if (!usage && (outcome.read.completionText || /\/embeddings$/.test(call.path))) {
    let estimate: ReturnType<typeof estimateUsage> | undefined;
    try {
      estimate = estimateUsage(call.parsedJson, outcome.read.completionText);
    } catch {
      return;
    }
    // The tokenizer is loaded on first use: only then is there something to wait for.
    if (estimate instanceof Promise)
      return estimate.then(
        (u) => bookTokens(call, admission, u, outcome),
        () => undefined,
      );
    return bookTokens(call, admission, estimate, outcome);
  }
  bookTokens(call, admission, usage, outcome);
}

/** A run or response shows its usage once it is over, maybe on a later poll: counted at the first sighting only. */
function bookTokens(call: ProxyCall, admission: Admission, usage: TokenUsage | undefined, outcome: RelayOutcome): void {
  if (!usage || !firstSighting(call, outcome.read.owner)) return;
  recordTokens(call, usage);
  call.deps.ledger.countTokens(admission.slot, usage);
  admission.ticket?.used(usage.totalTokens);
  admission.hold?.spend(usage.totalTokens);
}
