/**
 * Event-day readiness, assembled: every few seconds it re-reads what can
 * change under the kit (free disk, power), folds in what the kit knows
 * (resources' health and last tests, join-page devices, keep-awake, the
 * network, the clock), turns it into the pre-flight checks, and raises a
 * warning once per episode for the conditions that hurt attendees while the
 * kit runs. `preflight()` is synchronous and cheap (the slow reads are
 * cached), so `kit.info` and the tray can ask as often as they like.
 */
import type { ResourceHealth } from '../../../shared/contract.js';
import type {
  DiskFacts,
  KitEvent,
  KitWarning,
  NetworkFacts,
  PowerFacts,
  Preflight,
  ReachFacts,
  ResourceCheckFacts,
} from '../../../shared/types.js';
import type { Visitors } from '../lan/visitors.js';
import type { StoreDriver } from '../store/store-driver.js';
import {
  clockCheck,
  diskCheck,
  fmtBytes,
  keepAwakeCheck,
  networkCheck,
  powerCheck,
  reachCheck,
  resourcesCheck,
} from './checks.js';
import { clockFacts } from './clock.js';
import { DEFAULT_PLANNED_ATTENDEES, diskFacts, GrowthMeter } from './disk.js';
import type { KeepAwake } from './keep-awake.js';
import type { PowerSource } from './power.js';
import { type Condition, WarningBoard } from './warnings.js';

/** An event live this long with no other device reaching the kit gets the "no devices" advice. */
export const DEFAULT_QUIET_MS = 5 * 60_000;

export interface ReadinessDeps {
  store: StoreDriver;
  dataDir: string;
  now: () => number;
  /** When the kit started: devices are counted from here. */
  startedAt: number;
  health: (resourceId: string) => ResourceHealth;
  visitors: Visitors;
  keepAwake: KeepAwake;
  power: PowerSource;
  network: () => NetworkFacts;
  quietMs?: number;
  /** How often disk and power are re-read and warnings re-evaluated (default 15 s). */
  intervalMs?: number;
  /** Warnings fed by other parts of the kit (the store's save state…), as conditions that hold now. */
  extraConditions?: () => Condition[];
}

