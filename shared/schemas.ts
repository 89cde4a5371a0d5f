/**
 * Input schemas for the admin contract. They live beside the contract so the
 * HTTP binding, the IPC binding and the console's forms validate alike.
 */
import { z } from 'zod';
import { MAX_OPEN_BYTES } from './shell-api.js';
import { attendeeLimitNames, entraModes, resourceKinds } from './types.js';

/** Shown in place of a stored secret; sending it back means "keep the stored one". */
export const SECRET_MASK = '••••••••';

const id = z.string().min(1).max(100);
const name = z.string().trim().min(1).max(120);

export const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const timeZone = z.string().refine(isTimeZone, { message: 'not an IANA time zone (e.g. Europe/Paris)' });
const instant = z.iso.datetime({ offset: true });
const wholeCount = z.number().int().min(0).max(1_000_000_000);
/** A calendar day, `YYYY-MM-DD`, that exists. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date');

/** `http(s)://host[:port]` and nothing more: what a browser sends as `Origin`. Stored as the URL parser writes it. */
const webOrigin = z
  .string()
  .trim()
  .max(300)
  .refine((s) => {
    try {
      const u = new URL(s);
      const bare = u.pathname === '/' && !u.search && !u.hash && !u.username;
      return (u.protocol === 'http:' || u.protocol === 'https:') && bare;
    } catch {
      return false;
    }
  }, 'an origin such as http://localhost:5173 (scheme, host and port; no path)')
  .transform((s) => new URL(s).origin);

export const resourceAuthSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('api-key'), key: z.string().min(1).max(4096) }),
  z.object({
    type: z.literal('entra'),
    mode: z.enum(entraModes),
    tenantId: z.string().max(200).optional(),
    clientId: z.string().max(200).optional(),
    clientSecret: z.string().max(4096).optional(),
  }),
  z.object({ type: z.literal('bearer'), token: z.string().min(1).max(16384) }),
  z.object({ type: z.literal('none') }),
]);

const endpoint = z
  .string()
  .trim()
  .max(2048)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

/** ISO 4217 codes are three letters (EUR, USD, GBP); lower case is accepted and stored upper case. */
const currency = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, 'a three-letter currency code such as EUR or USD')
  .transform((s) => s.toUpperCase());
const price = z.number().min(0).max(1_000_000);

export const pricingSchema = z.object({ inputPerMillion: price, outputPerMillion: price, currency }).strict();
export const costBudgetSchema = z.object({ amount: z.number().positive().max(1_000_000_000), currency }).strict();

/** The name attendees use for a deployment (or model, index, MCP server). */
const deploymentName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, dot, dash, colon or underscore');

/** Deployment name → requests per attendee per day (0 = no cap of its own). */
const deploymentDailyCaps = z
  .record(deploymentName, wholeCount)
  .refine((caps) => Object.keys(caps).length <= 200, 'at most 200 deployments');

const resourceFields = {
  name,
  kind: z.enum(resourceKinds),
  endpoint: endpoint.optional(),
  deployment: deploymentName,
  upstreamDeployment: z.string().trim().max(200).optional(),
  model: z
    .string()
    .trim()
    .max(200)
    .regex(/^[A-Za-z0-9._:/-]*$/, 'a model name such as gpt-5-mini')
    .optional(),
  apiVersion: z.string().trim().max(64).optional(),
  auth: resourceAuthSchema,
  weight: z.number().int().min(1).max(1000).optional(),
  maxInFlight: z.number().int().min(0).max(10_000).optional(),
  enabled: z.boolean(),
  sharedObjects: z.array(z.string().max(200)).max(100).optional(),
  pricing: pricingSchema.optional(),
};

export const resourceCreateSchema = z.object(resourceFields).strict();
/** On update, `null` clears the model (the kit reads the family from the deployment name again), the price or the in-flight limit. */
export const resourceUpdateSchema = z
  .object({
    id,
    ...resourceFields,
    model: resourceFields.model.unwrap().nullable(),
    pricing: pricingSchema.nullable(),
    maxInFlight: resourceFields.maxInFlight.unwrap().nullable(),
  })
  .partial()
  .required({ id: true })
  .strict();

const eventFields = {
  name,
  description: z.string().max(4000).optional(),
  code: z
    .string()
    .trim()
    .min(3)
    .max(32)
    .regex(/^[A-Za-z0-9-]+$/, 'letters, digits and dashes'),
  startsAt: instant,
  endsAt: instant,
  timeZone,
  dailyRequestCap: wholeCount,
  maxTokenCap: wholeCount,
  dailyTokenBudget: wholeCount.optional(),
  requestsPerMinute: wholeCount.optional(),
  tokensPerMinute: wholeCount.optional(),
  concurrentRequests: wholeCount.optional(),
  maxSessionMinutes: wholeCount.optional(),
  deploymentDailyCaps: deploymentDailyCaps.optional(),
  capacity: z.number().int().min(1).max(100_000).optional(),
  joinPassword: z.string().max(200).optional(),
  sharedCode: z
    .string()
    .trim()
    .min(4)
    .max(64)
    .regex(/^[A-Za-z0-9_.~-]+$/, 'letters, digits and . _ ~ -')
    .optional(),
  resourceIds: z.array(id).max(200),
  enabled: z.boolean(),
  allowedOrigins: z.array(webOrigin).max(50).optional(),
  costBudget: costBudgetSchema.optional(),
};

