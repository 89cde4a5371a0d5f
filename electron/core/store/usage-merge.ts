/**
 * How a usage increment lands on a stored counter, for drivers that merge in
 * memory (the JSON file): counts add up (never below zero), and the first
 * and last call are the earliest and the latest of both, compared as
 * instants. The same rules a database writes as `count + delta`, `LEAST` and
 * `GREATEST`, so increments apply in any order and a retried flush adds up.
 */
import { deepFreeze } from './deep-freeze.js';
import type { UsageCounter } from './schema.js';
import type { UsageDelta } from './store-driver.js';

export const usageKey = (u: Pick<UsageCounter, 'attendeeId' | 'deployment' | 'day'>) =>
  `${u.attendeeId}\u0000${u.deployment}\u0000${u.day}`;

/** The earlier (or the later) of two optional ISO instants. */
export function pickInstant(a: string | undefined, b: string | undefined, pick: 'first' | 'last'): string | undefined {
  if (!a || !b) return a ?? b;
  const later = Date.parse(b) > Date.parse(a);
  return pick === 'last' ? (later ? b : a) : later ? a : b;
}

/** `old` (absent for a new counter) with `delta` added: a new frozen counter. */
export function addDelta(old: Readonly<UsageCounter> | undefined, delta: UsageDelta): Readonly<UsageCounter> {
  const add = (f: 'requests' | 'promptTokens' | 'completionTokens' | 'totalTokens' | 'errors') =>
    Math.max(0, (old?.[f] ?? 0) + delta[f]);
  const firstCallAt = pickInstant(old?.firstCallAt, delta.firstCallAt, 'first');
  const lastCallAt = pickInstant(old?.lastCallAt, delta.lastCallAt, 'last');
  return deepFreeze({
    eventId: delta.eventId,
    attendeeId: delta.attendeeId,
    deployment: delta.deployment,
    day: delta.day,
    requests: add('requests'),
    promptTokens: add('promptTokens'),
    completionTokens: add('completionTokens'),
    totalTokens: add('totalTokens'),
    errors: add('errors'),
    ...(firstCallAt ? { firstCallAt } : {}),
    ...(lastCallAt ? { lastCallAt } : {}),
  });
}

/**
 * The counters with every delta added (deltas for events `keep` refuses are dropped), or undefined when
 * nothing changed.
 */
export function mergeUsage(
  counters: readonly Readonly<UsageCounter>[],
  deltas: readonly UsageDelta[],
  keep: (eventId: string) => boolean,
): Readonly<UsageCounter>[] | undefined {
  const rows = new Map(counters.map((u) => [usageKey(u), u]));
  let changed = false;
  for (const delta of deltas) {
    if (!keep(delta.eventId)) continue;
    const k = usageKey(delta);
    rows.set(k, addDelta(rows.get(k), delta));
    changed = true;
  }
  return changed ? [...rows.values()] : undefined;
}
