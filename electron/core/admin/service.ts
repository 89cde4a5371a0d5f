/**
 * The admin service: one handler per contract method. Bindings (loopback
 * HTTP, Electron IPC) validate the input against the contract's schema and
 * then call `handlers[method](parsed)`; nothing here knows about transports.
 */

import type { MethodName, Output, ParsedInput } from '../../../shared/contract.js';
import { kindOf } from '../../../shared/resource-kinds/table.js';
import { clearableEventFields } from '../../../shared/schemas.js';
import type { KitEvent, KitInfo, Resource } from '../../../shared/types.js';
import { dayIn } from '../../../shared/zoned-time.js';
import { KitError } from '../errors.js';
import { CARDS_PER_SHEET, keyCardsHtml } from '../lan/key-cards.js';
import type { Upstream } from '../proxy/upstream/upstream.js';
import { issueKeys } from '../registration/issue.js';
import { usageRangeReport } from '../reports/usage-report.js';
import { newEventCode, newId } from '../store/ids.js';
import type { StoredAttendee } from '../store/schema.js';
import { secretUnreadable } from '../store/sealed-adapter.js';
import type { StoreDriver } from '../store/store-driver.js';
import type { TrafficFeed } from '../traffic/feed.js';
import type { UsageLedger } from '../usage/ledger.js';
import { backupHandlers } from './backup-handlers.js';
import { eventReuseHandlers, refuseArchived } from './event-reuse.js';
import { testResource } from './resource-test.js';
import { attendeeView, eventView, mergeAuth, resourceView } from './views.js';

export interface AdminDeps {
  store: StoreDriver;
  ledger: UsageLedger;
  feed: TrafficFeed;
  upstream: Upstream;
  now: () => number;
  info: () => KitInfo;
  /** The LAN base URL on the QR code (cheaper than `info()`, which also assembles the pre-flight). */
  lanBase?: () => string;
  /** Told after an event was created, changed or removed (keep-awake looks again at once). */
  eventsChanged?: () => void;
  /** Puts an address on the QR code. */
  chooseAddress?: (address: string | null) => void;
}

export type Handlers = { [M in MethodName]: (input: ParsedInput<M>) => Promise<Output<M>> };

const notFound = (what: string, id: string) => new KitError('not_found', `No ${what} with id "${id}".`);

