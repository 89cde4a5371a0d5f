/**
 * One realtime session under the event's rules, from the moment both
 * sockets are open until both are closed: frames relayed unchanged
 * (`frame-relay.ts`); every `response.done` event's `usage` read on the side
 * (only text frames whose first bytes name that type are parsed) and booked
 * into the ledger, the token budget and the per-minute allowance; the live
 * traffic feed told when it opens, after each response and when it closes;
 * and ended by the kit, with an `error` event the attendee's SDK raises and
 * a close reason they can read, when the key is revoked, the event ends or
 * is disabled, the token budget is spent or the event's longest session is
 * reached (checked on the registry's beat, well within a second).
 */
import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import type { TrafficRecord } from '../../../../shared/types.js';
import { describeInstant } from '../../../../shared/zoned-time.js';
import type { Caller } from '../../auth/attendee-auth.js';
import { assertEventOpen } from '../../auth/event-window.js';
import { isKitError } from '../../errors.js';
import type { StoreDriver } from '../../store/store-driver.js';
import type { TrafficFeed } from '../../traffic/feed.js';
import type { UsageLedger, UsageSlot } from '../../usage/ledger.js';
import { limitOf } from '../metering/attendee-limits.js';
import { type TokenUsage, usageFrom } from '../metering/usage.js';
import type { Admission } from '../pipeline/admit.js';
import { FrameRelay, type Side } from './frame-relay.js';

export interface SessionDeps {
  store: StoreDriver;
  ledger: UsageLedger;
  feed: TrafficFeed;
  now: () => number;
}

export interface SessionStart {
  caller: Caller;
  deployment: string;
  resourceId: string;
  /** The route pattern (`/openai/realtime` or `/openai/v1/realtime`). */
  route: string;
  admission: Admission;
  /** When the client's handshake arrived. */
  started: number;
}

/** Only the first bytes of a text frame are searched for its type; JSON events put `type` (or `event_id`, then `type`) first. */
const TYPE_WINDOW = 256;
const RESPONSE_DONE = Buffer.from('"response.done"');
/** A WebSocket close reason is at most 123 bytes of UTF-8. */
const MAX_REASON_BYTES = 123;
/** Upstream ending a session this way is counted as an error. */
const abnormal = new Set([1006, 1011, 1012, 1013, 1014]);

/** `text` cut to fit a close frame, on a character boundary. */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= MAX_REASON_BYTES) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(`${out}${ch}…`) > MAX_REASON_BYTES) break;
    out += ch;
  }
  return `${out}…`;
}

export class RealtimeSession {
  readonly id = `rts_${randomBytes(9).toString('base64url')}`;
  readonly openedAt: number;
  readonly #deps: SessionDeps;
  readonly #start: SessionStart;
  readonly #relay: FrameRelay;
  readonly #client: WebSocket;
  readonly #onClosed: (s: RealtimeSession) => void;
  #slot: UsageSlot;
  #day: string;
  #tokens = 0;
  #responses = 0;
  #ended = false;

