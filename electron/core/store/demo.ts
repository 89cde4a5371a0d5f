/**
 * The embedded default: an empty store gets a Demo event that is running now
 * and a built-in playground resource, so `npm start` leads to a working SDK
 * call with no cloud account and no internet.
 */
import type { KitEvent, Resource } from '../../../shared/types.js';
import { newId } from './ids.js';
import type { StoreDriver } from './store-driver.js';

export const DEMO_DEPLOYMENT = 'playground';
export const DEMO_CODE = 'demo';

export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export async function seedDemo(store: StoreDriver, now = Date.now()): Promise<boolean> {
  if (store.events.length > 0 || store.resources.length > 0) return false;
  const createdAt = new Date(now).toISOString();
  const resource: Resource = {
    id: newId('res'),
    name: 'Playground (offline)',
    kind: 'playground',
    endpoint: 'builtin:playground',
    deployment: DEMO_DEPLOYMENT,
    auth: { type: 'none' },
    enabled: true,
    createdAt,
  };
  const event: KitEvent = {
    id: newId('evt'),
    name: 'Demo event',
    description:
      'A ready-to-use event on the offline playground model. Register, copy your key, and call it from any OpenAI SDK.',
    code: DEMO_CODE,
    // Started a minute ago so a key registered right away works at once.
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: new Date(now + 8 * 3600_000).toISOString(),
    timeZone: localTimeZone(),
    dailyRequestCap: 1000,
    maxTokenCap: 4096,
    resourceIds: [resource.id],
    enabled: true,
    createdAt,
  };
  await store.saveResource(resource);
  await store.saveEvent(event);
  return true;
}
