/**
 * The console's one banner area: the warnings that hold right now (disk
 * filling, battery low, the store unable to save, an upstream failing), one
 * banner per episode, worst first. Dismissing hides that episode in this tab;
 * the same condition coming back later is a new episode and shows again.
 */
import { useState } from 'react';
import type { KitWarning } from '../../../shared/types';

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
  const shown = warnings.filter((w) => !hidden.includes(w.id));
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
        <div key={w.id} className={`banner ${w.level === 'red' ? 'error' : 'warn'}`} role="alert">
          <div className="banner-text">
            <strong>{w.title}</strong>
            <span>{w.message}</span>
          </div>
          <button type="button" className="small ghost" onClick={() => hide(w.id)} aria-label={`Dismiss: ${w.title}`}>
            Dismiss
          </button>
        </div>
      ))}
    </section>
  );
}
