/**
 * `reports.usage`: an event's usage over a range of its days, per attendee,
 * per deployment and per day, with the first and last call of each and the
 * estimated cost. It sums the ledger's counters (the same ones the caps and
 * `usage.report` read, unsaved counts included), so its totals are the days
 * of `usage.report` added up. Every attendee of the event has a row, those
 * who never called included: who did not get going is worth knowing too.
 */
import type {
  AttendeeReportRow,
  DayReportRow,
  DeploymentReportRow,
  KitEvent,
  ReportRow,
  UsageRangeReport,
} from '../../../shared/types.js';
import type { StoreDriver } from '../store/store-driver.js';
import type { LedgerRow, UsageLedger } from '../usage/ledger.js';
import { daysBetween, reportRange } from './day-range.js';
import { budgetShare, costOf, type PriceBook, priceBook } from './prices.js';

/** A row being summed: counts, call times as epoch ms (0 = none), cost (undefined = not priced). */
interface Acc {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  errors: number;
  firstAt: number;
  lastAt: number;
  cost: number;
}

const emptyAcc = (): Acc => ({
  requests: 0,
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
  errors: 0,
  firstAt: 0,
  lastAt: 0,
  cost: 0,
});

function addRow(acc: Acc, r: LedgerRow, cost: number): void {
  acc.requests += r.requests;
  acc.promptTokens += r.promptTokens;
  acc.completionTokens += r.completionTokens;
  acc.totalTokens += r.totalTokens;
  acc.errors += r.errors;
  if (r.firstAt && (!acc.firstAt || r.firstAt < acc.firstAt)) acc.firstAt = r.firstAt;
  if (r.lastAt > acc.lastAt) acc.lastAt = r.lastAt;
  acc.cost += cost;
}

function accIn<K>(map: Map<K, Acc>, key: K): Acc {
  let acc = map.get(key);
  if (!acc) {
    acc = emptyAcc();
    map.set(key, acc);
  }
  return acc;
}

/** Costs to a billionth of the currency unit (one token can cost less than a millionth): no float noise in the exports. */
const money = (n: number) => Math.round(n * 1e9) / 1e9;

function toRow(acc: Acc, priced: boolean): ReportRow {
  return {
    requests: acc.requests,
    promptTokens: acc.promptTokens,
    completionTokens: acc.completionTokens,
    totalTokens: acc.totalTokens,
    errors: acc.errors,
    firstCallAt: acc.firstAt ? new Date(acc.firstAt).toISOString() : null,
    lastCallAt: acc.lastAt ? new Date(acc.lastAt).toISOString() : null,
    ...(priced ? { cost: money(acc.cost) } : {}),
  };
}

export function usageRangeReport(
  store: StoreDriver,
  ledger: UsageLedger,
  event: Readonly<KitEvent>,
  asked: { from?: string; to?: string },
  now: number,
): UsageRangeReport {
  const rows = ledger.eventRows(event.id);
  const range = reportRange(
    event,
    rows.filter((r) => r.requests || r.totalTokens || r.errors).map((r) => r.day),
    asked,
  );
  const prices: PriceBook = priceBook(event, store.resources);
  const single = prices.currency;

  const total = emptyAcc();
  const byAttendee = new Map<string, Acc>();
  const byDeployment = new Map<string, Acc>();
  const byDay = new Map<string, Acc>();
  const unpriced = new Set<string>();
  for (const r of rows) {
    if (r.day < range.from || r.day > range.to) continue;
    const price = prices.byDeployment.get(r.deployment);
    if (!price && (r.promptTokens || r.completionTokens)) unpriced.add(r.deployment);
    const ownCost = price ? costOf(r, price.price) : 0;
    // Across deployments, costs add up only in one currency.
    const cost = price && price.price.currency === single ? ownCost : 0;
    addRow(total, r, cost);
    addRow(accIn(byAttendee, r.attendeeId), r, cost);
    addRow(accIn(byDeployment, r.deployment), r, ownCost);
    addRow(accIn(byDay, r.day), r, cost);
  }

  const priced = single !== undefined;
  const people = store.attendeesOf(event.id);
  const attendees: AttendeeReportRow[] = people.map((a) => ({
    attendeeId: a.id,
    name: a.name ?? null,
    keyHint: a.keyHint,
    registeredAt: a.createdAt,
    revoked: a.revoked,
    ...toRow(byAttendee.get(a.id) ?? emptyAcc(), priced),
  }));
  const deployments: DeploymentReportRow[] = [...byDeployment].map(([deployment, acc]) => {
    const price = prices.byDeployment.get(deployment);
    return {
      deployment,
      ...toRow(acc, price !== undefined && (priced || prices.currencies.length > 1)),
      ...(price ? { price: price.price, ...(price.averaged ? { priceAveraged: true } : {}) } : {}),
    };
  });
  const days: DayReportRow[] = daysBetween(range.from, range.to).map((day) => ({
    day,
    ...toRow(byDay.get(day) ?? emptyAcc(), priced),
  }));
  const totals = toRow(total, priced);
  const budgetUsed = budgetShare(totals.cost, event.costBudget, single);
  return {
    eventId: event.id,
    eventName: event.name,
    eventCode: event.code,
    timeZone: event.timeZone,
    ...range,
    generatedAt: new Date(now).toISOString(),
    totals: {
      ...totals,
      attendees: people.length,
      activeAttendees: attendees.filter((a) => a.requests > 0 || a.totalTokens > 0).length,
    },
    attendees,
    deployments,
    days,
    costs: {
      ...(single ? { currency: single } : {}),
      currencies: prices.currencies,
      unpriced: [...unpriced].sort(),
      ...(event.costBudget ? { budget: event.costBudget } : {}),
      ...(budgetUsed !== undefined ? { budgetUsed } : {}),
    },
  };
}
