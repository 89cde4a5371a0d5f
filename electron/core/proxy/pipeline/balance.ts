/**
 * The order in which a call tries the resources behind one deployment name:
 * resources in rotation first, in a weighted random order (a resource with
 * weight 3 leads three times as often as one with weight 1); resources of a
 * fallback kind (OpenAI-compatible servers) sharing a name with others are
 * the fallback tier, tried after them; resources cooling down (throttled or failing) come last, soonest
 * deadline first, so a call still has somewhere to go when all are resting.
 */
import { kindOf } from '../../../../shared/resource-kinds/table.js';
import type { Resource } from '../../../../shared/types.js';

export function rankCandidates(
  candidates: readonly Resource[],
  coolDownUntil: (id: string) => number,
  now: number,
  random: () => number = Math.random,
): Resource[] {
  if (candidates.length <= 1) return [...candidates];
  const isFallback = (r: Resource) => kindOf(r.kind).fallback;
  const mixed = candidates.some(isFallback) && !candidates.every(isFallback);
  const tier = (r: Resource) => (mixed && isFallback(r) ? 1 : 0);
  const ready: Array<{ r: Resource; key: number }> = [];
  const resting: Array<{ r: Resource; until: number }> = [];
  for (const r of candidates) {
    const until = coolDownUntil(r.id);
    if (until > now) resting.push({ r, until });
    // Efraimidis–Spirakis: sorting by u^(1/w) descending is a weighted draw without replacement.
    else ready.push({ r, key: random() ** (1 / Math.max(1, r.weight ?? 1)) });
  }
  ready.sort((a, b) => tier(a.r) - tier(b.r) || b.key - a.key);
  resting.sort((a, b) => a.until - b.until);
  return [...ready.map((x) => x.r), ...resting.map((x) => x.r)];
}