export const eventCreateSchema = z
  .object({ ...eventFields, code: eventFields.code.optional() })
  .strict()
  .refine((e) => Date.parse(e.endsAt) > Date.parse(e.startsAt), {
    message: 'endsAt must be after startsAt',
    path: ['endsAt'],
  });
/** On update, `null` clears an optional setting (no capacity, no password, no shared code any more). */
export const eventUpdateSchema = z
  .object({
    id,
    ...eventFields,
    description: eventFields.description.unwrap().nullable(),
    dailyTokenBudget: eventFields.dailyTokenBudget.unwrap().nullable(),
    requestsPerMinute: eventFields.requestsPerMinute.unwrap().nullable(),
    tokensPerMinute: eventFields.tokensPerMinute.unwrap().nullable(),
    concurrentRequests: eventFields.concurrentRequests.unwrap().nullable(),
    maxSessionMinutes: eventFields.maxSessionMinutes.unwrap().nullable(),
    deploymentDailyCaps: eventFields.deploymentDailyCaps.unwrap().nullable(),
    capacity: eventFields.capacity.unwrap().nullable(),
    joinPassword: eventFields.joinPassword.unwrap().nullable(),
    sharedCode: eventFields.sharedCode.unwrap().nullable(),
    allowedOrigins: eventFields.allowedOrigins.unwrap().nullable(),
    costBudget: eventFields.costBudget.unwrap().nullable(),
  })
  .partial()
  .required({ id: true })
  .strict();

/** The optional event settings an update may clear with `null`. */
export const clearableEventFields = [
  'description',
  'dailyTokenBudget',
  'requestsPerMinute',
  'tokensPerMinute',
  'concurrentRequests',
  'maxSessionMinutes',
  'deploymentDailyCaps',
  'capacity',
  'joinPassword',
  'sharedCode',
  'allowedOrigins',
  'costBudget',
] as const;

/**
 * One attendee's overrides: a number replaces the event's limit (0 = no limit for them), `null` clears
 * the override (the event's limit applies again), a limit left out is kept as it is.
 */
export const attendeeLimitsPatchSchema = z
  .object(
    Object.fromEntries(attendeeLimitNames.map((n) => [n, wholeCount.nullable().optional()])) as {
      [K in (typeof attendeeLimitNames)[number]]: z.ZodOptional<z.ZodNullable<typeof wholeCount>>;
    },
  )
  .strict();

/** The shortest passphrase a backup is sealed with (the console's form and the CLI say the same). */
export const MIN_BACKUP_PASSPHRASE = 10;
const passphrase = z.string().max(1024);
/** A backup file's bytes, base64 (as files travel between the console, the shell and the kit). */
const backupFile = z
  .string()
  .min(1, 'choose a backup file')
  .max(Math.ceil((MAX_OPEN_BYTES * 4) / 3) + 4, 'the file is too large to be a backup')
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

export const schemas = {
  empty: z.object({}).strict(),
  /** An IPv4 or IPv6 address of this machine; null goes back to the kit's own pick. */
  address: z.object({ address: z.string().trim().min(1).max(64).nullable() }).strict(),
  byId: z.object({ id }).strict(),
  byEvent: z.object({ eventId: id }).strict(),
  byAttendee: z.object({ attendeeId: id }).strict(),
  attendeeUpdate: z.object({ attendeeId: id, limits: attendeeLimitsPatchSchema }).strict(),
  issue: z.object({ eventId: id, count: z.number().int().min(1).max(500) }).strict(),
  cards: z
    .object({ eventId: id, count: z.number().int().min(1).max(500), paper: z.enum(['a4', 'letter']).default('a4') })
    .strict(),
  usage: z
    .object({
      eventId: id,
      day: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .optional(),
    })
    .strict(),
  traffic: z.object({ limit: z.number().int().min(1).max(5000).optional() }).strict(),
  /** Archived events are left out unless asked for. */
  eventList: z.object({ includeArchived: z.boolean().optional() }).strict(),
  /** Dates in the event's time zone, both included; absent: the whole event. */
  reportRange: z
    .object({ eventId: id, from: day.optional(), to: day.optional() })
    .strict()
    .refine((r) => !r.from || !r.to || r.from <= r.to, { message: 'from must not be after to', path: ['from'] }),
  duplicate: z
    .object({
      id,
      name: name.optional(),
      code: eventFields.code.optional(),
      startsAt: instant,
      endsAt: instant,
    })
    .strict()
    .refine((e) => Date.parse(e.endsAt) > Date.parse(e.startsAt), {
      message: 'endsAt must be after startsAt',
      path: ['endsAt'],
    }),
  backupCreate: z
    .object({
      passphrase: passphrase.refine((p) => [...p].length >= MIN_BACKUP_PASSPHRASE, {
        message: `use at least ${MIN_BACKUP_PASSPHRASE} characters`,
      }),
    })
    .strict(),
  backupOpen: z.object({ file: backupFile, passphrase: passphrase.min(1, 'enter the passphrase') }).strict(),
};
