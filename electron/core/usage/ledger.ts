/**
 * The usage ledger: request and token counters per event, attendee,
 * deployment and event-local day, kept in memory so the proxy can check a cap
 * and count a call without touching the disk. It is the one place usage is
 * read from (the admin reports, attendee lists and "my usage" all ask it),
 * and it reaches the store as increments: at most one write per flush
 * interval, and one on close. A flush that cannot be saved (a full disk)
 * keeps its counts in memory and is retried with a growing pause; nothing
 * counted is lost while the kit runs.
 */
import type { UsageRow } from '../../../shared/types.js';
import { dayIn, nextMidnight } from '../../../shared/zoned-time.js';
import type { OwnedObject } from '../store/schema.js';
import type { StoreDriver, UsageDelta } from '../store/store-driver.js';

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
  readonly counter: LedgerRow;
  readonly totals: DayTotals;
}

/** Where a counter's calls fall in time (epoch ms; 0 = no call yet). */
interface CallTimes {
  firstAt: number;
  lastAt: number;
}

/**
 * One counter as the reports read it: the counts, and the first and last call it holds (epoch ms, 0
 * when unknown: counters saved before the kit timed calls).
 */
export interface LedgerRow extends UsageRow, CallTimes {
  readonly eventId: string;
  readonly attendeeId: string;
  readonly deployment: string;
  readonly day: string;
}

/** A counter and what of it the store already holds. */
interface Counter extends LedgerRow {
  readonly saved: UsageRow & CallTimes;
}

/** One attendee's day: the totals the caps check, and a counter per deployment. */
interface DayBook {
  totals: DayTotals;
  byDeployment: Map<string, Counter>;
}

const fields = ['requests', 'promptTokens', 'completionTokens', 'totalTokens', 'errors'] as const;
const zeroRow = (): UsageRow => ({ requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, errors: 0 });
const msOf = (iso: string | undefined): number => (iso ? Date.parse(iso) || 0 : 0);
const isoOf = (ms: number): string | undefined => (ms ? new Date(ms).toISOString() : undefined);
function addInto(acc: UsageRow, c: UsageRow): UsageRow {
  for (const f of fields) acc[f] += c[f];
  return acc;
}

function rowIn(map: Map<string, UsageRow>, key: string): UsageRow {
  let row = map.get(key);
  if (!row) {
    row = zeroRow();
    map.set(key, row);
  }
  return row;
}

/** Per-event totals of one day, by attendee and by deployment. */
export interface DayReport {
  byAttendee: Map<string, UsageRow>;
  byDeployment: Map<string, UsageRow>;
}

const DEFAULT_FLUSH_MS = 2000;
/** The longest pause between two tries of a flush that keeps failing. */
const MAX_RETRY_MS = 60_000;

export class UsageLedger {
  readonly #store: StoreDriver;
  readonly #flushMs: number;
  readonly #now: () => number;
  /**
   * attendee id → day → the counters and totals. Nested maps of the ids as they are, rather than one
   * map of joined keys: no string is built per lookup. Attendee ids are unique across events.
   */
  readonly #books = new Map<string, Map<string, DayBook>>();
  /** event id → its counters, for the reports. */
  readonly #byEvent = new Map<string, Counter[]>();
  /** event id → its current day, and the zone it was computed in (an event's zone can change). */
  readonly #days = new Map<string, EventDay & { timeZone: string }>();
  /** Runs and responses whose tokens were counted and not yet saved: their marks go with those tokens. */
  readonly #marks = new Map<string, OwnedObject>();
  #timer: NodeJS.Timeout | undefined;
  #dirty = false;
  #flushing: Promise<void> | undefined;
  #failures = 0;
  #closed = false;

  /** `now` times the calls (their first and last in the reports). */
  constructor(store: StoreDriver, flushMs = DEFAULT_FLUSH_MS, now: () => number = Date.now) {
    this.#store = store;
    this.#flushMs = flushMs;
    this.#now = now;
    this.#load();
  }

