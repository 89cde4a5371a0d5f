/**
 * Hash routes (`#/events`, `#/attendees/<eventId>`, `#/reports/<eventId>`, `#/projector/<eventId>`):
 * they work the same from `file://` in the desktop app and from the loopback
 * listener, and never reach a server.
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { screen: 'overview' }
  | { screen: 'events' }
  | { screen: 'resources' }
  | { screen: 'attendees'; eventId?: string }
  | { screen: 'traffic' }
  | { screen: 'reports'; eventId?: string }
  | { screen: 'backup' }
  | { screen: 'projector'; eventId?: string }
  | { screen: 'help'; section?: string };

export function parseRoute(hash: string): Route {
  const [screen = '', id] = hash.replace(/^#\/?/, '').split('/');
  const eventId = id ? decodeURIComponent(id) : undefined;
  switch (screen) {
    case 'events':
    case 'resources':
    case 'traffic':
    case 'backup':
      return { screen };
    case 'attendees':
    case 'projector':
    case 'reports':
      return { screen, eventId };
    case 'help':
      return { screen, section: eventId };
    default:
      return { screen: 'overview' };
  }
}

export function href(route: Route): string {
  const sub = 'eventId' in route ? route.eventId : 'section' in route ? route.section : undefined;
  const id = sub ? `/${encodeURIComponent(sub)}` : '';
  return route.screen === 'overview' ? '#/' : `#/${route.screen}${id}`;
}

export function navigate(route: Route): void {
  location.hash = href(route);
}

const subscribe = (fn: () => void) => {
  window.addEventListener('hashchange', fn);
  return () => window.removeEventListener('hashchange', fn);
};

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  return parseRoute(hash);
}
