/**
 * The console's one banner area, on every screen: the warnings that hold
 * right now (the kit unable to save, what the store recovered at start, disk
 * filling, battery low, an upstream failing), one banner per episode, worst
 * first. Dismissing hides that episode in this tab (across reloads); the same
 * condition coming back later is a new episode and shows again. "Cannot save"
 * cannot be dismissed: it goes when a write lands again.
 */
import { useState } from 'react';
import type { KitWarning } from '../../../shared/types';
import { fmtRelative } from '../lib/format';

const KEY = 'kit-dismissed-warnings';

function dismissed(): string[] {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? '[]') as string[];
  } catch {
    return [];
  }
}

export function WarningBanners({ warnings }: { warnings: KitWarning[] }) {
  const [hidden, setHidden] = useState(dismissed);
  const shown = warnings.filter((w) => w.sticky || !hidden.includes(w.id));
  if (shown.length === 0) return null;
  const hide = (id: string) => {
    // Only ids still active are kept: the list never grows past the open episodes.
    const next = [...hidden.filter((h) => warnings.some((w) => w.id === h)), id];
    sessionStorage.setItem(KEY, JSON.stringify(next));
    setHidden(next);
  };
  return (
    <section className="warnings" aria-label="Warnings">
      {shown.map((w) => (
        <div
          key={w.id}
          className={`banner ${w.level === 'red' ? 'error' : 'warn'}`}
          role={w.level === 'red' ? 'alert' : 'status'}
        >
          <div className="banner-text">
            <strong>{w.title}</strong>
            {(w.message || w.sticky) && (
              <span>
                {w.message}
                {w.sticky ? ` First failed ${fmtRelative(w.since)}.` : ''}
              </span>
            )}
            {w.details && (
              <ul>
                {w.details.map((d) => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
            )}
          </div>
          {!w.sticky && (
            <button type="button" className="small ghost" onClick={() => hide(w.id)} aria-label={`Dismiss: ${w.title}`}>
              Dismiss
            </button>
          )}
        </div>
      ))}
    </section>
  );
}
