/**
 * The price the reports use for each deployment name. Usage is counted per
 * deployment (the name attendees call), while prices sit on resources, and
 * several resources may serve one name: their price is averaged by routing
 * weight (the share of calls each gets), and said to be. A deployment with no
 * priced resource is unpriced. Currencies are never converted: the report
 * has a currency only when every priced resource of the event uses the same.
 */
import type { CostBudget, KitEvent, Resource, ResourcePricing, UsageRow } from '../../../shared/types.js';

export interface DeploymentPrice {
  price: ResourcePricing;
  averaged: boolean;
}

export interface PriceBook {
  /** Deployment name → its price; names with no priced resource (or priced in several currencies) are absent. */
  byDeployment: Map<string, DeploymentPrice>;
  /** Every currency among the event's priced resources, sorted. */
  currencies: string[];
  /** The one currency, when there is exactly one. */
  currency?: string;
}

/**
 * Prices per deployment for an event: from the event's resources, and for a name none of them serves
 * any more (a resource taken out of the event after its calls), from any resource with that name.
 */
export function priceBook(event: Pick<KitEvent, 'resourceIds'>, all: readonly Resource[]): PriceBook {
  const mine = new Set(event.resourceIds);
  const ofEvent = all.filter((r) => mine.has(r.id));
  const names = new Set(all.map((r) => r.deployment));
  const byDeployment = new Map<string, DeploymentPrice>();
  const currencies = new Set<string>();
  for (const r of ofEvent) if (r.pricing) currencies.add(r.pricing.currency);
  for (const name of names) {
    const own = ofEvent.filter((r) => r.deployment === name);
    const behind = (own.length ? own : all.filter((r) => r.deployment === name)).filter((r) => r.pricing);
    const price = averagePrice(behind);
    if (price) byDeployment.set(name, price);
  }
  const sorted = [...currencies].sort();
  return { byDeployment, currencies: sorted, ...(sorted.length === 1 ? { currency: sorted[0] } : {}) };
}

function averagePrice(priced: readonly Resource[]): DeploymentPrice | undefined {
  const first = priced[0]?.pricing;
  if (!first) return undefined;
  if (priced.some((r) => r.pricing?.currency !== first.currency)) return undefined;
  const same = priced.every(
    (r) =>
      r.pricing?.inputPerMillion === first.inputPerMillion && r.pricing?.outputPerMillion === first.outputPerMillion,
  );
  if (same) return { price: { ...first }, averaged: false };
  let weights = 0;
  let input = 0;
  let output = 0;
  for (const r of priced) {
    const w = r.weight ?? 1;
    weights += w;
    input += w * (r.pricing?.inputPerMillion ?? 0);
    output += w * (r.pricing?.outputPerMillion ?? 0);
  }
  return {
    price: { inputPerMillion: input / weights, outputPerMillion: output / weights, currency: first.currency },
    averaged: true,
  };
}

/** Estimated cost of some tokens at a price: prompt tokens as input, completion tokens as output. */
export const costOf = (row: Pick<UsageRow, 'promptTokens' | 'completionTokens'>, price: ResourcePricing): number =>
  (row.promptTokens * price.inputPerMillion + row.completionTokens * price.outputPerMillion) / 1_000_000;

/** The share of the budget used, when it is in the report's currency. */
export function budgetShare(total: number | undefined, budget: CostBudget | undefined, currency: string | undefined) {
  if (total === undefined || !budget || budget.currency !== currency) return undefined;
  return total / budget.amount;
}
