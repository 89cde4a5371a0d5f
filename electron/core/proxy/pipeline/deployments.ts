/**
 * Deployment names → the event's resources that serve them. A name attendees
 * use may be served by several resources (balanced and failed over); an
 * unknown name lists what the event does offer.
 */
import { kindsServing } from '../../../../shared/resource-kinds/table.js';
import type { Resource, ResourceKind } from '../../../../shared/types.js';
import { KitError } from '../../errors.js';
import type { ProxyCall } from './call.js';

/** Kinds that serve OpenAI-style operations by deployment name (chat, embeddings, completions, images, audio). */
export const openAiKinds = kindsServing('deployments');
/** Every kind that serves models named in a body (AI inference, the v1 API, `models.list()`). */
export const modelKinds = kindsServing('models');

export function eventResources(call: ProxyCall, kinds: readonly ResourceKind[]): Resource[] {
  return call.deps.store.resourcesOf(call.caller.event).filter((r) => kinds.includes(r.kind));
}

export function resolveDeployment(
  call: ProxyCall,
  name: string | undefined,
  kinds: readonly ResourceKind[],
  what = 'deployment',
): Resource[] {
  const offered = eventResources(call, kinds);
  const candidates = name ? offered.filter((r) => r.deployment === name) : [];
  if (candidates.length > 0) return candidates;
  const names = [...new Set(offered.map((r) => r.deployment))];
  throw new KitError(
    'deployment_not_found',
    `${name ? `There is no ${what} "${name}" in this event.` : `The request names no ${what}.`} ` +
      (names.length ? `This event offers: ${names.join(', ')}.` : `This event offers no ${what} of this kind.`),
  );
}
