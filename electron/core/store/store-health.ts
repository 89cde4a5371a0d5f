/**
 * Whether the store can save, as one episode at a time: the first failed
 * write names its cause in the kit log (once, not once per refused request),
 * a change of cause is logged again, and the first write that lands after
 * that says the kit saves again and how many writes it refused meanwhile.
 * The same state is what `kit.info` shows the console, so its banner stays
 * up exactly while the log says the kit cannot save.
 */
import type { StoreRecovery, StoreStatus } from '../../../shared/types.js';
import { cannotSaveSentence, describeWriteFailure } from './write-failure.js';

export type KitLog = (line: string) => void;

export const consoleLog: KitLog = (line) => console.error(line);

export class StoreHealth {
  readonly #log: KitLog;
  readonly #now: () => number;
  #state: StoreStatus['state'] = 'ok';
  #since: number;
  #cause: StoreStatus['cause'];
  #message = '';
  #action = '';
  #refused = 0;
  #recoveredFrom: StoreRecovery | undefined;
  readonly #notices: string[] = [];

  constructor(log: KitLog = consoleLog, now: () => number = Date.now) {
    this.#log = log;
    this.#now = now;
    this.#since = now();
  }

  get failing(): boolean {
    return this.#state === 'failing';
  }

  /** A write failed; logs only when this starts an episode or its cause changes. */
  failed(e: unknown): void {
    const d = describeWriteFailure(e);
    this.#refused += 1;
    const sentence = cannotSaveSentence(d);
    if (this.#state === 'failing' && sentence === this.#message) return;
    if (this.#state === 'ok') this.#since = this.#now();
    this.#state = 'failing';
    this.#cause = d.cause;
    this.#message = sentence;
    this.#action = d.action;
    const detail = (e as Error)?.message ? ` (${(e as Error).message})` : '';
    this.#log(
      `[store] ${sentence}${detail} Registrations, admin changes and new objects are refused (503 store_unavailable) ` +
        `until a write succeeds; usage counters are kept in memory and retried; proxied calls go on. ${d.action}`,
    );
  }

  /** A write landed; ends an episode if one was running. */
  succeeded(): void {
    if (this.#state === 'ok') return;
    const seconds = Math.round((this.#now() - this.#since) / 1000);
    this.#log(`[store] The kit saves again, after ${seconds} s in which ${this.#refused} write(s) failed.`);
    this.#state = 'ok';
    this.#since = this.#now();
    this.#cause = undefined;
    this.#message = '';
    this.#action = '';
    this.#refused = 0;
  }

  /** Start-up found the store damaged and started from a snapshot (or from nothing). */
  recovered(r: StoreRecovery, message: string): void {
    this.#recoveredFrom = r;
    this.#notices.unshift(message);
    this.#log(`[store] ${message}`);
  }

  /** Something else found at start that the organizer should know (and act on). */
  notice(message: string): void {
    this.#notices.push(message);
    this.#log(`[store] ${message}`);
  }

  status(): StoreStatus {
    return {
      state: this.#state,
      message: this.#message,
      since: new Date(this.#since).toISOString(),
      ...(this.#cause ? { cause: this.#cause, action: this.#action } : {}),
      ...(this.#recoveredFrom ? { recoveredFrom: this.#recoveredFrom } : {}),
      ...(this.#notices.length ? { notices: [...this.#notices] } : {}),
    };
  }
}
