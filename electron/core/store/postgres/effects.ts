/**
 * What a committed transaction changed, as this instance applies it to its
 * cache right after COMMIT (so the caller, once its promise resolves, reads
 * what it wrote); other instances learn the same from the notifications.
 */
import type { KitEvent, Resource } from '../../../../shared/types.js';
import type { OwnedObject, StoredAttendee, UsageCounter } from '../schema.js';
import type { PgCache } from './cache.js';

export type Effect =
  | { kind: 'resources'; key: string; rev: number; value: Readonly<Resource> | undefined }
  | { kind: 'events'; key: string; rev: number; value: Readonly<KitEvent> | undefined }
  | { kind: 'attendees'; key: string; rev: number; value: Readonly<StoredAttendee> | undefined }
  | { kind: 'objects'; key: string; rev: number; value: Readonly<OwnedObject> | undefined }
  | { kind: 'usage'; rows: Readonly<UsageCounter>[] }
  | { kind: 'drop-usage'; eventId: string };

export interface Outcome<T> {
  result: T;
  effects: Effect[];
}

export function applyEffects(cache: PgCache, effects: readonly Effect[]): void {
  for (const e of effects) {
    switch (e.kind) {
      case 'usage':
        cache.setUsage(e.rows);
        break;
      case 'drop-usage':
        cache.dropUsageOf(e.eventId);
        break;
      case 'resources':
        cache.resources.apply(e.key, e.rev, e.value);
        break;
      case 'events':
        cache.events.apply(e.key, e.rev, e.value);
        break;
      case 'attendees':
        cache.attendees.apply(e.key, e.rev, e.value);
        break;
      case 'objects':
        cache.objects.apply(e.key, e.rev, e.value);
        break;
    }
  }
}
