/**
 * Where a realtime session goes: the Azure OpenAI resources behind the
 * deployment name (the only kind that serves the Realtime API; a playground
 * or an OpenAI-compatible server is named as such in the refusal), and the
 * upstream URL in the form the client spoke: preview
 * `wss://<resource>/openai/realtime?api-version=…&deployment=…` or GA
 * `wss://<resource>/openai/v1/realtime?model=…`, with the name upstream
 * knows the deployment by and without the attendee's key.
 */

import { upstreamName } from '../../../../shared/resource-kinds/model-names.js';
import { kindOf, kindsServing } from '../../../../shared/resource-kinds/table.js';
import type { Resource } from '../../../../shared/types.js';
import { KitError } from '../../errors.js';
import type { StoreDriver } from '../../store/store-driver.js';
import type { RealtimeForm } from './handshake.js';

/** The preview api-version sent when neither the client nor the resource names one. */
export const REALTIME_PREVIEW_API_VERSION = '2025-04-01-preview';

/** The event's resources that can hold a realtime session for `name`, or the refusal that says why none can. */
export function realtimeCandidates(
  store: StoreDriver,
  event: { resourceIds: string[] },
  name: string | undefined,
): Resource[] {
  const kinds = kindsServing('realtime');
  const offered = store.resourcesOf(event);
  const named = name ? offered.filter((r) => r.deployment === name) : [];
  const serving = named.filter((r) => kinds.includes(r.kind));
  if (serving.length) return serving;
  const realtimeNames = [...new Set(offered.filter((r) => kinds.includes(r.kind)).map((r) => r.deployment))];
  const offers = realtimeNames.length
    ? `This event's realtime deployments: ${realtimeNames.join(', ')}.`
    : 'This event has no deployment that serves realtime (an Azure OpenAI resource).';
  if (named.length) {
    const label = kindOf((named[0] as Resource).kind).label;
    throw new KitError(
      'deployment_not_found',
      `"${name}" is served by a ${label} resource, which has no Realtime API: realtime sessions need an Azure OpenAI resource. ${offers}`,
    );
  }
  throw new KitError(
    'deployment_not_found',
    `${name ? `There is no deployment "${name}" in this event.` : 'The request names no deployment (deployment= on /openai/realtime, model= on /openai/v1/realtime).'} ${offers}`,
  );
}

/** The upstream WebSocket URL for `resource` (`base`: its endpoint with no trailing slash). */
export function realtimeUrl(
  base: string,
  form: RealtimeForm,
  resource: Resource,
  clientQuery: URLSearchParams,
): string {
  const q = new URLSearchParams(clientQuery);
  q.delete('api-key');
  const name = upstreamName(resource);
  let path: string;
  if (form === 'preview') {
    path = '/openai/realtime';
    q.delete('model');
    q.set('deployment', name);
    // The preview form needs a preview api-version; a resource's GA one (for its HTTP routes) would be refused.
    const own = resource.apiVersion?.endsWith('-preview') ? resource.apiVersion : undefined;
    if (!q.get('api-version')) q.set('api-version', own ?? REALTIME_PREVIEW_API_VERSION);
  } else {
    path = '/openai/v1/realtime';
    q.delete('deployment');
    q.set('model', name);
  }
  return `${base.replace(/^http/i, 'ws')}${path}?${q}`;
}
