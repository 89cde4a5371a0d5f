/**
 * An allowance vault in memory with the database's rules (one conditional
 * grant at a time, never more than the cap in all, the tail granted call by
 * call), for unit tests of the leases. `hold()` keeps grants waiting until
 * `release()`, so a test decides when the database answers; `failing` makes
 * it refuse every request like a database that went away.
 */
import type { AllowanceSpec, AllowanceVault, Grant } from '../../electron/core/proxy/metering/allowance-leases.js';

export class FakeAllowanceVault implements AllowanceVault {
  readonly used = new Map<string, number>();
  grants = 0;
  adjusts = 0;
  failing = false;
  #held: Array<() => void> | undefined;

  async grant(spec: AllowanceSpec, want: number, need: number, tail: number): Promise<Grant> {
    await this.#turn();
    if (this.failing) throw new Error('connection refused');
    this.grants += 1;
    const used = this.used.get(spec.key) ?? spec.seed;
    const left = spec.cap - used;
    const granted = left > tail ? Math.min(want, left - tail) : Math.max(0, Math.min(need, left));
    this.used.set(spec.key, used + granted);
    return { granted, used: used + granted };
  }

  async adjust(key: string, units: number): Promise<void> {
    await this.#turn();
    if (this.failing) throw new Error('connection refused');
    this.adjusts += 1;
    const used = this.used.get(key);
    if (used !== undefined) this.used.set(key, used + units);
  }

  /** Answers nothing until `release()`. */
  hold(): void {
    this.#held ??= [];
  }

  /** Answers everything held, in the order asked. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const go of held) go();
  }

  #turn(): Promise<void> {
    const held = this.#held;
    if (held) return new Promise((resolve) => held.push(resolve));
    return Promise.resolve();
  }
}
