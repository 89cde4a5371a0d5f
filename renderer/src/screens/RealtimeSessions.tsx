/**
 * The realtime (voice) sessions of the live traffic: one row per session,
 * open ones first with their running length, then the ones that just closed
 * with how they ended. A session is one request in the charts; its length
 * and tokens show here.
 */

import { fmtCompact, fmtTime } from '../lib/format';
import type { SessionRow } from '../lib/traffic-model';
import { Pill } from '../ui/page';

/** "4 min 05 s", "12 s": a session's length, read at a glance. */
function fmtDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** How a closed session ended: its close code and the reason the attendee read. */
function closedLabel(s: SessionRow): string {
  const words = s.closeReason ? ` · ${s.closeReason}` : '';
  return `Closed ${s.closeCode ?? ''}${words}`.trim();
}

export function RealtimeSessions(props: { sessions: SessionRow[]; now: number }) {
  const open = props.sessions.filter((s) => s.closedAt === undefined).length;
  return (
    <section className="card flush" aria-label="Realtime sessions">
      <div className="toolbar">
        <h2 style={{ marginRight: 8 }}>Realtime sessions</h2>
        <span className="muted small">
          {open} open · {props.sessions.length - open} recently closed
        </span>
      </div>
      <div className="table-wrap">
        <table className="dense">
          <thead>
            <tr>
              <th>Opened</th>
              <th>Attendee</th>
              <th>Deployment</th>
              <th>State</th>
              <th className="num">Duration</th>
              <th className="num">Responses</th>
              <th className="num">Tokens</th>
            </tr>
          </thead>
          <tbody>
            {props.sessions.map((s) => (
              <tr key={s.id}>
                <td className="mono nowrap">{fmtTime(new Date(s.openedAt).toISOString())}</td>
                <td>{s.attendeeName ?? <span className="muted">—</span>}</td>
                <td className="mono small">{s.deployment ?? '—'}</td>
                <td className="small">
                  {s.closedAt === undefined ? (
                    <Pill kind="ok">Open</Pill>
                  ) : (
                    <span className="muted">{closedLabel(s)}</span>
                  )}
                </td>
                <td className="num">{fmtDuration((s.closedAt ?? props.now) - s.openedAt)}</td>
                <td className="num">{fmtCompact(s.responses)}</td>
                <td className="num">{s.totalTokens ? fmtCompact(s.totalTokens) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
