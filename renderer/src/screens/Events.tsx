/**
 * Events: the list with their state, create/edit, enable/disable, duplicate, archive once over (and back),
 * delete with confirmation.
 */
import { useState } from 'react';
import type { EventView, ResourceView } from '../../../shared/contract';
import { kit } from '../client';
import { fmtRange } from '../lib/format';
import { href } from '../lib/router';
import { useLoad } from '../lib/use-load';
import { Confirm } from '../ui/dialog';
import { Icon } from '../ui/icons';
import { PageHead, Pill } from '../ui/page';
import { Empty, Loaded } from '../ui/states';
import { useToast } from '../ui/toast';
import { EventDuplicate } from './EventDuplicate';
import { EventForm } from './EventForm';

export function eventState(e: EventView, now = Date.now()): { label: string; kind?: 'ok' | 'warn' | 'bad' | 'accent' } {
  if (e.archivedAt) return { label: 'Archived' };
  if (!e.enabled) return { label: 'Disabled', kind: 'warn' };
  if (now < Date.parse(e.startsAt)) return { label: 'Upcoming', kind: 'accent' };
  if (now >= Date.parse(e.endsAt)) return { label: 'Ended' };
  return { label: 'Live', kind: 'ok' };
}

export function Events() {
  const [showArchived, setShowArchived] = useState(false);
  const events = useLoad(() => kit.events.list({ includeArchived: showArchived }), [showArchived]);
  const resources = useLoad(() => kit.resources.list({}), []);
  const [editing, setEditing] = useState<EventView | 'new'>();
  const [deleting, setDeleting] = useState<EventView>();
  const [copying, setCopying] = useState<EventView>();
  const [archiving, setArchiving] = useState<EventView>();
  const toast = useToast();

  const resourceNames = (ids: string[], all: ResourceView[]) =>
    ids
      .map((id) => all.find((r) => r.id === id)?.deployment)
      .filter(Boolean)
      .join(', ') || 'none';

  async function unarchive(e: EventView) {
    try {
      await kit.events.unarchive({ id: e.id });
      toast(`${e.name} is back in the list.`);
      events.reload();
    } catch (err) {
      toast((err as Error).message, true);
    }
  }

  async function toggle(e: EventView) {
    try {
      await kit.events.update({ id: e.id, enabled: !e.enabled });
      toast(e.enabled ? `${e.name} disabled: its keys stop working now.` : `${e.name} enabled.`);
      events.reload();
    } catch (err) {
      toast((err as Error).message, true);
    }
  }

  return (
    <>
      <PageHead
        title="Events"
        subtitle="Each event has its own join code, time window, caps and deployments."
        actions={
          <>
            <label className="check">
              <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} />
              Show archived
            </label>
            <button type="button" className="primary" onClick={() => setEditing('new')} disabled={!resources.data}>
              <Icon name="plus" />
              New event
            </button>
          </>
        }
      />
      <section className="card flush">
        <Loaded load={events} label="Loading events…">
          {(rows) =>
            rows.length === 0 ? (
              <Empty
                icon="events"
                title="No events yet"
                action={
                  <button type="button" className="primary" onClick={() => setEditing('new')}>
                    Create the first event
                  </button>
                }
              >
                An event gives attendees a join page and keys that work only while it runs.
              </Empty>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>Event</th>
                      <th>When</th>
                      <th>Status</th>
                      <th className="num">Attendees</th>
                      <th>Deployments</th>
                      <th>
                        <span className="sr-only">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((e) => {
                      const st = eventState(e);
                      return (
                        <tr key={e.id}>
                          <td className="event-cell">
                            <div className="cell-title">{e.name}</div>
                            <div className="cell-sub">
                              code <span className="mono">{e.code}</span>
                              {e.joinPassword ? ' · password' : ''}
                            </div>
                          </td>
                          <td>
                            <div>{fmtRange(e.startsAt, e.endsAt, e.timeZone)}</div>
                            <div className="cell-sub">{e.timeZone}</div>
                          </td>
                          <td>
                            <Pill kind={st.kind}>{st.label}</Pill>
                          </td>
                          <td className="num">
                            {e.attendeeCount}
                            {e.capacity ? <span className="muted"> / {e.capacity}</span> : null}
                          </td>
                          <td className="small">{resourceNames(e.resourceIds, resources.data ?? [])}</td>
                          <td className="actions-cell">
                            <div className="actions" style={{ justifyContent: 'flex-end' }}>
                              {e.archivedAt ? (
                                <>
                                  <a className="btn small" href={href({ screen: 'reports', eventId: e.id })}>
                                    Report
                                  </a>
                                  <button type="button" className="small" onClick={() => setCopying(e)}>
                                    Duplicate
                                  </button>
                                  <button type="button" className="small" onClick={() => void unarchive(e)}>
                                    Unarchive
                                  </button>
                                </>
                              ) : (
                                <>
                                  <a className="btn small" href={href({ screen: 'projector', eventId: e.id })}>
                                    QR code
                                  </a>
                                  <a className="btn small" href={href({ screen: 'attendees', eventId: e.id })}>
                                    Attendees
                                  </a>
                                  <button type="button" className="small" onClick={() => setEditing(e)}>
                                    Edit
                                  </button>
                                  <button type="button" className="small" onClick={() => setCopying(e)}>
                                    Duplicate
                                  </button>
                                  {Date.parse(e.endsAt) <= Date.now() ? (
                                    <button type="button" className="small" onClick={() => setArchiving(e)}>
                                      Archive
                                    </button>
                                  ) : (
                                    <button type="button" className="small" onClick={() => void toggle(e)}>
                                      {e.enabled ? 'Disable' : 'Enable'}
                                    </button>
                                  )}
                                </>
                              )}
                              <button
                                type="button"
                                className="small danger"
                                aria-label={`Delete ${e.name}`}
                                onClick={() => setDeleting(e)}
                              >
                                Delete
                              </button>
                            </div>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )
          }
        </Loaded>
      </section>
      {editing && resources.data && (
        <EventForm
          event={editing === 'new' ? undefined : editing}
          resources={resources.data}
          onClose={() => setEditing(undefined)}
          onSaved={(e) => {
            setEditing(undefined);
            toast(editing === 'new' ? `${e.name} created. Join code: ${e.code}` : `${e.name} saved.`);
            events.reload();
          }}
        />
      )}
      {copying && (
        <EventDuplicate
          event={copying}
          onClose={() => setCopying(undefined)}
          onSaved={(e) => {
            setCopying(undefined);
            toast(`${e.name} created. Join code: ${e.code}`);
            events.reload();
          }}
        />
      )}
      {archiving && (
        <Confirm
          title={`Archive ${archiving.name}?`}
          confirmLabel="Archive event"
          onClose={() => setArchiving(undefined)}
          onConfirm={async () => {
            await kit.events.archive({ id: archiving.id });
            toast(`${archiving.name} archived. Its report stays under Reports.`);
            events.reload();
          }}
        >
          Its keys stop working for good and its join page closes; attendees can no longer download their usage. Its
          attendees, usage and report are kept, and it leaves the lists (tick “Show archived” to see it). You can
          unarchive it later.
        </Confirm>
      )}
      {deleting && (
        <Confirm
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete event"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await kit.events.remove({ id: deleting.id });
            toast(`${deleting.name} deleted.`);
            events.reload();
          }}
        >
          Its {deleting.attendeeCount} attendee key{deleting.attendeeCount === 1 ? '' : 's'} stop working at once and
          the join page disappears. This cannot be undone.
        </Confirm>
      )}
    </>
  );
}