  #load(): void {
    for (const row of this.#store.usage) {
      const book = this.#book(row.attendeeId, row.day);
      const c = this.#counter(book, row.eventId, row.attendeeId, row.deployment, row.day);
      for (const f of fields) {
        c[f] = row[f];
        c.saved[f] = row[f];
      }
      c.firstAt = c.saved.firstAt = msOf(row.firstCallAt);
      c.lastAt = c.saved.lastAt = msOf(row.lastCallAt);
      book.totals.requests += row.requests;
      book.totals.totalTokens += row.totalTokens;
    }
  }

  /**
   * Forgets what is counted here and reads the store's counters again: after a restore replaced them.
   * Counts not yet saved are dropped (the caller flushes first, if they are to be kept).
   */
  reload(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dirty = false;
    this.#failures = 0;
    this.#books.clear();
    this.#byEvent.clear();
    this.#marks.clear();
    this.#load();
  }

  /** Every counter of one event, as it stands (unsaved counts included): what the reports sum. */
  eventRows(eventId: string): readonly LedgerRow[] {
    return this.#byEvent.get(eventId) ?? [];
  }

  /** Today in the event's zone; cached until the next local midnight so the hot path skips Intl. */
  dayOf(event: { id: string; timeZone: string }, now: number): EventDay {
    const cached = this.#days.get(event.id);
    if (cached && cached.timeZone === event.timeZone && now < cached.endsAt && now >= cached.endsAt - 26 * 3600_000)
      return cached;
    const fresh = {
      day: dayIn(now, event.timeZone),
      endsAt: nextMidnight(now, event.timeZone),
      timeZone: event.timeZone,
    };
    this.#days.set(event.id, fresh);
    return fresh;
  }

  totals(_eventId: string, attendeeId: string, day: string): DayTotals {
    return this.#books.get(attendeeId)?.get(day)?.totals ?? { requests: 0, totalTokens: 0 };
  }

  /** One attendee's requests of a day to one deployment name (nothing is created to answer). */
  requestsOn(attendeeId: string, day: string, deployment: string): number {
    return this.#books.get(attendeeId)?.get(day)?.byDeployment.get(deployment)?.requests ?? 0;
  }

  /** One attendee's whole day: every counter summed over the deployments. */
  attendeeDay(attendeeId: string, day: string): UsageRow {
    const row = zeroRow();
    const book = this.#books.get(attendeeId)?.get(day);
    if (book) for (const c of book.byDeployment.values()) addInto(row, c);
    return row;
  }

  /** One event's day, by attendee and by deployment. */
  eventDay(eventId: string, day: string): DayReport {
    const byAttendee = new Map<string, UsageRow>();
    const byDeployment = new Map<string, UsageRow>();
    for (const c of this.#byEvent.get(eventId) ?? []) {
      if (c.day !== day) continue;
      addInto(rowIn(byAttendee, c.attendeeId), c);
      addInto(rowIn(byDeployment, c.deployment), c);
    }
    return { byAttendee, byDeployment };
  }

  /** The counters of one attendee, deployment and day (created at zero), for the `count*` methods. */
  slot(eventId: string, attendeeId: string, deployment: string, day: string): UsageSlot {
    const book = this.#book(attendeeId, day);
    return { counter: this.#counter(book, eventId, attendeeId, deployment, day), totals: book.totals };
  }

  /** Counts one forwarded request (its tokens come later, with `countTokens`), and when it was made. */
  countRequest(slot: UsageSlot): void {
    const c = slot.counter;
    const at = this.#now();
    c.requests += 1;
    if (c.firstAt === 0 || at < c.firstAt) c.firstAt = at;
    if (at > c.lastAt) c.lastAt = at;
    slot.totals.requests += 1;
    this.#touch();
  }

  /** Takes back a request that was counted but never left the kit. */
  uncountRequest(slot: UsageSlot): void {
    const c = slot.counter;
    c.requests = Math.max(0, c.requests - 1);
    // A counter left with no call has no call times either (a later one keeps the time of the call taken back).
    if (c.requests === 0) {
      c.firstAt = (c as Counter).saved.firstAt;
      c.lastAt = (c as Counter).saved.lastAt;
    }
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

  /**
   * Writes what was counted since the last write, as increments (and waits for a write in progress).
   * Never rejects: a write that fails keeps its counts in memory and is tried again later.
   */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#dirty) return;
    this.#dirty = false;
    const pending: Array<{ counter: Counter; delta: UsageDelta; times: CallTimes }> = [];
    for (const counters of this.#byEvent.values()) {
      for (const c of counters) {
        const delta: UsageDelta = {
          eventId: c.eventId,
          attendeeId: c.attendeeId,
          deployment: c.deployment,
          day: c.day,
          ...zeroRow(),
        };
        let changed = c.firstAt !== c.saved.firstAt || c.lastAt !== c.saved.lastAt;
        for (const f of fields) {
          delta[f] = c[f] - c.saved[f];
          if (delta[f] !== 0) changed = true;
        }
        if (!changed) continue;
        // Times merge as earliest and latest in the store: sending them again is harmless.
        const firstCallAt = isoOf(c.firstAt);
        const lastCallAt = isoOf(c.lastAt);
        if (firstCallAt) delta.firstCallAt = firstCallAt;
        if (lastCallAt) delta.lastCallAt = lastCallAt;
        pending.push({ counter: c, delta, times: { firstAt: c.firstAt, lastAt: c.lastAt } });
      }
    }
    const marks = [...this.#marks.values()];
    if (pending.length === 0 && marks.length === 0) return;
    this.#flushing = this.#store
      .addUsage(
        pending.map((p) => p.delta),
        marks,
      )
      .then(
        () => {
          for (const { counter, delta, times } of pending) {
            for (const f of fields) counter.saved[f] += delta[f];
            counter.saved.firstAt = times.firstAt;
            counter.saved.lastAt = times.lastAt;
          }
          // The store holds these marks now; a mark made meanwhile (another key) stays for the next flush.
          for (const m of marks)
            if (this.#marks.get(`${m.type}\u0000${m.id}`) === m) this.#marks.delete(`${m.type}\u0000${m.id}`);
          this.#failures = 0;
        },
        () => {
          // The store said why (once per episode, in the kit log); the counts stay here and go with the next try.
          this.#dirty = true;
          this.#failures += 1;
          if (this.#closed) return;
          this.#timer = setTimeout(
            () => void this.flush(),
            Math.min(MAX_RETRY_MS, this.#flushMs * 2 ** this.#failures),
          );
          this.#timer.unref();
        },
      );
    try {
      await this.#flushing;
    } finally {
      this.#flushing = undefined;
    }
  }

  /** Remembers that a run's or response's tokens were counted; saved in the same write as the counts. */
  mark(record: OwnedObject): void {
    this.#marks.set(`${record.type}\u0000${record.id}`, record);
    this.#touch();
  }

  /**
   * Drops the unsaved marks of a deleted object and of what was recorded under it: a flush after the
   * delete must not write its record back.
   */
  unmark(type: string, id: string): void {
    for (const [key, m] of this.#marks)
      if ((m.type === type && m.id === id) || m.parentId === id) this.#marks.delete(key);
  }

  /** True when this run's or response's tokens were counted and the mark is not saved yet. */
  isMarked(type: string, id: string): boolean {
    return this.#marks.has(`${type}\u0000${id}`);
  }

  /** Counts not yet in the store (a flush failed, or its interval has not come). */
  get unsaved(): boolean {
    return this.#dirty;
  }

  async close(): Promise<void> {
    // Counts made after the first close (a call still settling) stay in memory: the data dir is let go.
    if (this.#closed) return;
    this.#closed = true;
    await this.flush();
    if (this.#dirty) console.error('[usage] the last usage counts could not be saved before the kit stopped.');
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

  #counter(book: DayBook, eventId: string, attendeeId: string, deployment: string, day: string): Counter {
    let c = book.byDeployment.get(deployment);
    if (!c) {
      c = {
        eventId,
        attendeeId,
        deployment,
        day,
        ...zeroRow(),
        firstAt: 0,
        lastAt: 0,
        saved: { ...zeroRow(), firstAt: 0, lastAt: 0 },
      };
      book.byDeployment.set(deployment, c);
      const list = this.#byEvent.get(eventId);
      if (list) list.push(c);
      else this.#byEvent.set(eventId, [c]);
    }
    return c;
  }
}
