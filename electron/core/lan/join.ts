/**
 * Self-registration: `POST /join/<code>` turns a visitor into an attendee with
 * a fresh key. Attendees may register before the event starts (the key works
 * only inside the window); after the end the door is closed (410). The new
 * attendee is on disk before the 201 leaves.
 */

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KitEvent } from '../../../shared/types.js';
import { hashKey, keyHint, newApiKey, newId } from '../auth/keys.js';
import { describeInstant } from '../auth/time-window.js';
import { KitError } from '../errors.js';
import { readBody } from '../proxy/call.js';
import type { KitStore } from '../store/store.js';

export interface RegistrationAnswer {
  apiKey: string;
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

export function openEvent(store: KitStore, code: string, now: number): KitEvent {
  const event = store.eventByCode(code);
  if (!event)
    throw new KitError('event_not_found', `There is no event with the code "${code}". Check the code on the screen.`);
  if (!event.enabled) throw new KitError('event_disabled', 'This event is not open for registration.');
  if (now >= Date.parse(event.endsAt)) {
    throw new KitError('registration_closed', `This event ended at ${describeInstant(event.endsAt, event.timeZone)}.`);
  }
  return event;
}

export async function register(
  store: KitStore,
  code: string,
  input: { name?: unknown; password?: unknown },
  endpoint: string,
  now: number,
): Promise<RegistrationAnswer> {
  const event = openEvent(store, code, now);
  if (event.joinPassword && !samePassword(String(input.password ?? ''), event.joinPassword)) {
    throw new KitError('wrong_password', 'The join password is not right. Ask the organizer for it.');
  }
  const name = typeof input.name === 'string' ? input.name.trim().slice(0, 80) || undefined : undefined;
  const apiKey = newApiKey();
  await store.mutate((d) => {
    // Checked inside the mutation so two last-seat registrations cannot both get in.
    if (event.capacity && d.attendees.filter((a) => a.eventId === event.id).length >= event.capacity) {
      throw new KitError('event_full', `This event is full (${event.capacity} attendees).`);
    }
    d.attendees.push({
      id: newId('att'),
      eventId: event.id,
      ...(name ? { name } : {}),
      keyHash: hashKey(apiKey),
      keyHint: keyHint(apiKey),
      revoked: false,
      issued: false,
      createdAt: new Date(now).toISOString(),
    });
  });
  return {
    apiKey,
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
