/**
 * Event-day readiness as the console, the tray and the headless start-up
 * lines see it: `kit.info().preflight`. Every check has a traffic-light level
 * and one line of what to do; the raw facts beside it (disk, power, LAN
 * addresses, clock, resources, join-page devices, keep-awake) are there for
 * screens that show more than the line. Nothing here is found by calling the
 * internet.
 */

/** green: fine; amber: look at it before attendees arrive; red: attendees will be hurt. */
export type CheckLevel = 'green' | 'amber' | 'red';

export type CheckId = 'resources' | 'disk' | 'power' | 'network' | 'clock' | 'keep-awake' | 'reach';

export interface PreflightCheck {
  id: CheckId;
  level: CheckLevel;
  /** "Disk", "Power", … */
  title: string;
  /** What was found, in one line: "41 GB free; the store needs about 30 MB for 500 attendees". */
  summary: string;
  /** What to do, in one line; absent when there is nothing to do. */
  action?: string;
}

export interface DiskFacts {
  /** The folder measured (the data dir). */
  path: string;
  freeBytes: number;
  totalBytes: number;
  /** The store file today. */
  storeBytes: number;
  /** Estimated bytes one attendee adds to the store (record, usage rows, owned objects). */
  perAttendeeBytes: number;
  /** The attendees planned for: the live and upcoming events' capacity (or a default where none is set). */
  plannedAttendees: number;
  /** What the store, its snapshots and a write's temporary copy need at that capacity. */
  neededBytes: number;
  /** What the next hour of writes needs at the current pace (the running warning's threshold). */
  nextHourBytes: number;
}

export interface PowerFacts {
  onBattery: boolean;
  /** 0…1; null where the system does not say. */
  level: number | null;
  charging: boolean | null;
  /** Where the facts came from: "powerMonitor", "/sys/class/power_supply", "pmset", "Win32_Battery". */
  source: string;
}

export interface LanAddressFacts {
  address: string;
  interface: string;
  /** A container bridge or VPN: phones in the room cannot reach it. */
  virtual: boolean;
  /** The address the console's QR codes, join links and key cards use. */
  onQrCode: boolean;
}

export interface NetworkFacts {
  addresses: LanAddressFacts[];
  /** The LAN listener's address as configured (`0.0.0.0` = every interface). */
  host: string;
  port: number;
  /** The port asked for (`--port`, `KIT_PORT`, default 8000). */
  configuredPort: number;
  /** Why the port in use differs from the configured one, when it does. */
  portNote?: string;
}

export interface ClockFacts {
  now: string;
  /** The machine's IANA time zone. */
  timeZone: string;
  /** Minutes east of UTC, now. */
  offsetMinutes: number;
  events: Array<{ eventId: string; name: string; timeZone: string; offsetMinutes: number; sameOffset: boolean }>;
}

export interface ResourceCheckFacts {
  resourceId: string;
  name: string;
  kind: string;
  /** Routing's view, from real traffic and tests. */
  health: 'healthy' | 'cooling-down' | 'failing' | 'unknown';
  lastTest?: { ok: boolean; at: string; message: string; latencyMs: number };
  /** Used by a live or upcoming event. */
  inUse: boolean;
}

export interface ReachFacts {
  /** Distinct devices (not this machine) that opened a join page since the kit started. */
  devices: number;
  byEvent: Array<{ eventId: string; devices: number }>;
  lastDeviceAt?: string;
  /** Distinct other machines that connected to the LAN listener at all (join pages, SDK calls). */
  peers: number;
  lastPeerAt?: string;
  /** When the kit began counting (its start). */
  since: string;
  /** Set when an event has been live a while and no other device has reached the kit. */
  noDevices?: { since: string; minutes: number };
}

export interface KeepAwakeFacts {
  /** holding: the lock is held; idle: nothing live, nothing held; unavailable/failed: the OS would not. */
  state: 'holding' | 'idle' | 'unavailable' | 'failed';
  /** "powerSaveBlocker", "systemd-inhibit", "caffeinate", "SetThreadExecutionState"; null when none. */
  mechanism: string | null;
  /** The end of the live stretch the lock is held for. */
  until: string | null;
  /** The next live event's start, when idle. */
  nextStart: string | null;
  /** The display is kept on too (the projector view is open). */
  display: boolean;
  /** Why it cannot, and what to set instead. */
  reason?: string;
  hint?: string;
}

/** A condition worth a banner and a notification, once per episode. */
export interface KitWarning {
  /** Unique per episode: a new episode of the same condition gets a new id. */
  id: string;
  /** The condition: "disk-low", "battery-low", "store-unavailable", "upstream:<resourceId>". */
  key: string;
  level: 'amber' | 'red';
  title: string;
  message: string;
  /** Items to list under the message (what the store recovered at start). */
  details?: string[];
  /** Stays up while it holds: the organizer cannot dismiss it (the kit cannot save). */
  sticky?: boolean;
  since: string;
}

export interface Preflight {
  checkedAt: string;
  checks: PreflightCheck[];
  disk: DiskFacts | null;
  /** null where the machine does not say (no battery reading available). */
  power: PowerFacts | null;
  network: NetworkFacts;
  clock: ClockFacts;
  resources: ResourceCheckFacts[];
  reach: ReachFacts;
  keepAwake: KeepAwakeFacts;
  warnings: KitWarning[];
}
