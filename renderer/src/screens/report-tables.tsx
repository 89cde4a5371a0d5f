/**
 * The Reports screen's two tables, per attendee and per deployment: each
 * sortable, searchable, and exportable as CSV built from the report data
 * (`shared/report-csv.ts`), the same rows the screen shows before a search.
 */
import { useMemo, useState } from 'react';
import { attendeesCsv, CSV_MIME, deploymentsCsv, reportFileName } from '../../../shared/report-csv';
import type { AttendeeReportRow, DeploymentReportRow, UsageRangeReport } from '../../../shared/types';
import { fmtCompact, fmtDayTime, fmtMoney } from '../lib/format';
import { searchRows } from '../lib/sort-rows';
import { Icon } from '../ui/icons';
import { Pill } from '../ui/page';
import { type Column, SortTable } from '../ui/sort-table';
import { Empty } from '../ui/states';
import { useExport } from './report-export';

const counts = <T extends AttendeeReportRow | DeploymentReportRow>(): Column<T>[] => [
  { key: 'requests', label: 'Requests', num: true, value: (r) => r.requests, render: (r) => fmtCompact(r.requests) },
  {
    key: 'prompt',
    label: 'Prompt',
    num: true,
    value: (r) => r.promptTokens,
    render: (r) => fmtCompact(r.promptTokens),
  },
  {
    key: 'completion',
    label: 'Completion',
    num: true,
    value: (r) => r.completionTokens,
    render: (r) => fmtCompact(r.completionTokens),
  },
  { key: 'tokens', label: 'Tokens', num: true, value: (r) => r.totalTokens, render: (r) => fmtCompact(r.totalTokens) },
  {
    key: 'errors',
    label: 'Errors',
    num: true,
    value: (r) => r.errors,
    render: (r) => (r.errors ? <span className="status-code warn">{fmtCompact(r.errors)}</span> : '0'),
  },
];

const when = (tz: string) => (iso: string | null) =>
  iso ? <span className="nowrap">{fmtDayTime(iso, tz)}</span> : <span className="muted">—</span>;

function Toolbar(props: {
  title: string;
  query: string;
  setQuery: (q: string) => void;
  shown: number;
  total: number;
  placeholder: string;
  onExport: () => void;
}) {
  return (
    <div className="toolbar">
      <h2 style={{ marginRight: 8 }}>{props.title}</h2>
      <input
        type="search"
        className="search"
        placeholder={props.placeholder}
        aria-label={`Search ${props.title.toLowerCase()}`}
        value={props.query}
        onChange={(e) => props.setQuery(e.target.value)}
      />
      <span className="muted small" style={{ marginRight: 'auto' }}>
        {props.query ? `${props.shown} of ${props.total}` : `${props.total}`}
      </span>
      <button type="button" onClick={props.onExport} aria-label={`Export ${props.title.toLowerCase()} as CSV`}>
        <Icon name="download" />
        Export CSV
      </button>
    </div>
  );
}

