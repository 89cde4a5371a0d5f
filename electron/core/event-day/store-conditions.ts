/**
 * The store's own state as warnings, so the console has one banner area (and
 * the tray and notifications hear of it like of any other warning): while
 * writes fail, a red banner for the whole episode that cannot be dismissed
 * (it goes when a write lands again); after a start that had to recover
 * something (a damaged store started from a snapshot, a key file replaced,
 * secrets to enter again), one amber notice listing what, until dismissed.
 */
import type { StoreStatus } from '../../../shared/types.js';
import type { Condition } from './warnings.js';

export function storeConditions(s: StoreStatus): Condition[] {
  const out: Condition[] = [];
  if (s.state === 'failing')
    out.push({
      key: 'store-unavailable',
      level: 'red',
      title: s.message || 'The kit cannot save.',
      message: `Registrations, admin changes and new agents or files are refused until it can save again; attendees already registered keep working.${s.action ? ` ${s.action}` : ''}`,
      sticky: true,
    });
  if (s.notices?.length)
    out.push({
      key: 'store-notices',
      level: 'amber',
      title: s.recoveredFrom ? 'The kit recovered its store at start.' : 'At start the kit found:',
      message: '',
      details: [...s.notices],
    });
  return out;
}
