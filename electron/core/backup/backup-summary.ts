/**
 * What a backup holds, in the words the organizer checks before replacing
 * their store: counts, each event with its people and numbers, each resource
 * by name. Computed from the store inside (never stored beside it), so it
 * always tells the truth about what a restore would put back. No secret and
 * no key hash is in it.
 */
import type { BackupSummary } from '../../../shared/types.js';
import type { StoreData } from '../store/schema.js';

export function summarize(
  data: Pick<StoreData, 'resources' | 'events' | 'attendees' | 'objects' | 'usage'>,
  header: { createdAt: string; kitVersion: string; schemaVersion: number },
): BackupSummary {
  const people = new Map<string, number>();
  for (const a of data.attendees) people.set(a.eventId, (people.get(a.eventId) ?? 0) + 1);
  const used = new Map<string, { requests: number; totalTokens: number }>();
  const totals = { requests: 0, totalTokens: 0 };
  for (const u of data.usage) {
    const row = used.get(u.eventId) ?? { requests: 0, totalTokens: 0 };
    row.requests += u.requests;
    row.totalTokens += u.totalTokens;
    used.set(u.eventId, row);
    totals.requests += u.requests;
    totals.totalTokens += u.totalTokens;
  }
  return {
    createdAt: header.createdAt,
    kitVersion: header.kitVersion,
    schemaVersion: header.schemaVersion,
    counts: {
      resources: data.resources.length,
      events: data.events.length,
      attendees: data.attendees.length,
      ownedObjects: data.objects.length,
      usageCounters: data.usage.length,
    },
    events: data.events.map((e) => ({
      name: e.name,
      code: e.code,
      startsAt: e.startsAt,
      endsAt: e.endsAt,
      timeZone: e.timeZone,
      archived: Boolean(e.archivedAt),
      attendees: people.get(e.id) ?? 0,
      requests: used.get(e.id)?.requests ?? 0,
      totalTokens: used.get(e.id)?.totalTokens ?? 0,
    })),
    resources: data.resources.map((r) => ({ name: r.name, kind: r.kind, deployment: r.deployment })),
    totals,
  };
}
