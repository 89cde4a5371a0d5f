/**
 * What goes on the big screen: the join QR code, the join URL and the event
 * code in type readable from the back row, and how many devices have opened
 * the join page (the room arriving). When the laptop has several network
 * interfaces, the organizer picks the one the room's Wi-Fi is on (the kit
 * keeps the pick, so key cards and join links agree). The display stays on:
 * the desktop app holds a blocker while this view is open; in a browser the
 * page asks for a screen wake lock.
 */
import { type ReactNode, useEffect } from 'react';
import type { EventView } from '../../../shared/contract';
import type { KitInfo } from '../../../shared/types';
import { isDesktop, kit } from '../client';
import { fmtRange } from '../lib/format';
import { href, navigate } from '../lib/router';
import { useLoad } from '../lib/use-load';
import { AddressPicker } from '../ui/address-picker';
import { Icon } from '../ui/icons';
import { Qr } from '../ui/qr';
import { Empty, Failed, Loading } from '../ui/states';

function pick(events: EventView[], id?: string): EventView | undefined {
  return events.find((e) => e.id === id) ?? events.find((e) => e.live) ?? events.find((e) => e.enabled);
}

/** In a browser (the headless console), ask for a screen wake lock while the projector is shown. */
function useScreenWakeLock(): void {
  useEffect(() => {
    if (isDesktop) return; // the desktop app holds a display blocker for this view
    const wl = (navigator as Navigator & { wakeLock?: { request(t: 'screen'): Promise<{ release(): Promise<void> }> } })
      .wakeLock;
    if (!wl) return;
    let lock: { release(): Promise<void> } | undefined;
    let gone = false;
    const take = () =>
      wl.request('screen').then(
        (l) => {
          if (gone) void l.release();
          else lock = l;
        },
        () => undefined,
      );
    // A wake lock ends when the tab is hidden; take it again when the projector comes back.
    const again = () => document.visibilityState === 'visible' && void take();
    void take();
    document.addEventListener('visibilitychange', again);
    return () => {
      gone = true;
      document.removeEventListener('visibilitychange', again);
      void lock?.release();
    };
  }, []);
}

export function Projector({ eventId, info, reloadInfo }: { eventId?: string; info?: KitInfo; reloadInfo: () => void }) {
  const events = useLoad(() => kit.events.list({}), [], 5000);
  const base = info?.lanUrls[0];
  const event = events.data ? pick(events.data, eventId) : undefined;
  const devices = event ? (info?.preflight.reach.byEvent.find((b) => b.eventId === event.id)?.devices ?? 0) : 0;
  useScreenWakeLock();

  let body: ReactNode;
  if (events.error && !events.data) body = <Failed error={events.error} retry={events.reload} />;
  else if (!events.data || !info) body = <Loading label="Preparing the join code…" />;
  else if (!event || !base)
    body = (
      <Empty
        icon="events"
        title="No event to show"
        action={
          <a className="btn primary" href={href({ screen: 'events' })}>
            Create an event
          </a>
        }
      >
        Create and enable an event; its join QR code appears here.
      </Empty>
    );
  else {
    const joinUrl = `${base}/join/${event.code}`;
    body = (
      <div className="projector-main">
        <div className="qr-frame">
          <Qr text={joinUrl} label={`QR code for ${joinUrl}`} margin={0} />
        </div>
        <div>
          <h1>{event.name}</h1>
          <p className="step">Scan the code, or open on your device:</p>
          <p className="join-url" data-testid="join-url">
            {joinUrl}
          </p>
          <p className="code-label">Event code</p>
          <p className="code" data-testid="event-code">
            {event.code}
          </p>
          {event.joinPassword && (
            <p className="step">
              Password: <strong>{event.joinPassword}</strong>
            </p>
          )}
        </div>
      </div>
    );
  }

  return (
    <div className="projector">
      <div className="projector-bar">
        <a
          className="btn small"
          href={href({ screen: 'overview' })}
          style={{ background: '#ffffff14', color: '#fff', borderColor: '#ffffff33' }}
        >
          <Icon name="back" />
          Console
        </a>
        <div className="actions">
          {events.data && events.data.length > 1 && (
            <select
              aria-label="Event"
              value={event?.id ?? ''}
              onChange={(e) => navigate({ screen: 'projector', eventId: e.target.value })}
            >
              {events.data.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
            </select>
          )}
          {info && <AddressPicker info={info} onChange={reloadInfo} label="Network address" />}
          <button
            type="button"
            className="small"
            onClick={() =>
              document.fullscreenElement
                ? void document.exitFullscreen()
                : void document.documentElement.requestFullscreen()
            }
          >
            <Icon name="expand" />
            Full screen
          </button>
        </div>
      </div>
      {body}
      <div className="projector-foot">
        <span>{event ? `${fmtRange(event.startsAt, event.endsAt, event.timeZone)} (${event.timeZone})` : ''}</span>
        <span data-testid="projector-devices">
          {event
            ? `${devices} device${devices === 1 ? ' has' : 's have'} opened the join page · ${event.attendeeCount} registered${event.capacity ? ` of ${event.capacity}` : ''}`
            : ''}
        </span>
      </div>
    </div>
  );
}
