/**
 * The admin service: one handler per contract method. Bindings (loopback
 * HTTP, Electron IPC) validate the input against the contract's schema and
 * then call `handlers[method](parsed)`; nothing here knows about transports.
 */
import type { MethodName, Output, ParsedInput } from '../../../shared/contract.js';
import { clearableEventFields } from '../../../shared/schemas.js';
import type { IssuedKey, KitEvent, KitInfo, Resource } from '../../../shared/types.js';
import { hashKey, keyHint, newApiKey, newEventCode, newId } from '../auth/keys.js';
import { dayIn } from '../auth/time-window.js';
import { KitError } from '../errors.js';
import { CARDS_PER_SHEET, keyCardsHtml } from '../lan/key-cards.js';
import type { Upstream } from '../proxy/upstream/upstream.js';
import type { StoredAttendee } from '../store/schema.js';
import type { KitStore } from '../store/store.js';
import type { TrafficFeed } from '../traffic/feed.js';
import { testResource } from './resource-test.js';
import { attendeeView, eventView, mergeAuth, resourceView } from './views.js';

export interface AdminDeps {
  store: KitStore;
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
  const { store, now } = deps;
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

  const usageToday = (event: KitEvent) => {
    const day = dayIn(now(), event.timeZone);
    return store.data.usage.filter((u) => u.eventId === event.id && u.day === day);
  };
  const viewEvent = (e: KitEvent) => eventView(e, joinBase(), store.attendeesOf(e.id).length, now());
  const viewAttendee = (a: StoredAttendee) => {
    const event = store.event(a.eventId);
    return attendeeView(a, event ? usageToday(event) : []);
  };

  function checkResourceIds(ids: string[]): void {
    for (const id of ids)
      if (!store.resource(id)) throw new KitError('invalid_input', `resourceIds: no resource with id "${id}".`);
  }
  function checkCodeFree(code: string, exceptId?: string): void {
    const other = store.eventByCode(code);
    if (other && other.id !== exceptId)
      throw new KitError('conflict', `Another event already uses the code "${code}".`);
  }
  function checkEndpoint(kind: Resource['kind'], endpoint: string | undefined): string {
    if (kind === 'playground') return 'builtin:playground';
    if (!endpoint) throw new KitError('invalid_input', `endpoint: a ${kind} resource needs an endpoint URL.`);
    return endpoint;
  }

  async function issueKeys(event: KitEvent, count: number): Promise<IssuedKey[]> {
    const createdAt = new Date(now()).toISOString();
    const keys = Array.from({ length: count }, () => ({ id: newId('att'), apiKey: newApiKey() }));
    await store.mutate((d) => {
      for (const k of keys) {
        d.attendees.push({
          id: k.id,
          eventId: event.id,
          keyHash: hashKey(k.apiKey),
          keyHint: keyHint(k.apiKey),
          revoked: false,
          issued: true,
          createdAt,
        });
      }
    });
    // The key rides in the URL fragment, which browsers never send to a server (or its logs).
    return keys.map((k) => ({
      attendeeId: k.id,
      apiKey: k.apiKey,
      claimUrl: `${joinBase()}/join/${event.code}#key=${encodeURIComponent(k.apiKey)}`,
    }));
  }

