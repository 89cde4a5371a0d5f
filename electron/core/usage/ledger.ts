/**
 * The usage ledger: request and token counters per event, attendee,
 * deployment and event-local day, kept in memory so the proxy can check a cap
 * and count a call without touching the disk. The counters live in the
 * store's `usage` collection (so the admin API reads them live) and reach the
 * file in batches: one write per flush interval at most, and one on close.
 */
import { dayIn, nextMidnight } from '../auth/time-window.js';
import type { UsageCounter } from '../store/schema.js';
import type { KitStore } from '../store/store.js';

export interface DayTotals {
  requests: number;
  totalTokens: number;
}

export interface TokenCounts {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** A day as the event sees it, and the instant it ends (the next local midnight). */
export interface EventDay {
  day: string;
  endsAt: number;
}

/** The two counters one call books into, looked up once per call rather than once per change. */
export interface UsageSlot {
  readonly counter: UsageCounter;
  readonly totals: DayTotals;
}

/** One attendee's day: the totals the caps check, and a counter per deployment. */
interface DayBook {
  totals: DayTotals;
  byDeployment: Map<string, UsageCounter>;
}

const DEFAULT_FLUSH_MS = 2000;

export class UsageLedger {
  readonly #store: KitStore;
  readonly #flushMs: number;
  /**
   * attendee id → day → the counters (objects inside `store.data.usage`) and totals. Nested maps of
   * the ids as they are, rather than one map of joined keys: no string is built per lookup. Attendee
   * ids are unique across events.
   */
  #books = new Map<string, Map<string, DayBook>>();
  #indexed: UsageCounter[] | undefined;
  readonly #days = new Map<string, EventDay>();
  #timer: NodeJS.Timeout | undefined;
  #dirty = false;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(store: KitStore, flushMs = DEFAULT_FLUSH_MS) {
    this.#store = store;
    this.#flushMs = flushMs;
    this.#reindex();
  }

  /** Today in the event's zone; cached until the next local midnight so the hot path skips Intl. */
  dayOf(event: { id: string; timeZone: string }, now: number): EventDay {
    const key = `${event.id}\u0000${event.timeZone}`;
    const cached = this.#days.get(key);
    if (cached && now < cached.endsAt && now >= cached.endsAt - 26 * 3600_000) return cached;
    const fresh = { day: dayIn(now, event.timeZone), endsAt: nextMidnight(now, event.timeZone) };
    this.#days.set(key, fresh);
    return fresh;
  }

  totals(_eventId: string, attendeeId: string, day: string): DayTotals {
    this.#ensureIndex();
    return this.#books.get(attendeeId)?.get(day)?.totals ?? { requests: 0, totalTokens: 0 };
  }

  /** The counters of one attendee, deployment and day (created at zero), for the `count*` methods. */
  slot(eventId: string, attendeeId: string, deployment: string, day: string): UsageSlot {
    this.#ensureIndex();
    const book = this.#book(attendeeId, day);
    return { counter: this.#counter(book, eventId, attendeeId, deployment, day), totals: book.totals };
  }

  /** Counts one forwarded request (its tokens come later, with `countTokens`). */
  countRequest(slot: UsageSlot): void {
    slot.counter.requests += 1;
    slot.totals.requests += 1;
    this.#touch();
  }

  /** Takes back a request that was counted but never left the kit. */
  uncountRequest(slot: UsageSlot): void {
    slot.counter.requests = Math.max(0, slot.counter.requests - 1);
    slot.totals.requests = Math.max(0, slot.totals.requests - 1);
    this.#touch();
  }

  countTokens(slot: UsageSlot, usage: TokenCounts): void {
    const c = slot.counter;
    c.promptTokens += usage.promptTokens;
    c.completionTokens += usage.completionTokens;
    c.totalTokens += usage.totalTokens;
    slot.totals.totalTokens += usage.totalTokens;
    this.#touch();
  }

  countError(slot: UsageSlot): void {
    slot.counter.errors += 1;
    this.#touch();
  }

  /** Writes pending counters now (and waits for any write in progress). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dirty) {
      this.#dirty = false;
      this.#flushing = this.#flushing
        .then(() => this.#store.persist())
        .catch((e: unknown) => {
          this.#dirty = true;
          console.error('[usage] could not write the usage counters:', (e as Error).message);
        });
    }
    return this.#flushing;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #touch(): void {
    this.#dirty = true;
    // A call still settling when the kit stops (a tokenizer count, say) must not write into a
    // data dir the kit has let go of: after close, counts stay in memory only.
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => void this.flush(), this.#flushMs);
    this.#timer.unref();
  }

  #book(attendeeId: string, day: string): DayBook {
    let days = this.#books.get(attendeeId);
    if (!days) {
      days = new Map();
      this.#books.set(attendeeId, days);
    }
    let book = days.get(day);
    if (!book) {
      book = { totals: { requests: 0, totalTokens: 0 }, byDeployment: new Map() };
      days.set(day, book);
    }
    return book;
  }

  #counter(book: DayBook, eventId: string, attendeeId: string, deployment: string, day: string): UsageCounter {
    let c = book.byDeployment.get(deployment);
    if (!c) {
      c = {
        eventId,
        attendeeId,
        deployment,
        day,
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
        totalTokens: 0,
        errors: 0,
      };
      this.#store.data.usage.push(c);
      book.byDeployment.set(deployment, c);
    }
    return c;
  }

  /** Another writer may have replaced the collection (an event removed, say): index it again. */
  #ensureIndex(): void {
    if (this.#indexed !== this.#store.data.usage) this.#reindex();
  }

  #reindex(): void {
    const usage = this.#store.data.usage;
    this.#books = new Map();
    for (const c of usage) {
      const book = this.#book(c.attendeeId, c.day);
      book.byDeployment.set(c.deployment, c);
      book.totals.requests += c.requests;
      book.totals.totalTokens += c.totalTokens;
    }
    this.#indexed = usage;
  }
}
