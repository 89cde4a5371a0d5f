/**
 * Reports: what an event used, for a sponsor, a teacher or a budget owner.
 * An event (archived ones too) and a range of its days (the whole event by
 * default), the totals and the estimated cost, requests and tokens per day,
 * and the attendee and deployment tables with their CSV exports; the whole
 * report as JSON. Everything comes from one `reports.usage` answer.
 */
import { useMemo, useState } from 'react';
import type { EventView } from '../../../shared/contract';
import { CSV_MIME, daysCsv, reportFileName } from '../../../shared/report-csv';
import type { UsageRangeReport } from '../../../shared/types';
import { kit } from '../client';
import { fmtCompact, fmtMoney, fmtNumber } from '../lib/format';
import { href, navigate } from '../lib/router';
import { useLoad } from '../lib/use-load';
import { DayChart } from '../ui/day-chart';
import { Icon } from '../ui/icons';
import { PageHead, Pill } from '../ui/page';
import { Banner, Empty, Loaded } from '../ui/states';
import { useExport } from './report-export';
import { AttendeeTable, DeploymentTable } from './report-tables';

/** The event in the route, else the live one, else the latest to have started. */
function pickEvent(events: EventView[], id?: string): EventView | undefined {
  const byStart = [...events].sort((a, b) => Date.parse(b.startsAt) - Date.parse(a.startsAt));
  return (
    events.find((e) => e.id === id) ??
    events.find((e) => e.live) ??
    byStart.find((e) => Date.parse(e.startsAt) <= Date.now()) ??
    byStart[0]
  );
}

function Tile(props: { label: string; value: string; sub?: string; testId?: string }) {
  return (
    <div className="card stat">
      <span className="label">{props.label}</span>
      <span className="value" data-testid={props.testId}>
        {props.value}
      </span>
      {props.sub && <span className="sub">{props.sub}</span>}
    </div>
  );
}

const countUnit = (v: number) => fmtCompact(v);

function CostTile({ report }: { report: UsageRangeReport }) {
  const { costs, totals } = report;
  if (costs.currency && totals.cost !== undefined) {
    const budget = costs.budget;
    return (
      <div className="card stat">
        <span className="label">
          Est. cost <Pill kind="accent">estimate</Pill>
        </span>
        <span className="value" data-testid="total-cost">
          {fmtMoney(totals.cost, costs.currency)}
        </span>
        {budget && costs.budgetUsed !== undefined ? (
          <>
            <progress
              className={`budget${costs.budgetUsed > 1 ? ' over' : ''}`}
              max={1}
              value={Math.min(1, costs.budgetUsed)}
              aria-label="Budget used"
            />
            <span className="sub">
              {Math.round(costs.budgetUsed * 100)} % of the {fmtMoney(budget.amount, budget.currency)} budget
            </span>
          </>
        ) : (
          <span className="sub">tokens × the resources’ prices</span>
        )}
      </div>
    );
  }
  return (
    <div className="card stat">
      <span className="label">Estimated cost</span>
      <span className="value muted">—</span>
      <span className="sub">
        {costs.currencies.length > 1 ? (
          `Prices in ${costs.currencies.join(' and ')}: no total`
        ) : (
          <>
            No prices set: add them in <a href={href({ screen: 'resources' })}>Resources</a>
          </>
        )}
      </span>
    </div>
  );
}

function CostNotes({ report }: { report: UsageRangeReport }) {
  const { costs } = report;
  const notes: string[] = [];
  if (costs.currencies.length > 1)
    notes.push(
      `This event's resources are priced in ${costs.currencies.join(' and ')}. The kit does not convert currencies, so it shows each deployment's cost in its own currency and no totals. Give the event's resources one currency to see totals and the budget.`,
    );
  if (costs.currency && costs.unpriced.length)
    notes.push(`No price for ${costs.unpriced.join(', ')}: their tokens are not in the estimate.`);
  if (costs.budget && costs.currency && costs.budget.currency !== costs.currency)
    notes.push(
      `The budget is in ${costs.budget.currency} and the prices in ${costs.currency}: set them in one currency.`,
    );
  if (report.deployments.some((d) => d.priceAveraged))
    notes.push(
      'Where several resources serve one deployment at different prices, the estimate averages them by weight.',
    );
  if (!notes.length) return null;
  return (
    <Banner kind="info">
      <strong>About the estimate.</strong> {notes.join(' ')}
    </Banner>
  );
}

