/**
 * Each resource's share of the upstream quota: the organizer's optional
 * limit of calls in flight (`maxInFlight`), with one fair queue per resource
 * (`fair-queue.ts`) for the calls beyond it. A resource without a limit never
 * reaches this module, so the common path pays nothing. A call that cannot
 * get a place in time is refused with `429 rate_limited` and a wait to try
 * again after; upstream 429s still rest the resource as before
 * (`health.ts`).
 */
import type { Resource } from '../../../../shared/types.js';
import { KitError } from '../../errors.js';
import { retryHeaders } from '../metering/rate-limit-headers.js';
import { type AbortLike, FairQueue, type Leave, type QueueRefusal } from './fair-queue.js';

export interface CapacityOptions {
  /** Calls waiting per resource, as a multiple of its limit (at least 32 in all). */
  queuePerPlace?: number;
  /** The longest a call waits for a place. */
  maxWaitMs?: number;
  now?: () => number;
}

export const DEFAULT_MAX_WAIT_MS = 30_000;

export class ResourceCapacity {
  readonly #queues = new Map<string, FairQueue>();
  readonly #queuePerPlace: number;
  readonly #maxWaitMs: number;
  readonly #now: () => number;

  constructor(opts: CapacityOptions = {}) {
    this.#queuePerPlace = opts.queuePerPlace ?? 8;
    this.#maxWaitMs = opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.#now = opts.now ?? Date.now;
  }

  /** True when a call to this resource would be sent at once (no limit, or a free place and nobody waiting). */
  hasRoom(resource: Resource): boolean {
    return !resource.maxInFlight || this.#queue(resource).hasRoom;
  }

  /**
   * A place for one call of `attendeeId` on a resource with a limit: at once, or after its turn in the
   * queue. Rejects with `429 rate_limited` when the queue is full or the wait too long, and with
   * `'aborted'` when the client goes away while it waits.
   */
  enter(resource: Resource, attendeeId: string, signal?: AbortLike): Leave | Promise<Leave> {
    const entered = this.#queue(resource).enter(attendeeId, signal);
    if (!(entered instanceof Promise)) return entered;
    return entered.catch((why: QueueRefusal | 'aborted') => {
      throw why === 'aborted' ? why : busy(resource, why, this.#maxWaitMs);
    });
  }

  /** Calls in flight and waiting per resource (for the console and tests). */
  view(resourceId: string): { inFlight: number; queued: number } | undefined {
    const q = this.#queues.get(resourceId);
    return q && { inFlight: q.inFlight, queued: q.queued };
  }

  #queue(resource: Resource): FairQueue {
    const limit = resource.maxInFlight ?? 0;
    let q = this.#queues.get(resource.id);
    if (!q) {
      q = new FairQueue({
        limit,
        maxQueued: Math.max(32, limit * this.#queuePerPlace),
        maxWaitMs: this.#maxWaitMs,
        now: this.#now,
      });
      this.#queues.set(resource.id, q);
    } else if (q.limit !== limit) {
      q.setLimit(limit);
    }
    return q;
  }
}

function busy(resource: Resource, why: QueueRefusal, maxWaitMs: number): KitError {
  const headers = retryHeaders(why.retryMs);
  headers['x-should-retry'] = 'true';
  const seconds = headers['retry-after'];
  const what =
    why.reason === 'timeout'
      ? `waited ${Math.round(maxWaitMs / 1000)} seconds for its turn`
      : `found the queue full (${why.queued} calls waiting)`;
  return new KitError(
    'rate_limited',
    `"${resource.deployment}" is busy: the organizer lets ${resource.maxInFlight} calls at a time reach it, and this call ${what}. Try again in ${seconds} seconds.`,
    headers,
  );
}
