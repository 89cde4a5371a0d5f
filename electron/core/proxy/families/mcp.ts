/**
 * MCP passthrough: `/mcp/{server}` and `/mcp/{server}/{path}` to the event's
 * MCP server of that name, GET/POST/DELETE, Streamable HTTP and the older
 * HTTP+SSE transport both ways. Session headers (`Mcp-Session-Id`,
 * `Last-Event-ID`, `MCP-Protocol-Version`) travel as they are; the
 * attendee's key is removed and the resource's credential added (by
 * `forward`). The path is rebuilt segment by segment under the configured
 * URL, so no `..` or encoded trick can leave it; the SSE transport's
 * `endpoint` event is pointed back at the kit so its POSTs come here too.
 */
import { kindsServing } from '../../../../shared/resource-kinds/table.js';
import type { Resource } from '../../../../shared/types.js';
import { KitError } from '../../errors.js';
import type { ProxyCall } from '../pipeline/call.js';
import { resolveDeployment } from '../pipeline/deployments.js';
import { forward } from '../pipeline/forward.js';
import type { ResponseHook } from '../pipeline/relay.js';
import type { ProxyRoute } from '../route.js';

/** The sub-path below `/mcp/{server}`, each segment checked and re-encoded. */
export function safeSubPath(raw: string): string {
  if (raw === '' || raw === '/') return raw;
  const out: string[] = [];
  for (const part of raw.replace(/^\//, '').split('/')) {
    let seg: string;
    try {
      seg = decodeURIComponent(part);
    } catch {
      throw new KitError('invalid_request', 'The MCP path has malformed percent-encoding.');
    }
    if (seg === '.' || seg === '..' || /[/\\]/.test(seg)) {
      throw new KitError('invalid_request', 'The MCP path may not contain "." or ".." segments or encoded slashes.');
    }
    out.push(encodeURIComponent(seg));
  }
  return `/${out.join('/')}`;
}

/** The upstream URL for a sub-path, checked to be inside the server's configured URL. */
export function mcpUrl(base: string, subPath: string, search: string): string {
  const root = new URL(base);
  const rootPath = root.pathname.replace(/\/+$/, '');
  const url = new URL(`${root.origin}${rootPath}${subPath}${search}`);
  if (url.origin !== root.origin || !(url.pathname === rootPath || url.pathname.startsWith(`${rootPath}/`))) {
    throw new KitError('invalid_request', 'The MCP path leaves the server it names.');
  }
  return url.toString();
}

/**
 * The HTTP+SSE transport opens with an `endpoint` event naming where to POST
 * (`/messages?sessionId=…`, relative to the server). Seen through the kit,
 * that URL must be the kit's own `/api/v1/mcp/{server}/…`; one outside the
 * configured URL is left as it is (the client will refuse it).
 */
function endpointRewriter(upstreamUrl: string, base: string, kitPrefix: string): ResponseHook {
  const root = new URL(base);
  const rootPath = root.pathname.replace(/\/+$/, '');
  let held = Buffer.alloc(0);
  let done = false;
  const release = (text: string) => {
    done = true;
    return Buffer.from(text);
  };
  return {
    chunk(chunk) {
      if (done) return undefined;
      // Held until the first event is complete (it is short), then released, rewritten or not.
      held = Buffer.concat([held, chunk]);
      const text = held.toString('utf8');
      const end = /\r?\n\r?\n/.exec(text);
      if (!end) return held.length > 64 * 1024 ? release(text) : Buffer.alloc(0);
      const first = text.slice(0, end.index);
      const m = /^event: ?endpoint\r?\ndata: ?(.*)$/m.exec(first);
      if (!m || !/^event: ?endpoint/.test(first.trimStart())) return release(text);
      const target = new URL(m[1] ?? '', upstreamUrl);
      const inside = target.pathname === rootPath || target.pathname.startsWith(`${rootPath}/`);
      if (!inside || target.origin !== root.origin) return release(text);
      const local = `${kitPrefix}${target.pathname.slice(rootPath.length)}${target.search}`;
      return release(`event: endpoint\ndata: ${local}${text.slice(end.index)}`);
    },
  };
}

async function mcp(call: ProxyCall): Promise<void> {
  const name = call.params.deployment ?? '';
  const candidates = resolveDeployment(call, name, kindsServing('mcp'), 'MCP server');
  const prefix = `/mcp/${call.path.split('/')[2] ?? ''}`;
  const subPath = safeSubPath(call.path.slice(prefix.length));
  const method = call.req.method ?? 'GET';
  const body = method === 'POST' ? call.bodyStream() : null;
  const urlFor = (r: Resource) => mcpUrl(call.deps.upstream.base(r), subPath, call.search);
  await forward(call, {
    deployment: name,
    candidates: candidates.slice(0, 1), // a session lives on one server
    // A GET is the server's own event stream: it may rightly stay quiet for minutes.
    build: (r) => ({ url: urlFor(r), body, ...(method === 'GET' ? { idleTimeoutMs: 0 } : {}) }),
    respond: (r, status, headers) =>
      method === 'GET' && status < 300 && String(headers['content-type'] ?? '').includes('text/event-stream')
        ? endpointRewriter(urlFor(r), call.deps.upstream.base(r), `/api/v1${prefix}`)
        : undefined,
  });
}

export const mcpRoutes: ProxyRoute[] = [
  { method: ['GET', 'POST', 'DELETE'], path: '/mcp/:deployment', handler: mcp },
  { method: ['GET', 'POST', 'DELETE'], path: '/mcp/:deployment/*', handler: mcp },
];
