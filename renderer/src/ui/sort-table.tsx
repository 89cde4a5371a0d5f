/**
 * A table whose columns sort on a click (again to reverse), with the state
 * said to assistive tech by `aria-sort`: the Reports screen's attendee and
 * deployment tables. Sorting reads each column's value, not its rendering.
 */
import { type ReactNode, useMemo, useState } from 'react';
import { type SortState, type SortValue, sortRows } from '../lib/sort-rows';

export interface Column<T> {
  key: string;
  label: string;
  /** Right-aligned, tabular figures; the first click sorts high to low. */
  num?: boolean;
  value: (row: T) => SortValue;
  render?: (row: T) => ReactNode;
}

export function SortTable<T>(props: {
  rows: readonly T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  initial: SortState;
  label: string;
}) {
  const [sort, setSort] = useState<SortState>(props.initial);
  const column = props.columns.find((c) => c.key === sort.key) ?? props.columns[0];
  const rows = useMemo(
    () => (column ? sortRows(props.rows, column.value, sort.dir) : [...props.rows]),
    [props.rows, column, sort.dir],
  );
  const click = (c: Column<T>) =>
    setSort((s) =>
      s.key === c.key
        ? { key: c.key, dir: s.dir === 'asc' ? 'desc' : 'asc' }
        : { key: c.key, dir: c.num ? 'desc' : 'asc' },
    );
  return (
    <div className="table-wrap">
      <table className="sortable" aria-label={props.label}>
        <thead>
          <tr>
            {props.columns.map((c) => {
              const active = c.key === sort.key;
              return (
                <th
                  key={c.key}
                  className={c.num ? 'num' : undefined}
                  aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                >
                  <button type="button" className={`sort${active ? ' active' : ''}`} onClick={() => click(c)}>
                    {c.label}
                    <span aria-hidden="true" className="sort-mark">
                      {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={props.rowKey(r)}>
              {props.columns.map((c) => (
                <td key={c.key} className={c.num ? 'num' : undefined}>
                  {c.render ? c.render(r) : (c.value(r) ?? '—')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