  return {
    'kit.info': async () => deps.info(),
    'kit.chooseAddress': async ({ address }) => {
      if (!deps.chooseAddress) throw new KitError('conflict', 'This kit listens on one address only.');
      deps.chooseAddress(address);
      return deps.info();
    },

    'resources.list': async () =>
      store.data.resources.map((r) => ({ ...resourceView(r), health: deps.upstream.health.view(r.id, now()) })),
    'resources.create': async ({ model, ...input }) => {
      const r: Resource = {
        ...input,
        ...(model ? { model } : {}),
        endpoint: checkEndpoint(input.kind, input.endpoint),
        id: newId('res'),
        createdAt: new Date(now()).toISOString(),
      };
      await store.mutate((d) => void d.resources.push(r));
      return resourceView(r);
    },
    'resources.update': async ({ id, model, ...patch }) => {
      const old = resourceOr404(id);
      const kind = patch.kind ?? old.kind;
      const next: Resource = {
        ...old,
        ...patch,
        kind,
        endpoint: checkEndpoint(kind, patch.endpoint ?? (old.kind === 'playground' ? undefined : old.endpoint)),
        auth: patch.auth ? mergeAuth(old.auth, patch.auth) : old.auth,
      };
      // null (or an emptied field) clears the model: the family is read from the deployment name again.
      if (model) next.model = model;
      else if (model !== undefined) delete next.model;
      await store.mutate((d) => {
        d.resources = d.resources.map((r) => (r.id === id ? next : r));
      });
      return resourceView(next);
    },
    'resources.remove': async ({ id }) => {
      resourceOr404(id);
      await store.mutate((d) => {
        d.resources = d.resources.filter((r) => r.id !== id);
        for (const e of d.events) e.resourceIds = e.resourceIds.filter((x) => x !== id);
      });
      return { ok: true as const };
    },
    'resources.test': async ({ id }) => {
      const result = await testResource(deps.upstream, resourceOr404(id));
      // A failed test is news for the health column, but not a reason to pull the resource from rotation.
      deps.upstream.health.tested(id, result, now());
      return result;
    },

    'events.list': async () => store.data.events.map(viewEvent),
    'events.create': async (input) => {
      checkResourceIds(input.resourceIds);
      let code = input.code;
      if (code) checkCodeFree(code);
      else
        do code = newEventCode();
        while (store.eventByCode(code));
      const e: KitEvent = { ...input, code, id: newId('evt'), createdAt: new Date(now()).toISOString() };
      await store.mutate((d) => void d.events.push(e));
      deps.eventsChanged?.();
      return viewEvent(e);
    },
    'events.update': async ({ id, ...patch }) => {
      const old = eventOr404(id);
      if (patch.resourceIds) checkResourceIds(patch.resourceIds);
      if (patch.code) checkCodeFree(patch.code, id);
      const next = { ...old, ...patch } as KitEvent & Record<string, unknown>;
      for (const k of clearableEventFields) if (next[k] === null) delete next[k];
      if (Date.parse(next.endsAt) <= Date.parse(next.startsAt)) {
        throw new KitError('invalid_input', 'endsAt: must be after startsAt.');
      }
      await store.mutate((d) => {
        d.events = d.events.map((e) => (e.id === id ? next : e));
      });
      deps.eventsChanged?.();
      return viewEvent(next);
    },
    'events.remove': async ({ id }) => {
      eventOr404(id);
      await store.mutate((d) => {
        d.events = d.events.filter((e) => e.id !== id);
        d.attendees = d.attendees.filter((a) => a.eventId !== id);
      });
      deps.eventsChanged?.();
      return { ok: true as const };
    },

    'attendees.list': async ({ eventId }) => {
      const event = eventOr404(eventId);
      const today = usageToday(event);
      return store.attendeesOf(eventId).map((a) => attendeeView(a, today));
    },
    'attendees.issue': async ({ eventId, count }) => issueKeys(eventOr404(eventId), count),
    'attendees.cards': async ({ eventId, count, paper }) => {
      const event = eventOr404(eventId);
      const keys = await issueKeys(event, count);
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
      await store.mutate((d) => {
        for (const a of d.attendees) if (a.id === attendeeId) a.revoked = true;
      });
      return viewAttendee(attendeeOr404(attendeeId));
    },
    'attendees.restore': async ({ attendeeId }) => {
      attendeeOr404(attendeeId);
      await store.mutate((d) => {
        for (const a of d.attendees) if (a.id === attendeeId) a.revoked = false;
      });
      return viewAttendee(attendeeOr404(attendeeId));
    },

    'usage.report': async ({ eventId, day }) => {
      const event = eventOr404(eventId);
      const theDay = day ?? dayIn(now(), event.timeZone);
      const rows = store.data.usage.filter((u) => u.eventId === eventId && u.day === theDay);
      const zero = () => ({ requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, errors: 0 });
      const byAttendee = new Map<string, ReturnType<typeof zero>>();
      const byDeployment = new Map<string, ReturnType<typeof zero>>();
      for (const u of rows) {
        for (const [map, key] of [
          [byAttendee, u.attendeeId],
          [byDeployment, u.deployment],
        ] as const) {
          const acc = map.get(key) ?? zero();
          acc.requests += u.requests;
          acc.promptTokens += u.promptTokens;
          acc.completionTokens += u.completionTokens;
          acc.totalTokens += u.totalTokens;
          acc.errors += u.errors;
          map.set(key, acc);
        }
      }
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

    'traffic.recent': async ({ limit }) => deps.feed.recent(limit ?? 200),
  };
}
