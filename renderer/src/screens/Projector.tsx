/**
 * What goes on the big screen: the join QR code, the join URL and the event
 * code in type readable from the back row. When the laptop has several
 * network interfaces, the organizer picks the one the room's Wi-Fi is on.
 */
import { type ReactNode, useEffect, useState } from 'react';
import type { EventView } from '../../../shared/contract';
import type { KitInfo } from '../../../shared/types';
import { kit } from '../client';
import { fmtRange } from '../lib/format';
import { href, navigate } from '../lib/router';
import { useLoad } from '../lib/use-load';
import { Icon } from '../ui/icons';
import { Qr } from '../ui/qr';
import { Empty, Failed, Loading } from '../ui/states';

const LAN_KEY = 'kit-projector-lan';

function pick(events: EventView[], id?: string): EventView | undefined {
  return events.find((e) => e.id === id) ?? events.find((e) => e.live) ?? events.find((e) => e.enabled);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function Projector({ eventId, info }: { eventId?: string; info?: KitInfo }) {
  const events = useLoad(() => kit.events.list({}), [], 5000);
  const [lan, setLan] = useState(() => sessionStorage.getItem(LAN_KEY) ?? '');
  const lanUrls = info?.lanUrls ?? [];
  const base = lanUrls.includes(lan) ? lan : lanUrls[0];
  const event = events.data ? pick(events.data, eventId) : undefined;

  useEffect(() => {
    if (lan) sessionStorage.setItem(LAN_KEY, lan);
  }, [lan]);

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
          {lanUrls.length > 1 && (
            <select aria-label="Network address" value={base} onChange={(e) => setLan(e.target.value)}>
              {lanUrls.map((u) => (
                <option key={u} value={u}>
                  {hostOf(u)}
                </option>
              ))}
            </select>
          )}
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
        <span>{event ? `${event.attendeeCount} registered${event.capacity ? ` of ${event.capacity}` : ''}` : ''}</span>
      </div>
    </div>
  );
}
