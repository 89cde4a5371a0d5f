/**
 * The admin contract's method and stream names, with no schema library attached. The
 * preload bundle and the renderer's client build their verb objects from this
 * list, so they stay small and never pull zod in. `contract.ts` checks against
 * it at compile time: a method in one and not the other is a type error.
 */
export const methodNames = [
  'kit.info',
  'kit.chooseAddress',
  'resources.list',
  'resources.create',
  'resources.update',
  'resources.remove',
  'resources.test',
  'events.list',
  'events.create',
  'events.update',
  'events.remove',
  'events.duplicate',
  'events.archive',
  'events.unarchive',
  'attendees.list',
  'attendees.issue',
  'attendees.cards',
  'attendees.revoke',
  'attendees.restore',
  'attendees.update',
  'usage.report',
  'reports.usage',
  'traffic.recent',
  'backup.create',
  'backup.inspect',
  'backup.restore',
] as const;

export type MethodName = (typeof methodNames)[number];

/**
 * The contract's live streams: what the kit pushes to the console as it
 * happens, each with where the loopback HTTP binding serves it (server-sent
 * events) and the IPC channel the desktop app pushes it on. The payload of
 * each is typed in `contract.ts`; the client calls it `kit.<group>.<verb>`.
 */
export const streams = {
  'traffic.subscribe': { path: '/admin/api/traffic/stream', channel: 'kit:traffic' },
} as const;

export type StreamName = keyof typeof streams;
