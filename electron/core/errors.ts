/**
 * One error type with stable codes, and the one place that maps a code to an
 * HTTP status and renders `{"error":{"code","message"}}`, the shape the
 * OpenAI and Azure SDKs parse. Messages never carry key material.
 */
import type { ServerResponse } from 'node:http';

const statusByCode = {
  // attendee authentication and the event window
  missing_api_key: 401,
  invalid_api_key: 401,
  key_revoked: 401,
  conflicting_api_keys: 401,
  event_not_started: 403,
  event_ended: 403,
  event_disabled: 403,
  origin_not_allowed: 403,
  // limits
  daily_cap_reached: 429,
  token_budget_reached: 429,
  rate_limited: 429,
  max_tokens_exceeded: 400,
  // request shape
  invalid_json: 400,
  invalid_request: 400,
  body_too_large: 413,
  unsupported_media_type: 415,
  method_not_allowed: 405,
  route_not_found: 404,
  // routing and ownership
  deployment_not_found: 404,
  not_found: 404,
  name_taken: 409,
  // upstream
  upstream_unavailable: 502,
  upstream_timeout: 504,
  upstream_auth_failed: 502,
  // the kit's own disk cannot take a write (a full disk, a read-only mount): refused, never half-kept
  store_unavailable: 503,
  // registration
  event_not_found: 404,
  wrong_password: 403,
  password_required: 403,
  event_full: 409,
  registration_closed: 410,
  too_many_requests: 429,
  // admin
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  conflict: 409,
  internal_error: 500,
  // backups: each refusal changes nothing
  wrong_passphrase: 403,
  backup_damaged: 400,
  not_a_backup: 400,
  backup_too_new: 409,
  data_dir_in_use: 409,
} as const;

export type ErrorCode = keyof typeof statusByCode;

export class KitError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;
  /** For invalid input: the problem of each field, by field name, so a form shows it beside the field. */
  readonly fields: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, headers: Record<string, string> = {}, fields?: Record<string, string>) {
    super(message);
    this.name = 'KitError';
    this.code = code;
    this.status = statusByCode[code];
    this.headers = headers;
    this.fields = fields;
  }

  /** `invalid_input` about fields: the message reads "field: problem; …", and `fields` holds each problem. */
  static invalidFields(fields: Record<string, string>): KitError {
    const message = Object.entries(fields)
      .map(([field, problem]) => `${field}: ${problem}`)
      .join('; ');
    return new KitError('invalid_input', message, {}, fields);
  }
}

export const isKitError = (e: unknown): e is KitError => e instanceof KitError;

/** Anything thrown that is not a KitError is our bug: never echo its text (it may hold a URL with a key). */
export function toKitError(e: unknown): KitError {
  return isKitError(e) ? e : new KitError('internal_error', 'The kit hit an unexpected error; see the kit log.');
}

export function errorBody(e: KitError): string {
  return JSON.stringify({ error: { code: e.code, message: e.message, ...(e.fields ? { fields: e.fields } : {}) } });
}

export function sendError(res: ServerResponse, err: unknown): void {
  const e = toKitError(err);
  if (res.headersSent) {
    // Bytes already reached the client: the only honest signal left is a cut connection.
    res.destroy();
    return;
  }
  const body = errorBody(e);
  res.writeHead(e.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...e.headers,
  });
  res.end(body);
}
