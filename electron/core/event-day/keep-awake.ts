/**
 * Keeps the computer awake exactly while an event is live: the clock starts
 * it (an event that begins at 09:00 gets the lock at 09:00 with nobody
 * touching the app), the end, a deletion or a disable releases it, and so does
 * closing the kit. The OS call itself is a `WakeLock` handed in from outside:
 * Electron's powerSaveBlocker in the desktop app, a helper process headless
 * (see os-wake-lock.ts), a fake in tests. Nothing here imports Electron.
 */
import type { KeepAwakeFacts, KitEvent } from '../../../shared/types.js';
import { awakePlan } from './awake-plan.js';

export type AcquireResult = { ok: true } | { ok: false; reason: string; hint: string };

/** One OS mechanism that keeps the machine from sleeping while held. */
export interface WakeLock {
  readonly mechanism: string;
  /** Takes the lock; resolves once it is held, or with why it could not be. */
  acquire(why: string): Promise<AcquireResult>;
  release(): void;
  /** Tells whether the lock could be taken, without holding it (so the organizer learns before the event). */
  check?(): Promise<AcquireResult>;
  /** Called when a held lock is lost (its helper process died). */
  onLost?(listener: (reason: string) => void): void;
}

type Window = Pick<KitEvent, 'id' | 'name' | 'startsAt' | 'endsAt' | 'enabled'>;

export interface KeepAwakeOptions {
  lock: WakeLock | null;
  events: () => readonly Window[];
  now?: () => number;
  /** Longest wait between two looks, so a changed clock or a missed timer is caught (default 60 s). */
  maxWaitMs?: number;
  /** After a refusal, the next attempt waits this long unless the plan changes (default 5 min). */
  retryMs?: number;
  /** Called after every change of state (the tray, the console). */
  onChange?: (facts: KeepAwakeFacts) => void;
  /** Whether the display is kept on too (the desktop's projector view). */
  display?: () => boolean;
}

/** 09:00, or "Sat 09:00" when it is not today, in the machine's own time zone (the tray and console are here). */
export function describeUntil(at: number, now: number): string {
  const d = new Date(at);
  const hm = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  if (new Date(now).toDateString() === d.toDateString()) return hm;
  return `${d.toLocaleDateString('en-GB', { weekday: 'short' })} ${hm}`;
}

export class KeepAwake {
  readonly #opts: KeepAwakeOptions;
  readonly #now: () => number;
  #held = false;
  #until: number | null = null;
  #nextStart: number | null = null;
  #refused?: { reason: string; hint: string; at: number; key: string };
  #timer?: ReturnType<typeof setTimeout>;
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(opts: KeepAwakeOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    opts.lock?.onLost?.((reason) => {
      if (!this.#held) return;
      this.#held = false;
      this.#refused = { reason, hint: '', at: this.#now(), key: '' };
      this.#changed();
      void this.refresh();
    });
  }

  /** First look; when nothing is live, asks the OS whether it could keep the machine awake later. */
  async start(): Promise<void> {
    const lock = this.#opts.lock;
    if (lock?.check && awakePlan(this.#opts.events(), this.#now()).live.length === 0) {
      const r = await lock.check();
      if (!r.ok) this.#refused = { reason: r.reason, hint: r.hint, at: this.#now(), key: '' };
    }
    await this.refresh();
  }

  /** Looks again now: after an event was created, changed, disabled or deleted. */
  refresh(): Promise<void> {
    this.#queue = this.#queue.then(() => this.#evaluate()).catch(() => undefined);
    return this.#queue;
  }

  /** Releases the lock for good (the kit is closing). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (this.#held) this.#opts.lock?.release();
    this.#held = false;
    this.#until = null;
  }

  get holding(): boolean {
    return this.#held;
  }

  facts(): KeepAwakeFacts {
    const lock = this.#opts.lock;
    const display = this.#opts.display?.() ?? false;
    const base = {
      mechanism: lock?.mechanism ?? null,
      until: this.#held && this.#until !== null ? new Date(this.#until).toISOString() : null,
      nextStart: this.#nextStart !== null ? new Date(this.#nextStart).toISOString() : null,
      display,
    };
    if (!lock)
      return {
        ...base,
        state: 'unavailable',
        reason: 'This kit was started without a way to keep the computer awake.',
        hint: 'Turn off automatic sleep in the system settings for the day.',
      };
    if (this.#held) return { ...base, state: 'holding' };
    if (this.#refused)
      return {
        ...base,
        state: this.#until !== null ? 'failed' : 'unavailable',
        reason: this.#refused.reason,
        ...(this.#refused.hint ? { hint: this.#refused.hint } : {}),
      };
    return { ...base, state: 'idle' };
  }

  async #evaluate(): Promise<void> {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    const now = this.#now();
    const plan = awakePlan(this.#opts.events(), now);
    const lock = this.#opts.lock;
    const before = JSON.stringify(this.facts());
    this.#nextStart = plan.nextStart;
    const wanted = plan.live.length > 0;
    this.#until = plan.until;

    if (wanted && !this.#held && lock) {
      const why = `${plan.live.map((e) => e.name).join(', ')} live until ${describeUntil(plan.until as number, now)}`;
      // A refusal is not retried on every look, only when the plan changed or after a while.
      const key = plan.live.map((e) => e.id).join(',');
      const retryMs = this.#opts.retryMs ?? 5 * 60_000;
      if (!this.#refused || this.#refused.key !== key || now - this.#refused.at >= retryMs) {
        const r = await lock.acquire(why);
        if (this.#stopped) {
          if (r.ok) lock.release();
          return;
        }
        if (r.ok) {
          this.#held = true;
          this.#refused = undefined;
        } else this.#refused = { reason: r.reason, hint: r.hint, at: now, key };
      }
    } else if (!wanted && this.#held) {
      lock?.release();
      this.#held = false;
    }

    if (JSON.stringify(this.facts()) !== before) this.#changed();
    this.#schedule(plan.nextChangeAt);
  }

  #schedule(nextChangeAt: number | null): void {
    if (this.#stopped) return;
    const maxWait = this.#opts.maxWaitMs ?? 60_000;
    const wait = nextChangeAt === null ? maxWait : Math.min(maxWait, Math.max(0, nextChangeAt - this.#now()));
    this.#timer = setTimeout(() => void this.refresh(), wait);
    this.#timer.unref?.();
  }

  #changed(): void {
    this.#opts.onChange?.(this.facts());
  }
}
