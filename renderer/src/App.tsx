import { useEffect, useState } from 'react';
import type { EventView } from '../../shared/contract';
import type { KitInfo, TrafficRecord } from '../../shared/types';
import { kit } from './client';

export function App() {
  const [info, setInfo] = useState<KitInfo>();
  const [events, setEvents] = useState<EventView[]>([]);
  const [traffic, setTraffic] = useState<TrafficRecord[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    kit.kit.info({}).then(setInfo, (e: Error) => setError(e.message));
    kit.events.list({}).then(setEvents, (e: Error) => setError(e.message));
    kit.traffic.recent({ limit: 50 }).then(setTraffic, () => undefined);
    return kit.traffic.subscribe((batch) => setTraffic((t) => [...t, ...batch].slice(-50)));
  }, []);

  return (
    <div className="shell">
      <header className="top">
        <h1>AI Proxy Kit</h1>
        {info && <span className="muted">v{info.version}</span>}
      </header>
      {error && <p className="error">{error}</p>}
      <main className="grid">
        <section className="card">
          <h2>Endpoint</h2>
          {info?.lanUrls.map((u) => (
            <code key={u}>{u}/api/v1</code>
          ))}
        </section>
        <section className="card">
          <h2>Events</h2>
          {events.length === 0 && <p className="muted">No events yet.</p>}
          {events.map((e) => (
            <div key={e.id} className="row">
              <strong>{e.name}</strong>
              <span className={e.live ? 'pill live' : 'pill'}>{e.live ? 'live' : 'not live'}</span>
              <span className="muted">{e.attendeeCount} attendees</span>
              <code>{e.joinUrl}</code>
            </div>
          ))}
        </section>
        <section className="card wide">
          <h2>Live traffic</h2>
          {traffic.length === 0 && <p className="muted">Requests will appear here as attendees call the API.</p>}
          <table>
            <tbody>
              {[...traffic].reverse().map((t) => (
                <tr key={t.id}>
                  <td>{new Date(t.at).toLocaleTimeString()}</td>
                  <td>{t.attendeeName ?? t.attendeeId ?? '—'}</td>
                  <td>{t.deployment ?? t.path}</td>
                  <td>{t.status}</td>
                  <td>{t.durationMs} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </main>
    </div>
  );
}
