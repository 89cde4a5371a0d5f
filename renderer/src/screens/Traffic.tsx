/**
 * Live traffic: requests/s, latency p50/p95, status codes and tokens/min as
 * live charts, and a filterable tail of recent requests. Everything reads the
 * console's one bounded traffic model; charts refresh once a second.
 */
import { useMemo, useState } from 'react';
import type { TrafficRecord } from '../../../shared/types';
import { fmtCompact, fmtMs, fmtTime, statusClass } from '../lib/format';
import { useTicker, useTrafficModel } from '../lib/traffic';
import { type ChartSeries, LiveChart } from '../ui/chart';
import { PageHead } from '../ui/page';
import { Empty } from '../ui/states';
import { RealtimeSessions } from './RealtimeSessions';

const rpsSeries: ChartSeries[] = [{ label: 'requests/s', color: '#3b5bdb', fill: true }];
const latencySeries: ChartSeries[] = [
  { label: 'p50', color: '#3b5bdb', points: true },
  { label: 'p95', color: '#d9480f', points: true },
];
const statusSeries: ChartSeries[] = [
  { label: '2xx', color: '#1a7f4b', fill: true },
  { label: '4xx', color: '#e8a200' },
  { label: '5xx', color: '#c0262d' },
];
const tokenSeries: ChartSeries[] = [{ label: 'tokens/min', color: '#7048e8', fill: true }];
const msUnit = (v: number) => fmtMs(v);
/** Enough to read what just happened; more rows only cost redraw time at 200 requests/s. */
const TAIL_ROWS = 100;
const countUnit = (v: number) => fmtCompact(v);

const statusFilters = [
  { value: 'all', label: 'All statuses' },
  { value: '2xx', label: '2xx success' },
  { value: '4xx', label: '4xx refused' },
  { value: '5xx', label: '5xx upstream errors' },
  { value: 'errors', label: 'All errors' },
] as const;
type StatusFilter = (typeof statusFilters)[number]['value'];

function matchesStatus(r: TrafficRecord, f: StatusFilter): boolean {
  switch (f) {
    case '2xx':
      return r.status < 400;
    case '4xx':
      return r.status >= 400 && r.status < 500;
    case '5xx':
      return r.status >= 500;
    case 'errors':
      return r.status >= 400;
    default:
      return true;
  }
}

function Tile(props: { label: string; value: string; sub: string }) {
  return (
    <div className="card stat">
      <span className="label">{props.label}</span>
      <span className="value">{props.value}</span>
      <span className="sub">{props.sub}</span>
    </div>
  );
}

