/** Sorting and searching report rows, apart from any view: a column's value, its direction, nulls last. */

export type SortValue = string | number | null | undefined;
export type SortDir = 'asc' | 'desc';

export interface SortState {
  key: string;
  dir: SortDir;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Rows ordered by `value` in `dir`; rows with no value always last, ties in their original order. */
export function sortRows<T>(rows: readonly T[], value: (row: T) => SortValue, dir: SortDir): T[] {
  const sign = dir === 'asc' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i, v: value(row) }))
    .sort((a, b) => {
      const an = a.v === null || a.v === undefined || a.v === '';
      const bn = b.v === null || b.v === undefined || b.v === '';
      if (an || bn) return an === bn ? a.i - b.i : an ? 1 : -1;
      const c =
        typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : collator.compare(String(a.v), String(b.v));
      return c === 0 ? a.i - b.i : sign * c;
    })
    .map((x) => x.row);
}

/** Rows whose searchable text holds every word of the query, case and accents ignored. */
export function searchRows<T>(rows: readonly T[], text: (row: T) => string, query: string): T[] {
  const fold = (s: string) =>
    s
      .normalize('NFD')
      .replace(/\p{Diacritic}/gu, '')
      .toLowerCase();
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return [...rows];
  return rows.filter((r) => {
    const t = fold(text(r));
    return words.every((w) => t.includes(w));
  });
}
