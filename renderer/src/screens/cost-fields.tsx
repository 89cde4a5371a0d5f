/**
 * The optional money fields of the resource and event forms: a resource's
 * prices per million input and output tokens, an event's cost budget, each
 * with a currency the organizer picks (ISO code). Kept as text while typed;
 * `toPricing`/`toBudget` turn them into the contract's shape, or null for
 * "none" (which clears a stored one on edit).
 */
import type { CostBudget, ResourcePricing } from '../../../shared/types';
import { type FieldErrors, TextField } from '../ui/form';

export interface PriceDraft {
  input: string;
  output: string;
  currency: string;
}
export interface BudgetDraft {
  amount: string;
  currency: string;
}

export const priceDraft = (p?: ResourcePricing): PriceDraft => ({
  input: p ? String(p.inputPerMillion) : '',
  output: p ? String(p.outputPerMillion) : '',
  currency: p?.currency ?? '',
});
export const budgetDraft = (b?: CostBudget): BudgetDraft => ({
  amount: b ? String(b.amount) : '',
  currency: b?.currency ?? '',
});

/** A number as typed (a comma for decimals too), else the text itself so the schema refuses it by name. */
const amount = (s: string): number | string => {
  const t = s.trim().replace(',', '.');
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : s;
};

/** Null when no price is typed at all; otherwise what the contract checks (a missing part fails there). */
export function toPricing(d: PriceDraft): ResourcePricing | null {
  if (!d.input.trim() && !d.output.trim()) return null;
  return {
    inputPerMillion: amount(d.input || '0'),
    outputPerMillion: amount(d.output || '0'),
    currency: d.currency.trim(),
  } as ResourcePricing;
}

export function toBudget(d: BudgetDraft): CostBudget | null {
  if (!d.amount.trim()) return null;
  return { amount: amount(d.amount), currency: d.currency.trim() } as CostBudget;
}

const currencyHint = 'Three letters: EUR, USD, GBP…';

export function PriceFields(props: { value: PriceDraft; onChange: (d: PriceDraft) => void; error?: string }) {
  const d = props.value;
  const set = (k: keyof PriceDraft) => (v: string) => props.onChange({ ...d, [k]: v });
  return (
    <>
      <div className="section-title full">Estimated costs (optional)</div>
      <TextField
        label="Input price per 1M tokens"
        value={d.input}
        onChange={set('input')}
        placeholder="e.g. 0.15"
        hint="What you pay per million prompt tokens."
        error={props.error}
      />
      <TextField
        label="Output price per 1M tokens"
        value={d.output}
        onChange={set('output')}
        placeholder="e.g. 0.60"
        hint="Per million completion tokens."
      />
      <TextField
        label="Currency"
        value={d.currency}
        onChange={set('currency')}
        placeholder="EUR"
        hint={`${currencyHint} Reports show estimates, never invoices.`}
      />
    </>
  );
}

export function BudgetFields(props: { value: BudgetDraft; onChange: (d: BudgetDraft) => void; error?: string }) {
  const d = props.value;
  const set = (k: keyof BudgetDraft) => (v: string) => props.onChange({ ...d, [k]: v });
  return (
    <>
      <TextField
        label="Cost budget"
        value={d.amount}
        onChange={set('amount')}
        placeholder="none"
        hint="Estimated cost shown against it on the Overview; never enforced."
        error={props.error}
      />
      <TextField
        label="Budget currency"
        value={d.currency}
        onChange={set('currency')}
        placeholder="EUR"
        hint={`${currencyHint} Same as the resources' prices.`}
      />
    </>
  );
}

/** The contract's errors on `pricing`/`costBudget`, said next to the fields. */
export function moneyErrors(errors: FieldErrors, key: 'pricing' | 'costBudget'): string | undefined {
  if (!errors[key]) return undefined;
  return key === 'pricing'
    ? 'Prices are numbers (0 or more) with a three-letter currency such as EUR.'
    : 'A budget is a positive number with a three-letter currency such as EUR.';
}