export function Traffic() {
  // One redraw a second, however fast records arrive: charts and the tail move together.
  const model = useTrafficModel();
  const now = useTicker(1000);
  const [attendee, setAttendee] = useState('');
  const [deployment, setDeployment] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');
  const [paused, setPaused] = useState<TrafficRecord[]>();

  const series = useMemo(() => model.series(now), [model, now]);
  const summary = model.summary(5, now);
  const minute = model.summary(60, now);
  const live = model.tail(TAIL_ROWS, (r) => {
    if (attendee && (r.attendeeName ?? r.attendeeId) !== attendee) return false;
    if (deployment && r.deployment !== deployment) return false;
    return matchesStatus(r, status);
  });
  const rows = paused ?? live;
  const shared = rows.some((r) => r.instance !== undefined);
  const sessions = model.sessions(20);

  return (
    <>
      <PageHead
        title="Live traffic"
        subtitle="Every call through the kit, as it happens. Charts show the last five minutes."
      />
      <div className="stack">
        <div className="grid cols-4">
          <Tile
            label="Requests / s"
            value={fmtCompact(Math.round(summary.requestsPerSecond * 10) / 10)}
            sub="last 5 seconds"
          />
          <Tile label="Latency p95" value={fmtMs(minute.p95)} sub={`p50 ${fmtMs(minute.p50)} · last minute`} />
          <Tile label="Errors / min" value={fmtCompact(minute.errors)} sub="refused (4xx) or failed (5xx)" />
          <Tile
            label="Tokens / min"
            value={fmtCompact(minute.tokens)}
            sub={`${fmtCompact(model.total)} ${model.total === 1 ? 'request' : 'requests'} seen`}
          />
        </div>
        <div className="grid cols-2">
          <LiveChart title="Requests per second" series={rpsSeries} data={[series.x, series.rps]} unit={countUnit} />
          <LiveChart title="Latency" series={latencySeries} data={[series.x, series.p50, series.p95]} unit={msUnit} />
          <LiveChart
            title="Status codes"
            series={statusSeries}
            data={[series.x, series.s2xx, series.s4xx, series.s5xx]}
            unit={countUnit}
          />
          <LiveChart
            title="Tokens per minute"
            series={tokenSeries}
            data={[series.x, series.tokensPerMin]}
            unit={countUnit}
          />
        </div>
        {sessions.length > 0 && <RealtimeSessions sessions={sessions} now={now} />}
        <section className="card flush" aria-label="Recent requests">
          <div className="toolbar">
            <h2 style={{ marginRight: 8 }}>Recent requests</h2>
            <select aria-label="Filter by attendee" value={attendee} onChange={(e) => setAttendee(e.target.value)}>
              <option value="">All attendees</option>
              {model.distinct('attendeeName').map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
            <select
              aria-label="Filter by deployment"
              value={deployment}
              onChange={(e) => setDeployment(e.target.value)}
            >
              <option value="">All deployments</option>
              {model.distinct('deployment').map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
            <select
              aria-label="Filter by status"
              value={status}
              onChange={(e) => setStatus(e.target.value as StatusFilter)}
            >
              {statusFilters.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
            <button type="button" style={{ marginLeft: 'auto' }} onClick={() => setPaused(paused ? undefined : live)}>
              {paused ? 'Resume' : 'Pause'}
            </button>
          </div>
          {rows.length === 0 ? (
            <Empty icon="traffic" title={model.total === 0 ? 'No requests yet' : 'No request matches the filters'}>
              {model.total === 0
                ? 'Calls from attendees’ SDKs appear here the moment they reach the kit.'
                : 'Change or clear the filters above.'}
            </Empty>
          ) : (
            <div className="table-wrap tail-scroll">
              <table className="dense">
                <thead>
                  <tr>
                    <th>Time</th>
                    {/* Several kit instances on one database: which one served each call. */}
                    {shared && <th>Instance</th>}
                    <th>Attendee</th>
                    <th>Request</th>
                    <th>Deployment</th>
                    <th>Status</th>
                    <th className="num">Duration</th>
                    <th className="num">Tokens</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.id}>
                      <td className="mono nowrap">{fmtTime(r.at)}</td>
                      {shared && <td className="mono small nowrap">{r.instance ?? '—'}</td>}
                      <td>
                        {r.attendeeName ??
                          (r.attendeeId ? (
                            <span className="mono">{r.attendeeId}</span>
                          ) : (
                            <span className="muted">—</span>
                          ))}
                      </td>
                      <td
                        className="mono small"
                        style={{
                          maxWidth: shared ? 280 : 360,
                          overflow: 'hidden',
                          textOverflow: 'ellipsis',
                          whiteSpace: 'nowrap',
                        }}
                      >
                        {r.method} {r.path}
                        {r.stream || r.session ? (
                          <span className="pill plain accent" style={{ marginLeft: 6 }}>
                            {r.session ? `session ${r.session.phase}` : 'stream'}
                          </span>
                        ) : null}
                      </td>
                      <td className="mono small">{r.deployment ?? '—'}</td>
                      <td className="nowrap">
                        <span className={`status-code ${statusClass(r.status)}`}>{r.status}</span>
                        {r.errorCode && <span className="small muted"> {r.errorCode}</span>}
                      </td>
                      <td className="num">{fmtMs(r.durationMs)}</td>
                      <td className="num">{r.totalTokens ? fmtCompact(r.totalTokens) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
    </>
  );
}
