import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { KitError, sendError, toKitError } from '../../../electron/core/errors.js';

function fakeRes(headersSent = false) {
  const out = { status: 0, headers: {} as Record<string, unknown>, body: '', destroyed: false };
  const res = {
    headersSent,
    writeHead(status: number, headers: Record<string, unknown>) {
      out.status = status;
      out.headers = headers;
    },
    end(body: string) {
      out.body = body;
    },
    destroy() {
      out.destroyed = true;
    },
  } as unknown as ServerResponse;
  return { res, out };
}

describe('error rendering', () => {
  it.each([
    ['missing_api_key', 401],
    ['key_revoked', 401],
    ['event_not_started', 403],
    ['daily_cap_reached', 429],
    ['max_tokens_exceeded', 400],
    ['body_too_large', 413],
    ['deployment_not_found', 404],
    ['upstream_unavailable', 502],
    ['upstream_timeout', 504],
    ['name_taken', 409],
  ] as const)('%s → HTTP %i in the SDK error shape', (code, status) => {
    const { res, out } = fakeRes();
    sendError(res, new KitError(code, 'why'));
    expect(out.status).toBe(status);
    expect(JSON.parse(out.body)).toEqual({ error: { code, message: 'why' } });
    expect(out.headers['content-type']).toContain('application/json');
  });

  it('carries extra headers such as Retry-After', () => {
    const { res, out } = fakeRes();
    sendError(res, new KitError('daily_cap_reached', 'later', { 'retry-after': '60' }));
    expect(out.headers['retry-after']).toBe('60');
  });

  it('never echoes the text of an unexpected error (it may hold a URL with a key)', () => {
    const e = toKitError(new Error('connect to https://x.openai.azure.com?key=SECRET failed'));
    expect(e.code).toBe('internal_error');
    expect(e.status).toBe(500);
    expect(e.message).not.toContain('SECRET');
  });

  it('cuts the connection when the response has already started', () => {
    const { res, out } = fakeRes(true);
    sendError(res, new KitError('upstream_timeout', 'late'));
    expect(out.destroyed).toBe(true);
    expect(out.body).toBe('');
  });
});
