/** A pre-flight as a quiet machine reports it, for tests of what shows it (tray, banner). */
import type { Preflight } from '../../shared/types.js';

export function quietPreflight(over: Partial<Preflight> = {}): Preflight {
  return {
    checkedAt: '2026-03-20T08:00:00.000Z',
    checks: [],
    disk: null,
    power: null,
    network: { addresses: [], host: '0.0.0.0', port: 8000, configuredPort: 8000 },
    clock: { now: '2026-03-20T08:00:00.000Z', timeZone: 'UTC', offsetMinutes: 0, events: [] },
    resources: [],
    reach: { devices: 0, byEvent: [], peers: 0, since: '2026-03-20T08:00:00.000Z' },
    keepAwake: { state: 'idle', mechanism: 'powerSaveBlocker', until: null, nextStart: null, display: false },
    warnings: [],
    ...over,
  };
}