function ReportBody({ event }: { event: EventView }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const save = useExport();
  const report = useLoad(
    () => kit.reports.usage({ eventId: event.id, ...(from ? { from } : {}), ...(to ? { to } : {}) }),
    [event.id, from, to],
    event.live ? 10_000 : undefined,
  );
  const r = report.data;
  const days = useMemo(() => r?.days.map((d) => d.day) ?? [], [r]);
  const requests = useMemo(() => r?.days.map((d) => d.requests) ?? [], [r]);
  const tokens = useMemo(() => r?.days.map((d) => d.totalTokens) ?? [], [r]);

  return (
    <div className="stack">
      <section className="card range-bar" aria-label="Date range">
        <label className="row">
          <span className="small muted">From</span>
          <input
            type="date"
            aria-label="From"
            value={from || r?.from || ''}
            min={r?.eventFrom}
            max={to || r?.eventTo}
            onChange={(e) => setFrom(e.target.value)}
          />
        </label>
        <label className="row">
          <span className="small muted">To</span>
          <input
            type="date"
            aria-label="To"
            value={to || r?.to || ''}
            min={from || r?.eventFrom}
            max={r?.eventTo}
            onChange={(e) => setTo(e.target.value)}
          />
        </label>
        <button
          type="button"
          disabled={!from && !to}
          onClick={() => {
            setFrom('');
            setTo('');
          }}
        >
          Whole event
        </button>
        <span className="muted small" style={{ marginLeft: 'auto' }}>
          Days in {event.timeZone}
          {report.loading && r ? ' · updating…' : ''}
        </span>
        <button
          type="button"
          disabled={!r}
          onClick={() =>
            r && void save(reportFileName(r, 'report', 'json'), JSON.stringify(r, null, 2), 'application/json')
          }
        >
          <Icon name="download" />
          Export JSON
        </button>
      </section>
      {report.error && r && <Banner kind="error">{report.error.message}</Banner>}
      <Loaded load={report} label="Adding up the usage…">
        {(rep) => (
          <>
            <div className="grid cols-5">
              <Tile
                label="Requests"
                value={fmtNumber(rep.totals.requests)}
                testId="total-requests"
                sub="sent upstream"
              />
              <Tile
                label="Tokens"
                value={fmtCompact(rep.totals.totalTokens)}
                testId="total-tokens"
                sub={`${fmtCompact(rep.totals.promptTokens)} prompt · ${fmtCompact(rep.totals.completionTokens)} completion`}
              />
              <Tile
                label="Errors"
                value={fmtNumber(rep.totals.errors)}
                testId="total-errors"
                sub={
                  rep.totals.requests
                    ? `${((rep.totals.errors / rep.totals.requests) * 100).toFixed(1)} % of requests`
                    : 'no requests'
                }
              />
              <Tile
                label="Active attendees"
                value={fmtNumber(rep.totals.activeAttendees)}
                testId="active-attendees"
                sub={`of ${rep.totals.attendees} registered`}
              />
              <CostTile report={rep} />
            </div>
            <CostNotes report={rep} />
            <div className="grid cols-2">
              <section className="card chart-card" aria-label="Requests per day">
                <div className="card-head">
                  <h2>Requests per day</h2>
                  <button
                    type="button"
                    className="small"
                    aria-label="Export days as CSV"
                    onClick={() => void save(reportFileName(rep, 'days', 'csv'), daysCsv(rep), CSV_MIME)}
                  >
                    <Icon name="download" />
                    Days CSV
                  </button>
                </div>
                <DayChart days={days} values={requests} color="#3b5bdb" label="Requests" unit={countUnit} />
              </section>
              <section className="card chart-card" aria-label="Tokens per day">
                <div className="card-head">
                  <h2>Tokens per day</h2>
                </div>
                <DayChart days={days} values={tokens} color="#7048e8" label="Tokens" unit={countUnit} />
              </section>
            </div>
            <AttendeeTable report={rep} />
            <DeploymentTable report={rep} />
          </>
        )}
      </Loaded>
    </div>
  );
}

export function Reports({ eventId }: { eventId?: string }) {
  const events = useLoad(() => kit.events.list({ includeArchived: true }), []);
  const event = events.data ? pickEvent(events.data, eventId) : undefined;
  const current = events.data?.filter((e) => !e.archivedAt) ?? [];
  const archived = events.data?.filter((e) => e.archivedAt) ?? [];
  return (
    <>
      <PageHead
        title="Reports"
        subtitle={
          event ? (
            <>
              {event.name} · usage and estimated costs{' '}
              {event.archivedAt ? <Pill>Archived</Pill> : event.live ? <Pill kind="ok">Live</Pill> : null}
            </>
          ) : (
            'Usage and estimated costs per event, to share after the workshop.'
          )
        }
        actions={
          events.data && events.data.length > 0 ? (
            <label className="row">
              <span className="small muted">Event</span>
              <select
                aria-label="Event"
                value={event?.id}
                onChange={(e) => navigate({ screen: 'reports', eventId: e.target.value })}
                style={{ width: 'auto', minWidth: 240 }}
              >
                {current.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name}
                  </option>
                ))}
                {archived.length > 0 && (
                  <optgroup label="Archived">
                    {archived.map((e) => (
                      <option key={e.id} value={e.id}>
                        {e.name}
                      </option>
                    ))}
                  </optgroup>
                )}
              </select>
            </label>
          ) : undefined
        }
      />
      <Loaded load={events} label="Loading events…">
        {() =>
          event ? (
            <ReportBody key={event.id} event={event} />
          ) : (
            <section className="card">
              <Empty
                icon="reports"
                title="No events yet"
                action={
                  <a className="btn primary" href={href({ screen: 'events' })}>
                    Create an event
                  </a>
                }
              >
                Reports add up what each event's attendees used.
              </Empty>
            </section>
          )
        }
      </Loaded>
    </>
  );
}