  constructor(
    deps: SessionDeps,
    start: SessionStart,
    client: WebSocket,
    upstream: WebSocket,
    onClosed: (s: RealtimeSession) => void,
  ) {
    this.#deps = deps;
    this.#start = start;
    this.#client = client;
    this.#onClosed = onClosed;
    this.openedAt = deps.now();
    this.#slot = start.admission.slot;
    this.#day = start.admission.day.day;
    this.#relay = new FrameRelay(client, upstream, {
      upstreamText: (data) => this.#read(data),
      closed: (by, code, reason) => this.#closed(by, code, reason),
    });
    this.#push('open', { durationMs: this.openedAt - start.started, ttfbMs: this.openedAt - start.started });
  }

  get attendeeId(): string {
    return this.#start.caller.attendee.id;
  }

  /** The event's rules, looked at again (the store's current records: a revocation, a changed end). */
  check(now: number): void {
    if (this.#ended) return;
    const breach = this.#breach(now);
    if (breach) this.end(breach.code, breach.message);
  }

  /** Why the session may not go on, if it may not. */
  #breach(now: number): { code: string; message: string } | undefined {
    const { store, ledger } = this.#deps;
    const attendee = store.attendee(this.attendeeId);
    if (!attendee || attendee.revoked) {
      return { code: 'key_revoked', message: 'This API key has been revoked by the organizer.' };
    }
    const event = store.event(attendee.eventId);
    if (!event) return { code: 'event_ended', message: 'The event of this API key no longer exists.' };
    try {
      assertEventOpen(event, now);
    } catch (e) {
      if (isKitError(e)) return { code: e.code, message: e.message };
      throw e;
    }
    const minutes = event.maxSessionMinutes ?? 0;
    if (minutes > 0 && now - this.openedAt >= minutes * 60_000) {
      return {
        code: 'session_expired',
        message: `This session reached the event's limit of ${minutes} minutes. Open a new session to go on.`,
      };
    }
    const budget = limitOf(event, attendee, 'dailyTokenBudget');
    if (budget > 0) {
      const day = ledger.dayOf(event, now);
      if (ledger.totals(event.id, attendee.id, day.day).totalTokens >= budget) {
        const when = describeInstant(new Date(day.endsAt).toISOString(), event.timeZone);
        return {
          code: 'token_budget_reached',
          message: `You have used your ${budget} tokens for today. They reset at ${when}.`,
        };
      }
    }
    return undefined;
  }

  ping(): void {
    this.#relay.ping();
  }

  /**
   * Ends the session from the kit: an `error` event in the Realtime API's shape (the SDKs raise it with
   * its code), then a close (1008, or `closeCode`) whose reason says why.
   */
  end(code: string, message: string, closeCode = 1008): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#client.readyState === this.#client.OPEN) {
      this.#client.send(
        JSON.stringify({
          type: 'error',
          event_id: `event_kit_${randomBytes(6).toString('hex')}`,
          error: { type: 'invalid_request_error', code, message, param: null, event_id: null },
        }),
      );
    }
    this.#relay.end(closeCode, closeReason(message));
  }

  #read(data: Buffer): void {
    const head = data.length > TYPE_WINDOW ? data.subarray(0, TYPE_WINDOW) : data;
    if (head.indexOf(RESPONSE_DONE) === -1) return;
    let event: { type?: unknown; response?: unknown };
    try {
      event = JSON.parse(data.toString('utf8'));
    } catch {
      return; // not ours to judge: it is relayed as it came
    }
    if (event?.type !== 'response.done') return;
    this.#responses += 1;
    const usage = usageFrom(event.response);
    this.#book(usage);
  }

  #book(usage: TokenUsage | undefined): void {
    const { ledger, store, now } = this.#deps;
    const event = store.event(this.#start.caller.event.id) ?? this.#start.caller.event;
    if (usage) {
      // A session that runs past the venue's midnight books into the new day.
      const day = ledger.dayOf(event, now());
      if (day.day !== this.#day) {
        this.#day = day.day;
        this.#slot = ledger.slot(event.id, this.attendeeId, this.#start.deployment, day.day);
      }
      ledger.countTokens(this.#slot, usage);
      this.#start.admission.ticket?.used(usage.totalTokens);
      this.#start.admission.hold?.spend(usage.totalTokens);
      this.#tokens += usage.totalTokens;
    }
    this.#push('response', {
      durationMs: now() - this.openedAt,
      ...(usage
        ? {
            promptTokens: usage.promptTokens,
            completionTokens: usage.completionTokens,
            totalTokens: usage.totalTokens,
          }
        : {}),
    });
    // After the relay has sent this response.done on: the attendee sees the response that spent the budget.
    queueMicrotask(() => this.check(now()));
  }

  #closed(by: Side | 'kit', code: number, reason: string): void {
    this.#ended = true;
    this.#start.admission.ticket?.release();
    this.#start.admission.hold?.done();
    if (by === 'upstream' && abnormal.has(code)) this.#deps.ledger.countError(this.#slot);
    this.#push('closed', { durationMs: this.#deps.now() - this.openedAt }, { closeCode: code, closeReason: reason });
    this.#onClosed(this);
  }

  #push(
    phase: 'open' | 'response' | 'closed',
    fields: Partial<TrafficRecord>,
    close: { closeCode?: number; closeReason?: string } = {},
  ): void {
    const { caller, deployment, resourceId, route } = this.#start;
    this.#deps.feed.push({
      at: new Date(this.#deps.now()).toISOString(),
      method: 'GET',
      route,
      path: route,
      status: 101,
      durationMs: 0,
      eventId: caller.event.id,
      attendeeId: caller.attendee.id,
      ...(caller.attendee.name ? { attendeeName: caller.attendee.name } : {}),
      deployment,
      resourceId,
      ...fields,
      session: {
        id: this.id,
        phase,
        openedAt: new Date(this.openedAt).toISOString(),
        totalTokens: this.#tokens,
        responses: this.#responses,
        ...close,
      },
    });
  }
}
