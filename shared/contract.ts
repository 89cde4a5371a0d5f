/**
 * The admin contract: every method the organizer console can call, with its
 * input schema and its output type. The loopback HTTP binding, the Electron
 * IPC binding and the renderer's client are all derived from this one table,
 * so a new admin feature is one entry here plus one handler in the service.
 */
import type { z } from 'zod';
import type { MethodName as ListedName, StreamName } from './methods.js';
import {
  eventCreateSchema,
  eventUpdateSchema,
  resourceCreateSchema,
  resourceUpdateSchema,
  schemas,
} from './schemas.js';
import type {
  Attendee,
  BackupFile,
  BackupSummary,
  IssuedKey,
  KitEvent,
  KitInfo,
  Resource,
  ResourceTestResult,
  RestoreResult,
  TrafficRecord,
  UsageRangeReport,
  UsageReport,
} from './types.js';

export interface ResourceHealth {
  resourceId: string;
  state: 'healthy' | 'cooling-down' | 'failing' | 'unknown';
  lastError?: string;
  lastErrorAt?: string;
  coolDownUntil?: string;
  /** The organizer's last "Test connection", since the kit started. */
  lastTest?: { ok: boolean; at: string; message: string; latencyMs: number };
}

/** `secretUnreadable`: the kit could not open this resource's stored secret (its secret key was lost); enter it again. */
/** `load`: on a resource with `maxInFlight`, its calls in flight upstream and waiting in its queue right now. */
export type ResourceView = Resource & {
  health?: ResourceHealth;
  secretUnreadable?: boolean;
  load?: { inFlight: number; queued: number };
};
export type EventView = KitEvent & { joinUrl: string; attendeeCount: number; live: boolean };
export type AttendeeView = Attendee & { requestsToday: number; tokensToday: number };

/** `output` is a type carrier only: it is never read at run time. */
const method = <I extends z.ZodType, O>(input: I) => ({ input, output: undefined as unknown as O });

export const contract = {
  'kit.info': method<typeof schemas.empty, KitInfo>(schemas.empty),
  /** Puts one of the machine's addresses on the QR code, join links and key cards (in memory, for this run). */
  'kit.chooseAddress': method<typeof schemas.address, KitInfo>(schemas.address),
  'resources.list': method<typeof schemas.empty, ResourceView[]>(schemas.empty),
  'resources.create': method<typeof resourceCreateSchema, ResourceView>(resourceCreateSchema),
  'resources.update': method<typeof resourceUpdateSchema, ResourceView>(resourceUpdateSchema),
  'resources.remove': method<typeof schemas.byId, { ok: true }>(schemas.byId),
  'resources.test': method<typeof schemas.byId, ResourceTestResult>(schemas.byId),
  'events.list': method<typeof schemas.eventList, EventView[]>(schemas.eventList),
  'events.create': method<typeof eventCreateSchema, EventView>(eventCreateSchema),
  'events.update': method<typeof eventUpdateSchema, EventView>(eventUpdateSchema),
  'events.remove': method<typeof schemas.byId, { ok: true }>(schemas.byId),
  /** A new event with the settings of another (resources, limits, options), new dates and code, nobody in it. */
  'events.duplicate': method<typeof schemas.duplicate, EventView>(schemas.duplicate),
  /** An ended event leaves the default lists; its keys are dead; its attendees, usage and reports stay. */
  'events.archive': method<typeof schemas.byId, EventView>(schemas.byId),
  'events.unarchive': method<typeof schemas.byId, EventView>(schemas.byId),
  'attendees.list': method<typeof schemas.byEvent, AttendeeView[]>(schemas.byEvent),
  'attendees.issue': method<typeof schemas.issue, IssuedKey[]>(schemas.issue),
  /** Issues `count` keys and returns a printable page of key cards (A4 or Letter, 8 a sheet); keys shown once. */
  'attendees.cards': method<typeof schemas.cards, { html: string; keys: IssuedKey[]; sheets: number }>(schemas.cards),
  'attendees.revoke': method<typeof schemas.byAttendee, AttendeeView>(schemas.byAttendee),
  'attendees.restore': method<typeof schemas.byAttendee, AttendeeView>(schemas.byAttendee),
  /** Sets (a number; 0 = no limit) or clears (`null`) one attendee's overrides of the event's limits. */
  'attendees.update': method<typeof schemas.attendeeUpdate, AttendeeView>(schemas.attendeeUpdate),
  'usage.report': method<typeof schemas.usage, UsageReport>(schemas.usage),
  /** The whole event (or a range of its days): per attendee, deployment and day, with estimated costs. */
  'reports.usage': method<typeof schemas.reportRange, UsageRangeReport>(schemas.reportRange),
  'traffic.recent': method<typeof schemas.traffic, TrafficRecord[]>(schemas.traffic),
  /** Everything the store holds as one file, upstream secrets and all sealed under the organizer's passphrase. */
  'backup.create': method<typeof schemas.backupCreate, BackupFile>(schemas.backupCreate),
  /** What a backup holds (after its passphrase), changing nothing. */
  'backup.inspect': method<typeof schemas.backupOpen, BackupSummary>(schemas.backupOpen),
  /** Replaces everything with the backup's contents; the store it replaced is kept beside the snapshots. */
  'backup.restore': method<typeof schemas.backupOpen, RestoreResult>(schemas.backupOpen),
  // `satisfies` makes a method missing from, or extra to, `methods.ts` a compile error.
} as const satisfies Record<ListedName, { input: z.ZodType; output: unknown }>;

/** What each live stream (`methods.ts`) carries: the traffic feed sends records in batches. */
export interface StreamPayloads extends Record<StreamName, unknown> {
  'traffic.subscribe': TrafficRecord[];
}

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type Input<M extends MethodName> = z.input<Contract[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type Output<M extends MethodName> = Contract[M]['output'];