export function AttendeeTable({ report }: { report: UsageRangeReport }) {
  const [query, setQuery] = useState('');
  const save = useExport();
  const at = when(report.timeZone);
  const currency = report.costs.currency;
  const rows = useMemo(
    () => searchRows(report.attendees, (a) => `${a.name ?? ''} ${a.keyHint}`, query),
    [report.attendees, query],
  );
  const columns: Column<AttendeeReportRow>[] = [
    {
      key: 'name',
      label: 'Attendee',
      value: (a) => a.name ?? a.keyHint,
      render: (a) => (
        <>
          <div className="cell-title name-cell">{a.name ?? <span className="muted">Unnamed</span>}</div>
          <div className="cell-sub mono">{a.keyHint}</div>
        </>
      ),
    },
    ...counts<AttendeeReportRow>(),
    { key: 'first', label: 'First call', value: (a) => a.firstCallAt, render: (a) => at(a.firstCallAt) },
    { key: 'last', label: 'Last call', value: (a) => a.lastCallAt, render: (a) => at(a.lastCallAt) },
    {
      key: 'status',
      label: 'Key',
      value: (a) => (a.revoked ? 'revoked' : 'active'),
      render: (a) => (a.revoked ? <Pill kind="bad">Revoked</Pill> : <Pill kind="ok">Active</Pill>),
    },
    ...(currency
      ? [
          {
            key: 'cost',
            label: 'Est. cost',
            num: true,
            value: (a: AttendeeReportRow) => a.cost,
            render: (a: AttendeeReportRow) => fmtMoney(a.cost ?? 0, currency),
          },
        ]
      : []),
  ];
  return (
    <section className="card flush" aria-label="Attendees">
      <Toolbar
        title="Attendees"
        query={query}
        setQuery={setQuery}
        shown={rows.length}
        total={report.attendees.length}
        placeholder="Search by name or key"
        onExport={() => void save(reportFileName(report, 'attendees', 'csv'), attendeesCsv(report), CSV_MIME)}
      />
      {report.attendees.length === 0 ? (
        <Empty icon="attendees" title="Nobody registered for this event" />
      ) : rows.length === 0 ? (
        <Empty title="No match">No attendee name or key contains “{query}”.</Empty>
      ) : (
        <SortTable
          label="Usage per attendee"
          rows={rows}
          columns={columns}
          rowKey={(a) => a.attendeeId}
          initial={{ key: 'requests', dir: 'desc' }}
        />
      )}
    </section>
  );
}

export function DeploymentTable({ report }: { report: UsageRangeReport }) {
  const [query, setQuery] = useState('');
  const save = useExport();
  const at = when(report.timeZone);
  const priced = report.deployments.some((d) => d.cost !== undefined);
  const rows = useMemo(() => searchRows(report.deployments, (d) => d.deployment, query), [report.deployments, query]);
  const columns: Column<DeploymentReportRow>[] = [
    {
      key: 'deployment',
      label: 'Deployment',
      value: (d) => d.deployment,
      render: (d) => <span className="mono">{d.deployment}</span>,
    },
    ...counts<DeploymentReportRow>(),
    { key: 'first', label: 'First call', value: (d) => d.firstCallAt, render: (d) => at(d.firstCallAt) },
    { key: 'last', label: 'Last call', value: (d) => d.lastCallAt, render: (d) => at(d.lastCallAt) },
    ...(priced
      ? [
          {
            key: 'cost',
            label: 'Est. cost',
            num: true,
            value: (d: DeploymentReportRow) => d.cost,
            render: (d: DeploymentReportRow) =>
              d.price && d.cost !== undefined ? (
                <span title={`${d.price.inputPerMillion} in / ${d.price.outputPerMillion} out per 1M tokens`}>
                  {fmtMoney(d.cost, d.price.currency)}
                  {d.priceAveraged ? <span className="muted"> avg</span> : null}
                </span>
              ) : (
                <span className="muted">no price</span>
              ),
          },
        ]
      : []),
  ];
  return (
    <section className="card flush" aria-label="Deployments">
      <Toolbar
        title="Deployments"
        query={query}
        setQuery={setQuery}
        shown={rows.length}
        total={report.deployments.length}
        placeholder="Search deployments"
        onExport={() => void save(reportFileName(report, 'deployments', 'csv'), deploymentsCsv(report), CSV_MIME)}
      />
      {report.deployments.length === 0 ? (
        <Empty icon="traffic" title="No calls in this range" />
      ) : rows.length === 0 ? (
        <Empty title="No match">No deployment contains “{query}”.</Empty>
      ) : (
        <SortTable
          label="Usage per deployment"
          rows={rows}
          columns={columns}
          rowKey={(d) => d.deployment}
          initial={{ key: 'tokens', dir: 'desc' }}
        />
      )}
    </section>
  );
}
