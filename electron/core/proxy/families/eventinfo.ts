/**
 * `POST /eventinfo`: what an attendee's key gives access to (the event, its
 * caps and capabilities), in the shape the Azure AI Proxy's playground reads
 * (snake_case, capabilities grouped by kind), plus the kit's own fields.
 */
import { kindOf } from '../../../../shared/resource-kinds/table.js';
import type { ResourceKind } from '../../../../shared/types.js';
import { sendJson } from '../../http/send-json.js';
import type { ProxyCall } from '../pipeline/call.js';
import type { ProxyRoute } from '../route.js';

async function eventInfo(call: ProxyCall): Promise<void> {
  const { event, attendee } = call.caller;
  const capabilities: Record<string, string[]> = {};
  const deployments: Array<{ name: string; kind: ResourceKind }> = [];
  for (const r of call.deps.store.resourcesOf(event)) {
    if (deployments.some((d) => d.name === r.deployment && d.kind === r.kind)) continue;
    deployments.push({ name: r.deployment, kind: r.kind });
    const capability = kindOf(r.kind).capability;
    const list = capabilities[capability] ?? [];
    if (!list.includes(r.deployment)) list.push(r.deployment);
    capabilities[capability] = list;
  }
  sendJson(call.res, 200, {
    is_authorized: true,
    event_id: event.id,
    event_code: event.code,
    event_name: event.name,
    event_description: event.description ?? '',
    attendee_name: attendee.name ?? '',
    starts_at: event.startsAt,
    ends_at: event.endsAt,
    time_zone: event.timeZone,
    max_token_cap: event.maxTokenCap,
    daily_request_cap: event.dailyRequestCap,
    capabilities,
    deployments,
  });
}

export const eventInfoRoutes: ProxyRoute[] = [{ method: 'POST', path: '/eventinfo', handler: eventInfo }];
