/**
 * Turns a failed write into words an organizer (or an attendee told to go
 * and find one) can act on, and into the `store_unavailable` error that
 * registration, admin changes and ownership records answer with. One cause
 * per errno family; the message never holds a path that is not the kit's
 * own data dir, nor anything from inside the store.
 */
import type { StoreFailureCause } from '../../../shared/types.js';
import { KitError } from '../errors.js';
import { errnoOf } from './file-layer.js';

interface Described {
  cause: StoreFailureCause;
  /** "the disk is full": fits after "The kit cannot save: ". */
  reason: string;
  /** What the organizer does about it: fits after "try again once the organizer ". */
  remedy: string;
  /** The same, said to the organizer: a sentence for the console and the log. */
  action: string;
}

const byErrno: Record<string, Described> = {
  ENOSPC: {
    cause: 'disk-full',
    reason: 'the disk is full',
    remedy: 'has freed some space on the disk that holds the kit’s data folder',
    action: 'Free some space on the disk that holds the kit’s data folder (screen recordings, downloads, the trash).',
  },
  EDQUOT: {
    cause: 'disk-full',
    reason: 'the disk quota of this user is used up',
    remedy: 'has freed some space or raised the quota',
    action: 'Free some space, or raise this user’s disk quota.',
  },
  EROFS: {
    cause: 'read-only',
    reason: 'its data folder is on a read-only file system',
    remedy: 'has moved the kit’s data folder to a writable disk (or made this one writable) and restarted the kit',
    action: 'Move the data folder to a writable disk (or make this one writable), then restart the kit.',
  },
  EACCES: {
    cause: 'permission',
    reason: 'it has no permission to write its data folder',
    remedy: 'has given the kit write access to its data folder',
    action: 'Give the user running the kit write access to its data folder.',
  },
  EPERM: {
    cause: 'permission',
    reason: 'the system refused it permission to write its data folder',
    remedy: 'has checked the data folder’s permissions, and which program holds its files',
    action: 'Check the data folder’s permissions, and whether another program holds its files.',
  },
  EBUSY: {
    cause: 'busy',
    reason: 'another program (an antivirus or a backup tool?) holds its store file',
    remedy: 'has let that program finish, or excluded the kit’s data folder from it',
    action: 'Let that program finish, or exclude the kit’s data folder from it.',
  },
  EIO: {
    cause: 'io-error',
    reason: 'the disk reported an I/O error',
    remedy: 'has checked the disk (a USB stick pulled out? a failing drive?)',
    action: 'Check the disk (a USB stick pulled out? a failing drive?) and copy the data folder somewhere safe.',
  },
  EMFILE: {
    cause: 'other',
    reason: 'too many files are open',
    remedy: 'has closed some programs',
    action: 'Close some programs.',
  },
  ENOENT: {
    cause: 'other',
    reason: 'its data folder has disappeared',
    remedy: 'has put the data folder back (a USB stick unplugged?) and restarted the kit',
    action: 'Put the data folder back (a USB stick unplugged?) and restart the kit.',
  },
};
byErrno.ENFILE = byErrno.EMFILE as Described;
byErrno.ENXIO = byErrno.EIO as Described;
byErrno.ENODEV = byErrno.EIO as Described;

/** A shared database (the PostgreSQL driver) that cannot be reached or refused the transaction. */
const database = (code: string | undefined): Described => ({
  cause: 'other',
  reason: `its database cannot be reached or refused the change${code ? ` (${code})` : ''}`,
  remedy: 'has checked that the PostgreSQL server is running and reachable',
  action: 'Check that the PostgreSQL server is running and reachable from this machine; the kit reconnects by itself.',
});

export function describeWriteFailure(e: unknown): Described {
  if ((e as { storeDatabase?: boolean } | undefined)?.storeDatabase) return database((e as { errno?: string }).errno);
  const errno = (e as { errno?: unknown }).errno;
  const code = typeof errno === 'string' ? errno : errnoOf(e);
  return (
    (code && byErrno[code]) || {
      cause: 'other',
      reason: `writing its store failed${code ? ` (${code})` : ''}`,
      remedy: 'has looked at the kit log',
      action: 'Look at the kit log.',
    }
  );
}

/** "The kit cannot save: the disk is full." */
export const cannotSaveSentence = (d: Described) => `The kit cannot save: ${d.reason}.`;

/** The error a refused write answers with: 503, `store_unavailable`. */
export function storeUnavailable(e: unknown): KitError {
  const d = describeWriteFailure(e);
  // `x-should-retry: false` stops the OpenAI SDKs' automatic retries: a proxied create retried on a full
  // disk would make one more upstream object nobody can own each time.
  return new KitError(
    'store_unavailable',
    `${cannotSaveSentence(d)} Nothing was changed; try again once the organizer ${d.remedy}.`,
    { 'x-should-retry': 'false' },
  );
}
