/**
 * Records the organizer console and the kit agree on. These are the *views*
 * the admin API returns: secrets never appear in them (see `maskAuth`).
 */
import type { Preflight } from './preflight.js';

export type * from './preflight.js';

export const resourceKinds = [
  'azure-openai',
  'azure-inference',
  'azure-search',
  'foundry-agents',
  'mcp',
  'openai-compatible',
  'playground',
] as const;
export type ResourceKind = (typeof resourceKinds)[number];

export const entraModes = [
  'default',
  'azure-cli',
  'service-principal',
  'managed-identity',
  'workload-identity',
] as const;
export type EntraMode = (typeof entraModes)[number];

export type ResourceAuth =
  | { type: 'api-key'; key: string }
  | {
      type: 'entra';
      mode: EntraMode;
      tenantId?: string;
      clientId?: string;
      clientSecret?: string;
    }
  | { type: 'bearer'; token: string }
  | { type: 'none' };

/**
 * What the organizer pays for a resource's tokens, for the reports' estimated costs: per million
 * input (prompt) and output (completion) tokens, in a currency of their choice (ISO 4217: EUR, USD…).
 */
export interface ResourcePricing {
  inputPerMillion: number;
  outputPerMillion: number;
  currency: string;
}

export interface Resource {
  id: string;
  name: string;
  kind: ResourceKind;
  endpoint: string;
  /** The name attendees use: deployment, model, index or MCP server name. */
  deployment: string;
  /** The name upstream knows it by, when it differs (a model override). */
  upstreamDeployment?: string;
  /**
   * The model behind the deployment (e.g. `gpt-5-mini`), when its name does not say: the kit learns the
   * model family from it (reasoning models take `max_completion_tokens`, never `max_tokens`).
   */
  model?: string;
  apiVersion?: string;
  auth: ResourceAuth;
  weight?: number;
  /**
   * The most calls the kit sends this resource at once (its share of the upstream quota); further calls
   * wait their turn in a queue that serves attendees in rotation. Absent or 0: no limit.
   */
  maxInFlight?: number;
  enabled: boolean;
  /** Upstream object ids every attendee may use and none may delete (a pre-built agent). */
  sharedObjects?: string[];
  /** Token prices for estimated costs in the reports; absent: the resource's usage is not priced. */
  pricing?: ResourcePricing;
  createdAt: string;
}

/** An event's spending limit for the estimated costs: shown as progress on the Overview, never enforced. */
export interface CostBudget {
  amount: number;
  currency: string;
}

export interface KitEvent {
  id: string;
  name: string;
  description?: string;
  code: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  dailyRequestCap: number;
  maxTokenCap: number;
  /** Tokens per attendee per day; 0 or absent means no budget. */
  dailyTokenBudget?: number;
  /** Per attendee: metered calls per minute; 0 or absent means no limit. */
  requestsPerMinute?: number;
  /** Per attendee: tokens per minute (upstream usage); 0 or absent means no limit. */
  tokensPerMinute?: number;
  /** Per attendee: metered calls (and realtime sessions) in flight at once; 0 or absent means no limit. */
  concurrentRequests?: number;
  /** The longest a realtime session may stay open, in minutes; 0 or absent means no limit. */
  maxSessionMinutes?: number;
  /**
   * Requests per attendee per day on one deployment name, on top of the daily cap (`{"dall-e-3": 10}`);
   * a deployment not listed, or 0, has no cap of its own.
   */
  deploymentDailyCaps?: Record<string, number>;
  capacity?: number;
  joinPassword?: string;
  /** Enables Azure AI Proxy-style keys `<event code>@<shared code>/<email>`, usable without registering. */
  sharedCode?: string;
  /**
   * Web page origins (`http://localhost:5173`) whose scripts may call `/api/v1` with this event's keys
   * (CORS, for browser labs); absent or empty: any origin.
   */
  allowedOrigins?: string[];
  resourceIds: string[];
  enabled: boolean;
  /** Estimated-cost budget, in the currency of the event's resource prices. */
  costBudget?: CostBudget;
  /**
   * Set when the organizer archived the event (after it ended): its keys are dead, its join page is gone,
   * it leaves the default lists; its attendees, usage and reports stay.
   */
  archivedAt?: string;
  createdAt: string;
}

