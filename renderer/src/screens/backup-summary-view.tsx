/** What a backup holds, as the organizer checks it before a restore (and sees it after a backup). */
import type { BackupSummary } from '../../../shared/types';
import { fmtDateTime, fmtNumber, fmtRange } from '../lib/format';
import { Pill } from '../ui/page';

export function BackupSummaryView({ summary }: { summary: BackupSummary }) {
  const c = summary.counts;
  return (
    <div className="backup-summary" data-testid="backup-summary">
      <p className="small muted">
        Made {fmtDateTime(summary.createdAt)} by AI Proxy Kit {summary.kitVersion}
      </p>
      <dl className="backup-counts">
        {(
          [
            ['Events', c.events],
            ['Attendees', c.attendees],
            ['Resources', c.resources],
            ['Requests', summary.totals.requests],
            ['Tokens', summary.totals.totalTokens],
          ] as const
        ).map(([label, n]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{fmtNumber(n)}</dd>
          </div>
        ))}
      </dl>
      {summary.events.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Event</th>
                <th>When</th>
                <th className="num">Attendees</th>
                <th className="num">Requests</th>
              </tr>
            </thead>
            <tbody>
              {summary.events.map((e) => (
                <tr key={e.code}>
                  <td>
                    {e.name} {e.archived && <Pill>Archived</Pill>}
                  </td>
                  <td className="small">{fmtRange(e.startsAt, e.endsAt, e.timeZone)}</td>
                  <td className="num">{fmtNumber(e.attendees)}</td>
                  <td className="num">{fmtNumber(e.requests)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {summary.resources.length > 0 && (
        <p className="small muted">
          Resources: {summary.resources.map((r) => `${r.name} (${r.deployment})`).join(', ')}
        </p>
      )}
    </div>
  );
}
