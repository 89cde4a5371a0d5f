/**
 * A limit of calls in flight with a queue that serves attendees in turn.
 * When every place is taken, a call waits in its attendee's line; a place
 * that frees goes to the next attendee in the rotation (round robin, one
 * call per turn), so one attendee's 50 queued calls delay another's single
 * call by at most one turn of each attendee already waiting. Bounded: a full
 * queue turns away the newest call of the attendee with the most waiting
 * (or the newcomer, when that is them), and a call waits at most `maxWaitMs`;
 * both are refused with a wait to try again after. A call whose client goes
 * away leaves the queue.
 */

/** Why a call did not get a place: the queue was full, it waited too long, or another's call needed its place. */
export interface QueueRefusal {
  reason: 'full' | 'timeout';
  /** How long the caller might wait before trying again. */
  retryMs: number;
  /** Calls waiting when it was refused. */
  queued: number;
}

/** Frees the place a call held; calling it more than once frees it once. */
export type Leave = () => void;

interface Waiter {
  attendeeId: string;
  grant: (leave: Leave) => void;
  refuse: (reason: QueueRefusal | 'aborted') => void;
}

export interface FairQueueOptions {
  limit: number;
  /** The most calls waiting at once, all attendees together. */
  maxQueued: number;
  maxWaitMs: number;
  now?: () => number;
}

/** The part of an AbortSignal a waiting call listens to (the proxy's own call signal has it). */
export interface AbortLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', fn: () => void): void;
  removeEventListener(type: 'abort', fn: () => void): void;
}

export class FairQueue {
  limit: number;
  inFlight = 0;
  readonly #maxQueued: number;
  readonly #maxWaitMs: number;
  readonly #now: () => number;
  /** Each attendee's waiting calls, oldest first. */
  readonly #lines = new Map<string, Waiter[]>();
  /** Attendees with calls waiting, in the order their turns come. */
  #turns: string[] = [];
  #queued = 0;
  /** A moving average of how long a call holds its place, for the wait a refusal suggests. */
  #holdMs = 1000;

  constructor(opts: FairQueueOptions) {
    this.limit = opts.limit;
    this.#maxQueued = opts.maxQueued;
    this.#maxWaitMs = opts.maxWaitMs;
    this.#now = opts.now ?? Date.now;
  }

  get queued(): number {
    return this.#queued;
  }

  /** True when a call arriving now would get a place at once. */
  get hasRoom(): boolean {
    return this.inFlight < this.limit && this.#queued === 0;
  }

  /**
   * A place for one call of `attendeeId`: at once (a `Leave`, no promise) when there is room, else a
   * promise that waits its turn and rejects with a `QueueRefusal` (or `'aborted'` when `signal` fires).
   */
  enter(attendeeId: string, signal?: AbortLike): Leave | Promise<Leave> {
    if (this.hasRoom) return this.#take();
    if (signal?.aborted) return Promise.reject('aborted');
    if (this.#queued >= this.#maxQueued && !this.#makeRoomFor(attendeeId)) {
      return Promise.reject(this.#refusal('full'));
    }
    return new Promise<Leave>((resolve, reject) => {
      const timer = setTimeout(() => settle(() => reject(this.#refusal('timeout'))), this.#maxWaitMs);
      timer.unref?.();
      const onAbort = () => settle(() => reject('aborted'));
      const settle = (then: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#remove(w);
        then();
      };
      const w: Waiter = {
        attendeeId,
        grant: (leave) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(leave);
        },
        refuse: (why) => settle(() => reject(why)),
      };
      signal?.addEventListener('abort', onAbort);
      this.#add(w);
    });
  }

  /** A changed limit: raised, waiting calls get the new places at once. */
  setLimit(limit: number): void {
    this.limit = limit;
    this.#grantWhileRoom();
  }

  #take(): Leave {
    this.inFlight += 1;
    const since = this.#now();
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inFlight -= 1;
      this.#holdMs = this.#holdMs * 0.8 + Math.max(1, this.#now() - since) * 0.2;
      this.#grantWhileRoom();
    };
  }

  #grantWhileRoom(): void {
    while (this.inFlight < this.limit && this.#turns.length > 0) {
      const attendeeId = this.#turns.shift() as string;
      const line = this.#lines.get(attendeeId) as Waiter[];
      const w = line.shift() as Waiter;
      this.#queued -= 1;
      if (line.length) this.#turns.push(attendeeId);
      else this.#lines.delete(attendeeId);
      w.grant(this.#take());
    }
  }

  #add(w: Waiter): void {
    const line = this.#lines.get(w.attendeeId);
    if (line) line.push(w);
    else {
      this.#lines.set(w.attendeeId, [w]);
      this.#turns.push(w.attendeeId);
    }
    this.#queued += 1;
  }

  /** Takes a waiter out of its line (a timeout, an abort, an eviction); nothing when it is not there. */
  #remove(w: Waiter): void {
    const line = this.#lines.get(w.attendeeId);
    const i = line ? line.indexOf(w) : -1;
    if (!line || i === -1) return;
    line.splice(i, 1);
    this.#queued -= 1;
    if (line.length === 0) {
      this.#lines.delete(w.attendeeId);
      this.#turns.splice(this.#turns.indexOf(w.attendeeId), 1);
    }
  }

  /**
   * A full queue is shared fairly: the attendee with the most calls waiting gives up their newest one for
   * a newcomer who has fewer. False when the newcomer is (one of) the longest lines themselves.
   */
  #makeRoomFor(attendeeId: string): boolean {
    let longest: Waiter[] | undefined;
    for (const line of this.#lines.values()) if (!longest || line.length > longest.length) longest = line;
    const mine = this.#lines.get(attendeeId)?.length ?? 0;
    if (!longest || longest.length <= mine + 1) return false;
    (longest.at(-1) as Waiter).refuse(this.#refusal('full'));
    return true;
  }

  #refusal(reason: QueueRefusal['reason']): QueueRefusal {
    // Everything ahead, served `limit` at a time at the recent pace.
    const retryMs = Math.min(60_000, Math.max(1000, (this.#holdMs * (this.#queued + 1)) / Math.max(1, this.limit)));
    return { reason, retryMs, queued: this.#queued };
  }
}
