/**
 * Self-registration: `POST /join/<code>` turns a visitor into an attendee with
 * a fresh key. Attendees may register before the event starts (the key works
 * only inside the window); after the end the door is closed (410). The new
 * attendee is on disk before the 201 leaves.
 *
 * Registration is idempotent per device: the browser carries a random device
 * token (an HttpOnly cookie), only its hash is stored, and a second
 * registration from the same device keeps the same attendee (same seat, same
 * usage) and hands out a fresh key for it: the kit never keeps keys, so it
 * cannot show the old one again, and the old one stops working.
 */

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KitEvent } from '../../../shared/types.js';
import { hashKey, keyHint, newApiKey, newId } from '../auth/keys.js';
import { describeInstant } from '../auth/time-window.js';
import { KitError } from '../errors.js';
import { readBody } from '../proxy/call.js';
import type { KitStore } from '../store/store.js';

export interface RegistrationAnswer {
  apiKey: string;
  /** False when this device had registered before and got a fresh key for the same seat. */
  created: boolean;
  name?: string;
  endpoint: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  deployments: Array<{ name: string; kind: string }>;
  dailyRequestCap: number;
  maxTokenCap: number;
}

const samePassword = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function eventDeployments(store: KitStore, event: KitEvent): Array<{ name: string; kind: string }> {
  const seen = new Map<string, string>();
  for (const r of store.resourcesOf(event)) if (!seen.has(r.deployment)) seen.set(r.deployment, r.kind);
  return [...seen].map(([name, kind]) => ({ name, kind }));
}

/** The event a join page shows: it exists and is enabled (an ended one still shows, saying so). */
export function visibleEvent(store: KitStore, code: string): KitEvent {
  const event = store.eventByCode(code);
  if (!event)
    throw new KitError('event_not_found', `There is no event with the code "${code}". Check the code on the screen.`);
  if (!event.enabled) throw new KitError('event_disabled', 'This event is not open for registration.');
  return event;
}

/** The event one can still register for. */
export function openEvent(store: KitStore, code: string, now: number): KitEvent {
  const event = visibleEvent(store, code);
  if (now >= Date.parse(event.endsAt)) {
    throw new KitError('registration_closed', `This event ended at ${describeInstant(event.endsAt, event.timeZone)}.`);
  }
  return event;
}

export const DEVICE_COOKIE = 'kit_device';

export function newDeviceToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The device token from the Cookie header, when it looks like one we made. */
export function deviceTokenOf(cookieHeader: string | undefined): string | undefined {
  const m = new RegExp(`(?:^|;\\s*)${DEVICE_COOKIE}=([A-Za-z0-9_-]{32})(?:;|$)`).exec(cookieHeader ?? '');
  return m?.[1];
}

export function deviceCookie(token: string): string {
  return `${DEVICE_COOKIE}=${token}; Path=/join; Max-Age=${30 * 86400}; HttpOnly; SameSite=Strict`;
}

export async function register(
  store: KitStore,
  code: string,
  input: { name?: unknown; password?: unknown },
  endpoint: string,
  now: number,
  deviceToken?: string,
): Promise<RegistrationAnswer> {
  const event = openEvent(store, code, now);
  if (event.joinPassword && !samePassword(String(input.password ?? ''), event.joinPassword)) {
    throw new KitError(
      input.password ? 'wrong_password' : 'password_required',
      input.password
        ? 'The join password is not right. Ask the organizer for it.'
        : 'This event needs a join password. Ask the organizer for it.',
    );
  }
  const name = typeof input.name === 'string' ? input.name.trim().slice(0, 80) || undefined : undefined;
  const apiKey = newApiKey();
  const deviceHash = deviceToken ? hashKey(`device:${deviceToken}`) : undefined;
  const seat = await store.mutate((d) => {
    const mine = deviceHash && d.attendees.find((a) => a.eventId === event.id && a.deviceHash === deviceHash);
    if (mine) {
      if (mine.revoked) throw new KitError('key_revoked', 'The organizer revoked the key of this device.');
      mine.keyHash = hashKey(apiKey);
      mine.keyHint = keyHint(apiKey);
      if (name) mine.name = name;
      return { created: false, name: mine.name };
    }
    // Checked inside the mutation so two last-seat registrations cannot both get in.
    if (event.capacity && d.attendees.filter((a) => a.eventId === event.id).length >= event.capacity) {
      throw new KitError('event_full', `This event is full (${event.capacity} attendees). Ask the organizer.`);
    }
    d.attendees.push({
      id: newId('att'),
      eventId: event.id,
      ...(name ? { name } : {}),
      keyHash: hashKey(apiKey),
      keyHint: keyHint(apiKey),
      revoked: false,
      issued: false,
      ...(deviceHash ? { deviceHash } : {}),
      createdAt: new Date(now).toISOString(),
    });
    return { created: true, name };
  });
  return {
    apiKey,
    created: seat.created,
    ...(seat.name ? { name: seat.name } : {}),
    endpoint,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    timeZone: event.timeZone,
    deployments: eventDeployments(store, event),
    dailyRequestCap: event.dailyRequestCap,
    maxTokenCap: event.maxTokenCap,
  };
}

/** The registration body: JSON or a plain HTML form post. */
export async function readRegistration(req: IncomingMessage): Promise<{ name?: unknown; password?: unknown }> {
  const buf = await readBody(req, 16 * 1024);
  if (buf.length === 0) return {};
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(buf.toString('utf8')));
  try {
    const v = JSON.parse(buf.toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch {
    // fall through
  }
  throw new KitError('invalid_json', 'The registration body must be a JSON object like {"name":"Ada"}.');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}
