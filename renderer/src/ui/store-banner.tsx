/**
 * The store's state at the top of every console screen, in the look of the
 * warnings area below it: a red banner while the kit cannot save
 * (registrations and changes are refused until a write lands again; the
 * banner goes when it does, and cannot be dismissed before), and, after a
 * start that had to recover something (a damaged store started from a
 * snapshot, a damaged key file replaced, secrets to enter again), a notice
 * the organizer can dismiss.
 */
import { useState } from 'react';
import type { StoreStatus } from '../../../shared/types';
import { fmtRelative } from '../lib/format';

const SEEN_KEY = 'kit-store-notices-seen';

export function StoreBanner({ status }: { status?: StoreStatus }) {
  const noticesId = status?.notices?.length ? (status.recoveredFrom?.at ?? status.notices.join('\n')) : undefined;
  const [seen, setSeen] = useState(() => sessionStorage.getItem(SEEN_KEY));
  if (!status) return null;
  const failing = status.state === 'failing';
  const showNotices = noticesId !== undefined && seen !== noticesId;
  if (!failing && !showNotices) return null;
  return (
    <section className="warnings store-banners" aria-label="Saving">
      {failing && (
        <div className="banner error" role="alert">
          <div className="banner-text">
            <strong>{status.message}</strong>
            <span>
              Registrations, admin changes and new agents or files are refused until it can save again; attendees
              already registered keep working. {status.action} First failed {fmtRelative(status.since)}.
            </span>
          </div>
        </div>
      )}
      {showNotices && (
        <div className="banner warn" role="status">
          <div className="banner-text">
            <strong>
              {status.recoveredFrom ? 'The kit recovered its store at start.' : 'At start the kit found:'}
            </strong>
            <ul>
              {status.notices?.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          </div>
          <button
            type="button"
            className="small ghost"
            onClick={() => {
              sessionStorage.setItem(SEEN_KEY, noticesId);
              setSeen(noticesId);
            }}
          >
            Dismiss
          </button>
        </div>
      )}
    </section>
  );
}
