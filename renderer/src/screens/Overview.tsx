/**
 * Event-day home: is the kit serving, where attendees connect, which events
 * are live with how many attendees, devices and requests, the last minute at
 * a glance, the event-day checks, and what to do when nobody reaches the kit.
 */
import type { EventView } from '../../../shared/contract';
import type { KitInfo, UsageRangeReport } from '../../../shared/types';
import { kit } from '../client';
import { fmtCompact, fmtMoney, fmtMs, fmtRange, fmtRelative } from '../lib/format';
import { href } from '../lib/router';
import { useTicker, useTrafficModel } from '../lib/traffic';
import { useLoad } from '../lib/use-load';
import { AddressPicker } from '../ui/address-picker';
import { CopyButton } from '../ui/copy';
import { Icon } from '../ui/icons';
import { PageHead, Pill } from '../ui/page';
import { NoDevicesAdvice, PreflightPanel } from '../ui/preflight';
import { Empty, Loaded } from '../ui/states';

type EventRow = EventView & { requestsToday: number; costs?: Pick<UsageRangeReport, 'costs' | 'totals'> };

async function loadEvents(): Promise<EventRow[]> {
  const events = await kit.events.list({});
  const visible = events.filter((e) => e.enabled && Date.parse(e.endsAt) > Date.now());
  return Promise.all(
    visible.map(async (e) => {
      const usage = await kit.usage.report({ eventId: e.id }).catch(() => undefined);
      // The estimate against the budget covers the whole event so far.
      const report = e.costBudget ? await kit.reports.usage({ eventId: e.id }).catch(() => undefined) : undefined;
      return {
        ...e,
        requestsToday: usage?.attendees.reduce((n, a) => n + a.requests, 0) ?? 0,
        ...(report ? { costs: { costs: report.costs, totals: report.totals } } : {}),
      };
    }),
  );
}

/** The event's estimated cost against its budget, or why it cannot be shown. */
function BudgetLine({ e }: { e: EventRow }) {
  const budget = e.costBudget;
  if (!budget || !e.costs) return null;
  const { costs, totals } = e.costs;
  const used = costs.budgetUsed;
  return (
    <div className="budget-line" data-testid={`budget-${e.code}`}>
      {used !== undefined && totals.cost !== undefined && costs.currency ? (
        <>
          <div className="spread small">
            <span>
              Estimated cost <strong>{fmtMoney(totals.cost, costs.currency)}</strong> of{' '}
              {fmtMoney(budget.amount, budget.currency)}
            </span>
            <span className={used > 1 ? 'status-code bad' : used > 0.8 ? 'status-code warn' : 'muted'}>
              {Math.round(used * 100)} %
            </span>
          </div>
          <progress
            className={`budget${used > 1 ? ' over' : ''}`}
            max={1}
            value={Math.min(1, used)}
            aria-label={`Budget used by ${e.name}`}
          />
        </>
      ) : (
        <span className="small muted">
          Budget {fmtMoney(budget.amount, budget.currency)}:{' '}
          {costs.currencies.length === 0
            ? 'no resource of this event has a price yet.'
            : `prices are in ${costs.currencies.join(' and ')}; the budget needs the same single currency.`}
        </span>
      )}
    </div>
  );
}

function Stat(props: { label: string; value: string; sub?: string }) {
  return (
    <div className="card stat">
      <span className="label">{props.label}</span>
      <span className="value">{props.value}</span>
      {props.sub && <span className="sub">{props.sub}</span>}
    </div>
  );
}

export function devicesLine(n: number): string {
  return `${n} device${n === 1 ? ' has' : 's have'} opened the join page`;
}

function EventTile({ e, devices }: { e: EventRow; devices: number }) {
  return (
    <div className="event-tile">
      <div>
        <div className="row">
          <h3>{e.name}</h3>
          {e.live ? <Pill kind="ok">Live</Pill> : <Pill kind="accent">Starts {fmtRelative(e.startsAt)}</Pill>}
        </div>
        <div className="meta">
          <span>{fmtRange(e.startsAt, e.endsAt, e.timeZone)}</span>
          <span>
            Code <strong className="mono">{e.code}</strong>
          </span>
          <span className="mono">{e.joinUrl}</span>
        </div>
        <div className="actions" style={{ marginTop: 10 }}>
          <a className="btn small" href={href({ screen: 'projector', eventId: e.id })}>
            <Icon name="projector" />
            Show QR code
          </a>
          <a className="btn small" href={href({ screen: 'attendees', eventId: e.id })}>
            <Icon name="attendees" />
            Attendees
          </a>
          <a className="btn small" href={href({ screen: 'reports', eventId: e.id })}>
            <Icon name="reports" />
            Report
          </a>
        </div>
        <BudgetLine e={e} />
      </div>
      <div className="kpis">
        <div>
          <div className="value">{fmtCompact(e.attendeeCount)}</div>
          <div className="label">{e.capacity ? `of ${e.capacity} attendees` : 'attendees'}</div>
        </div>
        <div>
          <div className="value" data-testid={`devices-${e.code}`}>
            {fmtCompact(devices)}
          </div>
          <div className="label">devices opened the join page</div>
        </div>
        <div>
          <div className="value">{fmtCompact(e.requestsToday)}</div>
          <div className="label">requests today</div>
        </div>
      </div>
    </div>
  );
}

