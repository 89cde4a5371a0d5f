/**
 * Deployment names → the event's resources that serve them. A name attendees
 * use may be served by several resources (balanced and failed over); an
 * unknown name lists what the event does offer.
 */
import type { Resource, ResourceKind } from '../../../../shared/types.js';
import { KitError } from '../../errors.js';
import type { ProxyCall } from './call.js';

/** Kinds that speak the OpenAI chat/embeddings wire format. */
export const openAiKinds: readonly ResourceKind[] = ['azure-openai', 'openai-compatible', 'playground'];

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

/** The name upstream knows the resource by. */
export const upstreamName = (r: Resource): string => r.upstreamDeployment || r.deployment;