/** The limits an organizer may set for one attendee, in place of the event's. */
export const attendeeLimitNames = [
  'dailyRequestCap',
  'dailyTokenBudget',
  'requestsPerMinute',
  'tokensPerMinute',
  'concurrentRequests',
] as const;
export type AttendeeLimitName = (typeof attendeeLimitNames)[number];
/** One attendee's overrides of the event's limits; a limit not set follows the event, 0 means no limit. */
export type AttendeeLimits = Partial<Record<AttendeeLimitName, number>>;

export interface Attendee {
  id: string;
  eventId: string;
  name?: string;
  /** First characters of the key, enough for an organizer to tell keys apart. */
  keyHint: string;
  revoked: boolean;
  /** Pre-issued (printed card) keys are unclaimed until first registration on a device. */
  issued: boolean;
  /** The organizer's overrides of the event's limits for this attendee (the speaker's key, a team). */
  limits?: AttendeeLimits;
  createdAt: string;
}

export interface TrafficRecord {
  id: number;
  at: string;
  method: string;
  /** The route pattern and concrete path, never query strings (they may carry secrets). */
  route: string;
  path: string;
  status: number;
  durationMs: number;
  ttfbMs?: number;
  eventId?: string;
  attendeeId?: string;
  attendeeName?: string;
  deployment?: string;
  resourceId?: string;
  stream?: boolean;
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
  errorCode?: string;
  /**
   * Set on the records of a realtime (WebSocket) session: one when it opens, one per finished response
   * (its tokens, in the token fields above), one when it closes. Only the opening record is a request.
   */
  session?: RealtimeSessionInfo;
  /** Which kit instance served the call, when several share one database (their traffic is merged). */
  instance?: string;
}

export interface RealtimeSessionInfo {
  id: string;
  phase: 'open' | 'response' | 'closed';
  openedAt: string;
  /** The whole session's tokens so far. */
  totalTokens: number;
  /** Finished responses so far. */
  responses: number;
  /** How the session ended (WebSocket close code, and the reason the attendee read). */
  closeCode?: number;
  closeReason?: string;
}

export interface KitInfo {
  version: string;
  /** LAN base URLs, the one on the QR code first. */
  lanUrls: string[];
  port: number;
  adminPort: number;
  dataDir: string;
  /** Event-day readiness: disk, power, network, clock, resources, join-page devices, keep-awake, warnings. */
  preflight: Preflight;
  /** Set when the HTTPS LAN listener is on. */
  httpsPort?: number;
  lanHttpsUrls?: string[];
  /** The kit's local CA certificate file, for the organizer to hand out or install. */
  caFile?: string;
  /** Whether the kit can save, and what it recovered at start. */
  store: StoreStatus;
  /** Where the event store lives: the data dir's JSON file, or a PostgreSQL database shared by several kits. */
  storeDriver: StoreDriverInfo;
}

/** Why writes fail, in the terms an organizer can act on. */
export interface StoreDriverInfo {
  kind: 'json' | 'postgres';
  /** The file, or the database as `postgres://user@host:port/db` (never a password). */
  location: string;
}

export type StoreFailureCause = 'disk-full' | 'read-only' | 'permission' | 'busy' | 'io-error' | 'other';

/**
 * The store's health: `ok` while writes land; `failing` from the first write
 * that could not be saved until one succeeds again (registrations, admin
 * changes and ownership records are refused with 503 `store_unavailable`
 * meanwhile; proxied calls that need no write go on).
 */
export interface StoreStatus {
  state: 'ok' | 'failing';
  /** One sentence for the console banner and the log; empty when all is well and nothing was recovered. */
  message: string;
  /** When this state began (ISO). */
  since: string;
  cause?: StoreFailureCause;
  /** What the organizer can do about it, while failing. */
  action?: string;
  /** Set when the kit started from a snapshot because the store file was damaged. */
  recoveredFrom?: StoreRecovery;
  /** What else the kit found at start and did about it (a damaged admin token replaced, secrets to enter again). */
  notices?: string[];
}

export interface StoreRecovery {
  /** The snapshot file the kit started from, or null when none was good (an empty store). */
  snapshot: string | null;
  /** When that snapshot was saved (ISO). */
  savedAt?: string;
  /** Where the damaged store file was moved (never overwritten). */
  movedTo?: string;
  /** What was wrong with it. */
  problem: string;
  /** When the kit started from it (ISO). */
  at: string;
}

