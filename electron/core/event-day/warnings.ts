/**
 * Warnings while the kit runs (disk filling, battery low, the store unable to
 * save, an upstream failing), each raised once per episode. Sources say which
 * conditions hold right now; the board turns that into episodes: a condition
 * that appears starts one (and is announced: console banner, tray
 * notification, a log line), one that stays keeps it (its message may be
 * updated, nothing is announced again), and one that has been gone for
 * `clearAfterMs` ends it. A condition flapping on and off inside that time is
 * one episode, so a flaky upstream never floods the organizer.
 */
import type { KitWarning } from '../../../shared/types.js';

export type Condition = Pick<KitWarning, 'key' | 'level' | 'title' | 'message' | 'details' | 'sticky'>;

interface Episode extends KitWarning {
  absentSince?: number;
}

export class WarningBoard {
  readonly #episodes = new Map<string, Episode>();
  readonly #clearAfterMs: number;
  #seq = 0;

  constructor(opts: { clearAfterMs?: number } = {}) {
    this.#clearAfterMs = opts.clearAfterMs ?? 60_000;
  }

  /** Whether a condition's episode is open (sources use it for hysteresis: warn below 20 %, clear above 22 %). */
  isActive(key: string): boolean {
    const e = this.#episodes.get(key);
    return !!e && e.absentSince === undefined;
  }

  /** Takes the conditions that hold now; returns the episodes that just started. */
  update(conditions: readonly Condition[], now: number): KitWarning[] {
    const raised: KitWarning[] = [];
    const present = new Set<string>();
    for (const c of conditions) {
      present.add(c.key);
      const open = this.#episodes.get(c.key);
      if (open) {
        Object.assign(open, c);
        delete open.absentSince;
        continue;
      }
      const episode: Episode = { ...c, id: `${c.key}#${++this.#seq}`, since: new Date(now).toISOString() };
      this.#episodes.set(c.key, episode);
      raised.push(strip(episode));
    }
    for (const [key, e] of this.#episodes) {
      if (present.has(key)) continue;
      e.absentSince ??= now;
      if (now - e.absentSince >= this.#clearAfterMs) this.#episodes.delete(key);
    }
    return raised;
  }

  /** The episodes whose condition holds now, worst first. */
  active(): KitWarning[] {
    return [...this.#episodes.values()]
      .filter((e) => e.absentSince === undefined)
      .sort((a, b) => (a.level === b.level ? a.since.localeCompare(b.since) : a.level === 'red' ? -1 : 1))
      .map(strip);
  }
}

function strip(e: Episode): KitWarning {
  const { absentSince: _, ...w } = e;
  return w;
}
