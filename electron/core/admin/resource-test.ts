/**
 * "Test connection": the smallest real call each kind of upstream accepts
 * (its descriptor's probe), with the resource's own credential, reporting
 * latency or the upstream's error in words an organizer can act on (never
 * the credential itself).
 */
import { kindOf } from '../../../shared/resource-kinds/table.js';
import type { Resource, ResourceTestResult } from '../../../shared/types.js';
import type { Upstream } from '../proxy/upstream/upstream.js';

export async function testResource(
  upstream: Upstream,
  r: Resource,
  now = () => performance.now(),
): Promise<ResourceTestResult> {
  const started = now();
  const ms = () => Math.round(now() - started);
  try {
    const base = new URL(upstream.base(r));
    const p = kindOf(r.kind).probe(r);
    const headers: Record<string, string> = { ...(await upstream.credentialHeaders(r)) };
    if (p.body) headers['content-type'] = 'application/json';
    if (p.headers) Object.assign(headers, p.headers);
    const res = await upstream.dispatcher.request({
      origin: base.origin,
      path: base.pathname.replace(/\/+$/, '') + p.path,
      method: p.method,
      headers,
      body: p.body ?? null,
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    const text = (await res.body.text()).slice(0, 2000);
    const ok = res.statusCode < 400 || (p.alsoReachable?.includes(res.statusCode) ?? false);
    if (ok)
      return {
        ok: true,
        latencyMs: ms(),
        status: res.statusCode,
        message: `Reachable: HTTP ${res.statusCode} in ${ms()} ms.`,
      };
    let detail = '';
    try {
      const j = JSON.parse(text) as { error?: { message?: string; code?: string } };
      detail = j.error?.message ?? j.error?.code ?? '';
    } catch {
      detail = text.replace(/\s+/g, ' ').slice(0, 200);
    }
    return {
      ok: false,
      latencyMs: ms(),
      status: res.statusCode,
      message: `Upstream answered HTTP ${res.statusCode}${detail ? `: ${detail}` : ''}`,
    };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const why =
      err.code === 'upstream_auth_failed'
        ? (err.message ?? '')
        : `could not connect${err.code ? ` (${err.code})` : ''}`;
    return { ok: false, latencyMs: ms(), message: `Not reachable: ${why}` };
  }
}
