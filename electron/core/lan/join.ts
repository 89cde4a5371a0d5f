/**
 * The HTTP side of `POST /join/<code>`: the registration body (JSON or a
 * plain form post), the device token that makes registration idempotent per
 * browser (an HttpOnly cookie; see `registration/register.ts` for the rules).
 */

import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { KitError } from '../errors.js';
import { readBody } from '../http/read-body.js';

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
