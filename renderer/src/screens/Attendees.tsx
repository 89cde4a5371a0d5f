/** Attendees of one event: search, today's usage, their own limits, revoke/restore, printable key cards. */
import { useMemo, useState } from 'react';
import type { AttendeeView, EventView } from '../../../shared/contract';
import { kit } from '../client';
import { fmtCompact, fmtDateTime } from '../lib/format';
import { href, navigate } from '../lib/router';
import { useLoad } from '../lib/use-load';
import { Confirm } from '../ui/dialog';
import { Icon } from '../ui/icons';
import { PageHead, Pill } from '../ui/page';
import { Empty, Loaded } from '../ui/states';
import { useToast } from '../ui/toast';
import { AttendeeLimitsForm, overrideSummary } from './AttendeeLimits';
import { KeyCards } from './KeyCards';

/** The event to show: the one in the route, else the first live one, else the first. */
function pickEvent(events: EventView[], id?: string): EventView | undefined {
  return events.find((e) => e.id === id) ?? events.find((e) => e.live) ?? events[0];
}

function AttendeeTable(props: { event: EventView; onChanged: () => void }) {
  const { event } = props;
  const attendees = useLoad(() => kit.attendees.list({ eventId: event.id }), [event.id], 5000);
  const [query, setQuery] = useState('');
  const [revoking, setRevoking] = useState<AttendeeView>();
  const [limiting, setLimiting] = useState<AttendeeView>();
  const [cards, setCards] = useState(false);
  const toast = useToast();

  const filtered = useMemo(() => {
    const q = query.trim().toLowerCase();
    const rows = attendees.data ?? [];
    return q ? rows.filter((a) => `${a.name ?? ''} ${a.keyHint}`.toLowerCase().includes(q)) : rows;
  }, [attendees.data, query]);

  const replace = (a: AttendeeView) => attendees.set((rows) => (rows ?? []).map((x) => (x.id === a.id ? a : x)));

  async function restore(a: AttendeeView) {
    try {
      replace(await kit.attendees.restore({ attendeeId: a.id }));
      toast(`${a.name ?? 'Key'} restored.`);
    } catch (e) {
      toast((e as Error).message, true);
    }
  }

  const label = (a: AttendeeView) => a.name ?? (a.issued ? 'Key card' : 'Unnamed attendee');

  return (
    <section className="card flush">
      <div className="toolbar">
        <input
          type="search"
          className="search"
          placeholder="Search by name or key"
          aria-label="Search attendees"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <span className="muted small" style={{ marginRight: 'auto' }}>
          {attendees.data ? `${filtered.length} of ${attendees.data.length}` : ''}
        </span>
        <button type="button" onClick={() => setCards(true)}>
          <Icon name="print" />
          Issue key cards
        </button>
      </div>
      <Loaded load={attendees} label="Loading attendees…">
        {(rows) =>
          rows.length === 0 ? (
            <Empty
              icon="attendees"
              title="Nobody has registered yet"
              action={
                <a className="btn primary" href={href({ screen: 'projector', eventId: event.id })}>
                  Show the QR code
                </a>
              }
            >
              Put the join QR code on the projector; attendees appear here as they register.
            </Empty>
          ) : filtered.length === 0 ? (
            <Empty title="No match">No attendee name or key starts with “{query}”.</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Attendee</th>
                    <th>Key</th>
                    <th>Status</th>
                    <th className="num">Requests today</th>
                    <th className="num">Tokens today</th>
                    <th>Own limits</th>
                    <th>Registered</th>
                    <th>
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {filtered.map((a) => (
                    <tr key={a.id}>
                      <td className="cell-title">{label(a)}</td>
                      <td className="mono">{a.keyHint}</td>
                      <td>{a.revoked ? <Pill kind="bad">Revoked</Pill> : <Pill kind="ok">Active</Pill>}</td>
                      <td className="num">
                        {fmtCompact(a.requestsToday)}
                        {(a.limits?.dailyRequestCap ?? event.dailyRequestCap) ? (
                          <span className="muted"> / {a.limits?.dailyRequestCap ?? event.dailyRequestCap}</span>
                        ) : null}
                      </td>
                      <td className="num">{fmtCompact(a.tokensToday)}</td>
                      <td>
                        {overrideSummary(a).length ? (
                          <span className="pills">
                            {overrideSummary(a).map((t) => (
                              <Pill key={t} kind="accent">
                                {t}
                              </Pill>
                            ))}
                          </span>
                        ) : (
                          <span className="muted small">event's</span>
                        )}
                      </td>
                      <td className="small">{fmtDateTime(a.createdAt)}</td>
                      <td className="actions-cell">
                        <div className="actions">
                          <button
                            type="button"
                            className="small"
                            onClick={() => setLimiting(a)}
                            aria-label={`Limits for ${label(a)}`}
                          >
                            Limits
                          </button>
                          {a.revoked ? (
                            <button
                              type="button"
                              className="small"
                              onClick={() => void restore(a)}
                              aria-label={`Restore ${label(a)}`}
                            >
                              Restore
                            </button>
                          ) : (
                            <button
                              type="button"
                              className="small danger"
                              onClick={() => setRevoking(a)}
                              aria-label={`Revoke ${label(a)}`}
                            >
                              Revoke
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
      {revoking && (
        <Confirm
          title={`Revoke ${label(revoking)}'s key?`}
          confirmLabel="Revoke key"
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            replace(await kit.attendees.revoke({ attendeeId: revoking.id }));
            toast(`${label(revoking)}'s key revoked: the next call is refused.`);
          }}
        >
          The key <span className="mono">{revoking.keyHint}</span> stops working on its next request. You can restore it
          later.
        </Confirm>
      )}
      {limiting && (
        <AttendeeLimitsForm
          event={event}
          attendee={limiting}
          label={label(limiting)}
          onClose={() => setLimiting(undefined)}
          onSaved={(a) => {
            replace(a);
            setLimiting(undefined);
            toast(`${label(a)}'s limits saved: they apply from the next call.`);
          }}
        />
      )}
      {cards && (
        <KeyCards
          event={event}
          onClose={() => setCards(false)}
          onIssued={() => {
            attendees.reload();
            props.onChanged();
          }}
        />
      )}
    </section>
  );
}

export function Attendees({ eventId }: { eventId?: string }) {
  // Refreshed so the registered count in the header follows the room.
  const events = useLoad(() => kit.events.list({}), [], 5000);
  const event = events.data ? pickEvent(events.data, eventId) : undefined;
  return (
    <>
      <PageHead
        title="Attendees"
        subtitle={event ? `${event.name} · ${event.attendeeCount} registered` : 'Everyone who registered, per event.'}
        actions={
          events.data && events.data.length > 0 ? (
            <label className="row">
              <span className="small muted">Event</span>
              <select
                aria-label="Event"
                value={event?.id}
                onChange={(e) => navigate({ screen: 'attendees', eventId: e.target.value })}
                style={{ width: 'auto', minWidth: 220 }}
              >
                {events.data.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name}
                  </option>
                ))}
              </select>
            </label>
          ) : undefined
        }
      />
      <Loaded load={events} label="Loading events…">
        {() =>
          event ? (
            <AttendeeTable key={event.id} event={event} onChanged={events.reload} />
          ) : (
            <section className="card">
              <Empty
                icon="events"
                title="No events yet"
                action={
                  <a className="btn primary" href={href({ screen: 'events' })}>
                    Create an event
                  </a>
                }
              >
                Attendees register for an event. Create one first.
              </Empty>
            </section>
          )
        }
      </Loaded>
    </>
  );
}
