/**
 * "Test connection": the smallest real call each kind of upstream accepts,
 * with the resource's own credential, reporting latency or the upstream's
 * error in words an organizer can act on (never the credential itself).
 */
import type { Dispatcher } from 'undici';
import type { Resource, ResourceTestResult } from '../../../shared/types.js';
import { chatDialect, DEFAULT_AZURE_API_VERSION } from '../proxy/metering/output-token-dialect.js';
import { upstreamName } from '../proxy/pipeline/deployments.js';
import type { Upstream } from '../proxy/upstream/upstream.js';

function probe(r: Resource): { path: string; method: Dispatcher.HttpMethod; body?: string } {
  const version = r.apiVersion ?? DEFAULT_AZURE_API_VERSION;
  switch (r.kind) {
    case 'azure-openai': {
      // The limit in the field this deployment takes: a reasoning model refuses `max_tokens`.
      const field = chatDialect(r, version).field;
      return {
        path: `/openai/deployments/${encodeURIComponent(upstreamName(r))}/chat/completions?api-version=${encodeURIComponent(version)}`,
        method: 'POST',
        body: JSON.stringify({ messages: [{ role: 'user', content: 'ping' }], [field]: 1 }),
      };
    }
    case 'azure-inference':
      return { path: `/info?api-version=${encodeURIComponent(r.apiVersion ?? '2024-05-01-preview')}`, method: 'GET' };
    case 'azure-search':
      return {
        path: `/indexes/${encodeURIComponent(upstreamName(r))}/docs/$count?api-version=${encodeURIComponent(r.apiVersion ?? '2024-07-01')}`,
        method: 'GET',
      };
    case 'foundry-agents':
      return { path: `/assistants?limit=1&api-version=${encodeURIComponent(r.apiVersion ?? 'v1')}`, method: 'GET' };
    case 'mcp':
      return { path: '', method: 'GET' };
    default:
      return { path: '/models', method: 'GET' };
  }
}

export async function testResource(
  upstream: Upstream,
  r: Resource,
  now = () => performance.now(),
): Promise<ResourceTestResult> {
  const started = now();
  const ms = () => Math.round(now() - started);
  try {
    const base = new URL(upstream.base(r));
    const p = probe(r);
    const headers: Record<string, string> = { ...(await upstream.credentialHeaders(r)) };
    if (p.body) headers['content-type'] = 'application/json';
    if (r.kind === 'mcp') headers.accept = 'application/json, text/event-stream';
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
    // MCP servers answer a bare GET with 405 or 406 when they only speak POST: that still proves they are there.
    const ok = res.statusCode < 400 || (r.kind === 'mcp' && (res.statusCode === 405 || res.statusCode === 406));
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