export function Overview({ info, reloadInfo }: { info?: KitInfo; reloadInfo: () => void }) {
  const events = useLoad(loadEvents, [], 5000);
  const traffic = useTrafficModel();
  const now = useTicker(2000);
  const minute = traffic.summary(60, now);
  const liveCount = events.data?.filter((e) => e.live).length;
  const reach = info?.preflight.reach;
  const devicesOf = (id: string) => reach?.byEvent.find((b) => b.eventId === id)?.devices ?? 0;
  const net = info?.preflight.network;
  return (
    <>
      <PageHead
        title="Overview"
        subtitle="What attendees can reach right now, and how busy it is."
        actions={
          <a className="btn primary" href={href({ screen: 'events' })}>
            <Icon name="plus" />
            New event
          </a>
        }
      />
      <div className="stack">
        {info && <NoDevicesAdvice info={info} reload={reloadInfo} />}
        <div className="grid cols-5">
          <Stat
            label="Live events"
            value={liveCount === undefined ? '…' : String(liveCount)}
            sub={events.data ? `${events.data.length - (liveCount ?? 0)} upcoming` : undefined}
          />
          <Stat
            label="Attendees"
            value={events.data ? fmtCompact(events.data.reduce((n, e) => n + e.attendeeCount, 0)) : '…'}
            sub="in live and upcoming events"
          />
          <Stat
            label="Devices"
            value={reach ? fmtCompact(reach.devices) : '…'}
            sub={reach ? `${devicesLine(reach.devices).replace(/^\d+ devices? /, '')}` : undefined}
          />
          <Stat label="Requests / min" value={fmtCompact(minute.requests)} sub={`${minute.errors} refused or failed`} />
          <Stat label="Latency p95" value={fmtMs(minute.p95)} sub={`p50 ${fmtMs(minute.p50)}`} />
        </div>
        <div className="grid cols-2" style={{ gridTemplateColumns: 'minmax(0, 1.7fr) minmax(0, 1fr)' }}>
          <section className="card" aria-labelledby="ov-events">
            <div className="card-head">
              <h2 id="ov-events">Live and upcoming events</h2>
              <a href={href({ screen: 'events' })}>All events</a>
            </div>
            <Loaded load={events} label="Loading events…">
              {(rows) =>
                rows.length === 0 ? (
                  <Empty
                    icon="events"
                    title="No live event"
                    action={
                      <a className="btn primary" href={href({ screen: 'events' })}>
                        Create an event
                      </a>
                    }
                  >
                    Create an event and put its QR code on the projector; attendees register from their phones.
                  </Empty>
                ) : (
                  rows.map((e) => <EventTile key={e.id} e={e} devices={devicesOf(e.id)} />)
                )
              }
            </Loaded>
          </section>
          <section className="card" aria-labelledby="ov-endpoint">
            <div className="card-head">
              <h2 id="ov-endpoint">Kit status</h2>
              {info ? <Pill kind="ok">Serving</Pill> : <Pill>Starting…</Pill>}
            </div>
            <div className="stack" style={{ gap: 12 }}>
              <div className="section-title">Port</div>
              <p className="small" data-testid="port-line">
                {net ? (
                  net.portNote ? (
                    <>
                      <strong>{net.port}</strong>, not {net.configuredPort}: {net.portNote}
                    </>
                  ) : (
                    <>
                      <strong>{net.port}</strong>, as configured
                    </>
                  )
                ) : (
                  '…'
                )}
              </p>
              <div className="section-title">SDK endpoint on the LAN</div>
              <div className="url-list">
                {(info?.lanUrls ?? []).map((u) => (
                  <div className="url" key={u}>
                    <span>{u}/api/v1</span>
                    <CopyButton text={`${u}/api/v1`} />
                  </div>
                ))}
                {info && info.lanUrls.length === 0 && <p className="muted">No network interface found.</p>}
              </div>
              {info && info.preflight.network.addresses.length > 1 && (
                <>
                  <div className="section-title">On the QR code</div>
                  <AddressPicker info={info} onChange={reloadInfo} />
                </>
              )}
              <div className="section-title">Console</div>
              <p className="small">Admin listener on 127.0.0.1:{info?.adminPort ?? '…'} (this machine only).</p>
              <div className="section-title">Data folder</div>
              <p className="small mono" style={{ wordBreak: 'break-all' }}>
                {info?.dataDir ?? '…'}
              </p>
            </div>
          </section>
        </div>
        <PreflightPanel info={info} />
      </div>
    </>
  );
}
