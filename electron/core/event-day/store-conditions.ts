/**
 * The store's own state as warnings, so the console has one banner area:
 * while writes fail ("The kit cannot save: the disk is full."), a red one for
 * the whole episode; what the store found at start (a damaged file replaced
 * by a snapshot, secrets to enter again), an amber one each, until dismissed.
 */
import type { StoreStatus } from '../../../shared/types.js';
import type { Condition } from './warnings.js';

export function storeConditions(s: StoreStatus): Condition[] {
  const out: Condition[] = [];
  if (s.state === 'failing') {
    // "The kit cannot save: the disk is full." → title "The kit cannot save", message "The disk is full. …"
    const m = /^The kit cannot save: (.+)$/.exec(s.message);
    const why = m?.[1] ? `${m[1].charAt(0).toUpperCase()}${m[1].slice(1)}` : s.message;
    out.push({
      key: 'store-unavailable',
      level: 'red',
      title: 'The kit cannot save',
      message: `${why} Registrations, admin changes and new objects are refused until a write succeeds; SDK calls that need no write go on.`,
    });
  }
  for (const [i, notice] of (s.notices ?? []).entries())
    out.push({
      key: `store-notice:${i}`,
      level: 'amber',
      title: i === 0 && s.recoveredFrom !== undefined ? 'The store was recovered at start' : 'Found at start',
      message: notice,
    });
  return out;
}