export function createAdminService(deps: AdminDeps): Handlers {
  const { store, ledger, now } = deps;
  const joinBase = () => deps.lanBase?.() ?? deps.info().lanUrls[0] ?? `http://127.0.0.1:${deps.info().port}`;

  const resourceOr404 = (id: string): Resource =>
    store.resource(id) ??
    (() => {
      throw notFound('resource', id);
    })();
  const eventOr404 = (id: string): KitEvent =>
    store.event(id) ??
    (() => {
      throw notFound('event', id);
    })();
  const attendeeOr404 = (id: string): StoredAttendee =>
    store.attendee(id) ??
    (() => {
      throw notFound('attendee', id);
    })();

  const today = (a: StoredAttendee) => {
    const event = store.event(a.eventId);
    return ledger.attendeeDay(a.id, event ? dayIn(now(), event.timeZone) : '');
  };
  const viewEvent = (e: KitEvent) => eventView(e, joinBase(), store.attendeesOf(e.id).length, now());
  const viewAttendee = (a: StoredAttendee) => attendeeView(a, today(a));

  function checkResourceIds(ids: string[]): void {
    for (const id of ids)
      if (!store.resource(id)) throw KitError.invalidFields({ resourceIds: `no resource with id "${id}".` });
  }
  function checkCodeFree(code: string, exceptId?: string): void {
    const other = store.eventByCode(code);
    if (other && other.id !== exceptId)
      throw new KitError('conflict', `Another event already uses the code "${code}".`);
  }
  function checkEndpoint(kind: Resource['kind'], endpoint: string | undefined): string {
    const builtin = kindOf(kind).builtinEndpoint;
    if (builtin) return builtin;
    if (!endpoint) throw KitError.invalidFields({ endpoint: `a ${kind} resource needs an endpoint URL.` });
    return endpoint;
  }

  return {
    'kit.info': async () => deps.info(),
    'kit.chooseAddress': async ({ address }) => {
      if (!deps.chooseAddress) throw new KitError('conflict', 'This kit listens on one address only.');
      deps.chooseAddress(address);
      return deps.info();
    },

    'resources.list': async () =>
      store.resources.map((r) => ({
        ...resourceView(r),
        health: deps.upstream.health.view(r.id, now()),
        ...(r.maxInFlight ? { load: deps.upstream.capacity.view(r.id) ?? { inFlight: 0, queued: 0 } } : {}),
      })),
    'resources.create': async ({ model, pricing, ...input }) => {
      const r: Resource = {
        ...input,
        ...(model ? { model } : {}),
        ...(pricing ? { pricing } : {}),
        endpoint: checkEndpoint(input.kind, input.endpoint),
        id: newId('res'),
        createdAt: new Date(now()).toISOString(),
      };
      await store.saveResource(r);
      return resourceView(r);
    },
    'resources.update': async ({ id, model, pricing, maxInFlight, ...patch }) => {
      const old = resourceOr404(id);
      const kind = patch.kind ?? old.kind;
      const next: Resource = {
        ...old,
        ...patch,
        kind,
        endpoint: checkEndpoint(kind, patch.endpoint ?? (kindOf(old.kind).builtinEndpoint ? undefined : old.endpoint)),
        auth: patch.auth ? mergeAuth(old.auth, patch.auth) : old.auth,
      };
      // null (or an emptied field) clears the model: the family is read from the deployment name again.
      if (model) next.model = model;
      else if (model !== undefined) delete next.model;
      if (pricing) next.pricing = pricing;
      else if (pricing === null) delete next.pricing;
      // null or 0 lifts the in-flight limit.
      if (maxInFlight) next.maxInFlight = maxInFlight;
      else if (maxInFlight !== undefined) delete next.maxInFlight;
      await store.saveResource(next);
      return resourceView(next);
    },
    'resources.remove': async ({ id }) => {
      resourceOr404(id);
      await store.removeResource(id);
      return { ok: true as const };
    },
    'resources.test': async ({ id }) => {
      const resource = resourceOr404(id);
      if (secretUnreadable(resource)) {
        // Its stored secret did not open at start: testing would send the sealed text upstream.
        return {
          ok: false,
          latencyMs: 0,
          message: 'Its stored secret cannot be opened: Edit it and enter the secret again.',
        };
      }
      const result = await testResource(deps.upstream, resource);
      // A failed test is news for the health column, but not a reason to pull the resource from rotation.
      deps.upstream.health.tested(id, result, now());
      return result;
    },

    'events.list': async ({ includeArchived }) =>
      store.events.filter((e) => includeArchived || !e.archivedAt).map(viewEvent),
    'events.create': async (input) => {
      checkResourceIds(input.resourceIds);
      let code = input.code;
      if (code) checkCodeFree(code);
      else
        do code = newEventCode();
        while (store.eventByCode(code));
      const e: KitEvent = { ...input, code, id: newId('evt'), createdAt: new Date(now()).toISOString() };
      await store.saveEvent(e);
      deps.eventsChanged?.();
      return viewEvent(e);
    },
    'events.update': async ({ id, ...patch }) => {
      const old = eventOr404(id);
      refuseArchived(old, 'changed');
      if (patch.resourceIds) checkResourceIds(patch.resourceIds);
      if (patch.code) checkCodeFree(patch.code, id);
      const next = { ...old, ...patch } as KitEvent & Record<string, unknown>;
      for (const k of clearableEventFields) if (next[k] === null) delete next[k];
      if (Date.parse(next.endsAt) <= Date.parse(next.startsAt)) {
        throw KitError.invalidFields({ endsAt: 'must be after startsAt.' });
      }
      await store.saveEvent(next);
      deps.eventsChanged?.();
      return viewEvent(next);
    },
    'events.remove': async ({ id }) => {
      eventOr404(id);
      await store.removeEvent(id);
      deps.eventsChanged?.();
      return { ok: true as const };
    },
    ...eventReuseHandlers({ store, now, view: viewEvent, eventOr404, checkCodeFree, changed: deps.eventsChanged }),

    'attendees.list': async ({ eventId }) => {
      const event = eventOr404(eventId);
      const day = dayIn(now(), event.timeZone);
      return store.attendeesOf(eventId).map((a) => attendeeView(a, ledger.attendeeDay(a.id, day)));
    },
    'attendees.issue': async ({ eventId, count }) =>
      issueKeys(store, refuseArchived(eventOr404(eventId), 'given new keys'), count, now(), joinBase()),
    'attendees.cards': async ({ eventId, count, paper }) => {
      const event = refuseArchived(eventOr404(eventId), 'given new keys');
      const keys = await issueKeys(store, event, count, now(), joinBase());
      const html = await keyCardsHtml({
        event,
        keys,
        paper,
        endpoint: `${joinBase()}/api/v1`,
        joinUrl: `${joinBase()}/join/${event.code}`,
      });
      return { html, keys, sheets: Math.ceil(keys.length / CARDS_PER_SHEET) };
    },
    'attendees.revoke': async ({ attendeeId }) => {
      attendeeOr404(attendeeId);
      return viewAttendee((await store.setRevoked(attendeeId, true)) ?? attendeeOr404(attendeeId));
    },
    'attendees.restore': async ({ attendeeId }) => {
      attendeeOr404(attendeeId);
      return viewAttendee((await store.setRevoked(attendeeId, false)) ?? attendeeOr404(attendeeId));
    },

    'attendees.update': async ({ attendeeId, limits }) => {
      attendeeOr404(attendeeId);
      return viewAttendee((await store.setAttendeeLimits(attendeeId, limits)) ?? attendeeOr404(attendeeId));
    },

    'usage.report': async ({ eventId, day }) => {
      const event = eventOr404(eventId);
      const theDay = day ?? dayIn(now(), event.timeZone);
      const { byAttendee, byDeployment } = ledger.eventDay(eventId, theDay);
      return {
        eventId,
        day: theDay,
        attendees: [...byAttendee].map(([attendeeId, row]) => ({
          attendeeId,
          name: store.attendee(attendeeId)?.name,
          ...row,
        })),
        deployments: [...byDeployment].map(([deployment, row]) => ({ deployment, ...row })),
      };
    },

    'reports.usage': async ({ eventId, from, to }) =>
      usageRangeReport(store, ledger, eventOr404(eventId), { from, to }, now()),

    'traffic.recent': async ({ limit }) => deps.feed.recent(limit ?? 200),

    ...backupHandlers({ store, ledger, now, kitVersion: () => deps.info().version, changed: deps.eventsChanged }),
  };
}