export interface ResourceTestResult {
  ok: boolean;
  latencyMs: number;
  status?: number;
  message: string;
}

export interface IssuedKey {
  attendeeId: string;
  apiKey: string;
  claimUrl: string;
}

export interface UsageRow {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  errors: number;
}

export interface UsageReport {
  eventId: string;
  day: string;
  attendees: Array<UsageRow & { attendeeId: string; name?: string }>;
  deployments: Array<UsageRow & { deployment: string }>;
}

/** A row of `reports.usage`: counts over the range, the first and last call in it, and the estimated cost. */
export interface ReportRow extends UsageRow {
  /** The first and last call counted in the range (ISO instants); null when none is known. */
  firstCallAt: string | null;
  lastCallAt: string | null;
  /** Estimated cost in the report's `currency`; absent when the report has no single currency. */
  cost?: number;
}

export interface AttendeeReportRow extends ReportRow {
  attendeeId: string;
  /** The name given at registration; null for unnamed attendees and unclaimed key cards. */
  name: string | null;
  keyHint: string;
  registeredAt: string;
  revoked: boolean;
}

export interface DeploymentReportRow extends ReportRow {
  deployment: string;
  /** The price the estimate used (per 1M tokens), when the deployment's resources have one. */
  price?: ResourcePricing;
  /** Resources behind this deployment have different prices: `price` is their average, by routing weight. */
  priceAveraged?: boolean;
}

export interface DayReportRow extends ReportRow {
  /** `YYYY-MM-DD` in the event's time zone. */
  day: string;
}

/**
 * What the report's costs rest on. All costs are estimates: token counts times the organizer's prices,
 * with no discounts (cached input, batch) and no conversion between currencies.
 */
export interface ReportCosts {
  /** The single currency of the event's priced resources; absent when none is priced or several are used. */
  currency?: string;
  /** Every currency the event's resource prices use; more than one means no totals (the kit never converts). */
  currencies: string[];
  /** Deployments with usage in the range and no price: their tokens are not in any cost. */
  unpriced: string[];
  /** The event's budget, when it has one. */
  budget?: CostBudget;
  /** Total cost ÷ budget (0.42 = 42 %), when the budget's currency is the report's. */
  budgetUsed?: number;
}

/** `reports.usage`: an event's usage over a range of its days, for the Reports screen and its exports. */
export interface UsageRangeReport {
  eventId: string;
  eventName: string;
  eventCode: string;
  timeZone: string;
  /** The range, `YYYY-MM-DD` in the event's zone, both days included. */
  from: string;
  to: string;
  /** The whole event's range (what `from`/`to` default to): the event's days and any day with usage. */
  eventFrom: string;
  eventTo: string;
  generatedAt: string;
  totals: ReportRow & { attendees: number; activeAttendees: number };
  attendees: AttendeeReportRow[];
  deployments: DeploymentReportRow[];
  days: DayReportRow[];
  costs: ReportCosts;
}

/** One event as a backup holds it, for the organizer to recognize before restoring. */
export interface BackupEventSummary {
  name: string;
  code: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  archived: boolean;
  attendees: number;
  requests: number;
  totalTokens: number;
}

/** What a backup holds (read after the passphrase opened it): shown before a restore replaces anything. */
export interface BackupSummary {
  createdAt: string;
  /** The kit version that wrote it. */
  kitVersion: string;
  /** The store schema it was written with (older ones are brought up to date on restore). */
  schemaVersion: number;
  counts: { resources: number; events: number; attendees: number; ownedObjects: number; usageCounters: number };
  events: BackupEventSummary[];
  resources: Array<{ name: string; kind: string; deployment: string }>;
  totals: { requests: number; totalTokens: number };
}

/** `backup.create`: the file to save (base64, as files travel to the shell) and what it holds. */
export interface BackupFile {
  name: string;
  base64: string;
  summary: BackupSummary;
}

/** `backup.restore`: what is now in the store. */
export interface RestoreResult {
  summary: BackupSummary;
  /** Where the store it replaced was kept (a path inside the data dir), when the store keeps one. */
  previousStore?: string;
  /** Resources whose secret the backup could not carry (it was unreadable where the backup was made). */
  secretsToEnter: string[];
}