/** Ends with a full stop, whatever the upstream's error looked like. */
const sentence = (s: string) => (/[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);

const isUpcoming = (e: KitEvent, now: number) => e.enabled && Date.parse(e.endsAt) > now;
const isLive = (e: KitEvent, now: number) => isUpcoming(e, now) && Date.parse(e.startsAt) <= now;

export class Readiness {
  readonly #deps: ReadinessDeps;
  readonly #board = new WarningBoard();
  readonly #growth = new GrowthMeter();
  readonly #listeners: Array<(w: KitWarning) => void> = [];
  #disk: DiskFacts | null = null;
  #power: PowerFacts | null = null;
  #timer?: ReturnType<typeof setInterval>;
  #refreshing?: Promise<void>;

  constructor(deps: ReadinessDeps) {
    this.#deps = deps;
  }

  /** Reads disk and power once, then keeps re-reading on the interval. */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh(), this.#deps.intervalMs ?? 15_000);
    this.#timer.unref?.();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Called with each warning episode as it starts. */
  onWarning(listener: (w: KitWarning) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  refresh(): Promise<void> {
    this.#refreshing ??= this.#read().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #read(): Promise<void> {
    const now = this.#deps.now();
    const { planned, registered } = this.#plannedAttendees(now);
    const [disk, power] = await Promise.all([
      diskFacts({ dataDir: this.#deps.dataDir, plannedAttendees: planned, registered, growth: this.#growth, now }),
      this.#deps.power().catch(() => null),
    ]);
    this.#disk = disk;
    this.#power = power;
    this.#raise(this.#board.update(this.#conditions(now), now));
  }

  #raise(raised: KitWarning[]): void {
    for (const w of raised) for (const fn of this.#listeners) fn(w);
  }

  #plannedAttendees(now: number): { planned: number; registered: number } {
    const events = this.#deps.store.events.filter((e) => isUpcoming(e, now));
    if (events.length === 0) return { planned: DEFAULT_PLANNED_ATTENDEES, registered: 0 };
    let planned = 0;
    let registered = 0;
    for (const e of events) {
      const count = this.#deps.store.attendeesOf(e.id).length;
      planned += Math.max(e.capacity ?? DEFAULT_PLANNED_ATTENDEES, count);
      registered += count;
    }
    return { planned, registered };
  }

  #resources(now: number): ResourceCheckFacts[] {
    const used = new Set(this.#deps.store.events.filter((e) => isUpcoming(e, now)).flatMap((e) => e.resourceIds));
    return this.#deps.store.resources
      .filter((r) => r.enabled)
      .map((r) => {
        const h = this.#deps.health(r.id);
        return {
          resourceId: r.id,
          name: r.name,
          kind: r.kind,
          health: h.state,
          ...(h.lastTest ? { lastTest: h.lastTest } : {}),
          inUse: used.has(r.id),
        };
      });
  }

  #reach(now: number): ReachFacts {
    const v = this.#deps.visitors;
    const quietMs = this.#deps.quietMs ?? DEFAULT_QUIET_MS;
    let quietSince: number | undefined;
    if (v.lastPeerAt === undefined) {
      for (const e of this.#deps.store.events) {
        if (!isLive(e, now)) continue;
        const from = Math.max(Date.parse(e.startsAt), this.#deps.startedAt);
        if (now - from >= quietMs && (quietSince === undefined || from < quietSince)) quietSince = from;
      }
    }
    return {
      devices: v.devices,
      byEvent: v.byEvent(),
      ...(v.lastDeviceAt !== undefined ? { lastDeviceAt: new Date(v.lastDeviceAt).toISOString() } : {}),
      peers: v.peers,
      ...(v.lastPeerAt !== undefined ? { lastPeerAt: new Date(v.lastPeerAt).toISOString() } : {}),
      since: new Date(this.#deps.startedAt).toISOString(),
      ...(quietSince !== undefined
        ? {
            noDevices: {
              since: new Date(quietSince).toISOString(),
              minutes: Math.floor((now - quietSince) / 60_000),
            },
          }
        : {}),
    };
  }

  #conditions(now: number): Condition[] {
    const out: Condition[] = [];
    const disk = this.#disk;
    if (disk && disk.freeBytes < disk.nextHourBytes)
      out.push({
        key: 'disk-low',
        level: 'red',
        title: 'The disk is almost full',
        message: `${fmtBytes(disk.freeBytes)} free where the store lives; the next hour needs about ${fmtBytes(disk.nextHourBytes)}. Free space now (screen recordings, downloads, the trash), or registrations will be refused.`,
      });
    const p = this.#power;
    // Hysteresis: an open episode ends above 22 %, so a level hovering at 20 % is one episode.
    const threshold = this.#board.isActive('battery-low') ? 0.22 : 0.2;
    if (p?.onBattery && p.level !== null && p.level < threshold)
      out.push({
        key: 'battery-low',
        level: 'red',
        title: `Battery at ${Math.round(p.level * 100)} % and discharging`,
        message: 'Plug the laptop in: when it dies, every attendee’s calls stop.',
      });
    for (const r of this.#resources(now)) {
      if (!r.inUse || r.health !== 'failing') continue;
      const h = this.#deps.health(r.resourceId);
      out.push({
        key: `upstream:${r.resourceId}`,
        level: 'amber',
        title: `Upstream “${r.name}” is failing`,
        message: `${sentence(h.lastError ?? 'It did not answer')} Calls fail over to another resource of the same deployment where there is one; check it on the Resources screen.`,
      });
    }
    const k = this.#deps.keepAwake.facts();
    if (k.state === 'failed')
      out.push({
        key: 'keep-awake',
        level: 'red',
        title: 'This computer may go to sleep',
        message: `${k.reason ?? 'The system refused to keep it awake.'} ${k.hint ?? ''}`.trim(),
      });
    out.push(...(this.#deps.extraConditions?.() ?? []));
    return out;
  }

  preflight(): Preflight {
    const now = this.#deps.now();
    // Conditions the kit knows without reading anything (the store's save state, upstream health) count at once,
    // not at the next beat: the banner for "cannot save" should not wait 15 seconds.
    this.#raise(this.#board.update(this.#conditions(now), now));
    const events = this.#deps.store.events;
    const resources = this.#resources(now);
    const reach = this.#reach(now);
    const network = this.#deps.network();
    const clock = clockFacts(events, now);
    const keepAwake = this.#deps.keepAwake.facts();
    const live = events.filter((e) => isLive(e, now)).length;
    return {
      checkedAt: new Date(now).toISOString(),
      checks: [
        resourcesCheck(resources),
        diskCheck(this.#disk),
        powerCheck(this.#power),
        networkCheck(network),
        clockCheck(clock),
        keepAwakeCheck(keepAwake, now),
        reachCheck(reach, live),
      ],
      disk: this.#disk,
      power: this.#power,
      network,
      clock,
      resources,
      reach,
      keepAwake,
      warnings: this.#board.active(),
    };
  }
}
