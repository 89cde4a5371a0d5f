/**
 * Events reused: a copy of an event for next week's run (its resources,
 * limits and options; a new code, new dates, nobody in it) and archiving an
 * event once it is over (its keys dead, its join page gone, out of the
 * default lists; its attendees, usage and reports kept), and back.
 */
import type { EventView, ParsedInput } from '../../../shared/contract.js';
import type { KitEvent } from '../../../shared/types.js';
import { describeInstant } from '../../../shared/zoned-time.js';
import { KitError } from '../errors.js';
import { newEventCode, newId } from '../store/ids.js';
import type { StoreDriver } from '../store/store-driver.js';

/** Archived events take no changes and no new keys: bring them back first. */
export function refuseArchived<E extends Pick<KitEvent, 'archivedAt' | 'name'>>(event: E, what: string): E {
  if (event.archivedAt) {
    throw new KitError('conflict', `"${event.name}" is archived and cannot be ${what}. Unarchive it first.`);
  }
  return event;
}

interface ReuseDeps {
  store: StoreDriver;
  now: () => number;
  view: (e: KitEvent) => EventView;
  eventOr404: (id: string) => KitEvent;
  checkCodeFree: (code: string) => void;
  changed?: () => void;
}

export function eventReuseHandlers(deps: ReuseDeps) {
  const { store, now, view, eventOr404 } = deps;
  const gone = (id: string) => new KitError('not_found', `No event with id "${id}".`);
  return {
    'events.duplicate': async ({ id, name, code, startsAt, endsAt }: ParsedInput<'events.duplicate'>) => {
      const source = eventOr404(id);
      if (code) deps.checkCodeFree(code);
      let fresh = code;
      if (!fresh)
        do fresh = newEventCode();
        while (store.eventByCode(fresh));
      const copy = await store.duplicateEvent({
        sourceId: source.id,
        id: newId('evt'),
        name: name ?? `${source.name} (copy)`,
        code: fresh,
        startsAt,
        endsAt,
        createdAt: new Date(now()).toISOString(),
      });
      if (!copy) throw gone(id);
      deps.changed?.();
      return view(copy);
    },
    'events.archive': async ({ id }: ParsedInput<'events.archive'>) => {
      const event = eventOr404(id);
      if (event.archivedAt) return view(event);
      if (now() < Date.parse(event.endsAt)) {
        throw new KitError(
          'conflict',
          `"${event.name}" has not ended yet (it ends ${describeInstant(event.endsAt, event.timeZone)}): ` +
            'archive it after that. To stop its keys now, disable it.',
        );
      }
      const archived = await store.setArchived(id, new Date(now()).toISOString());
      if (!archived) throw gone(id);
      deps.changed?.();
      return view(archived);
    },
    'events.unarchive': async ({ id }: ParsedInput<'events.unarchive'>) => {
      eventOr404(id);
      const back = await store.setArchived(id, null);
      if (!back) throw gone(id);
      deps.changed?.();
      return view(back);
    },
  };
}
