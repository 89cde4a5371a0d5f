/**
 * The way out: one undici Agent (a keep-alive pool per upstream origin), the
 * token source for Entra resources, and the playground's address (each
 * kind's descriptor says where its base URL is). The built-in playground is an in-process HTTP server on loopback, so it
 * goes through exactly the same path as a real upstream.
 */
import { Agent, type Dispatcher } from 'undici';
import { kindOf } from '../../../../shared/resource-kinds/table.js';
import type { Resource } from '../../../../shared/types.js';
import { type CapacityOptions, ResourceCapacity } from './capacity.js';
import { credentialHeaders, IdentityTokenSource, type TokenSource } from './credentials.js';
import { DEFAULT_THROTTLE_MS, HealthBoard } from './health.js';

export interface UpstreamTimeouts {
  connectMs: number;
  /** Until the response headers arrive. */
  firstByteMs: number;
  /** The longest silence between two body chunks (a stalled stream). */
  idleMs: number;
}

export const defaultTimeouts: UpstreamTimeouts = { connectMs: 10_000, firstByteMs: 120_000, idleMs: 120_000 };

export interface UpstreamOptions {
  tokens?: TokenSource;
  timeouts?: Partial<UpstreamTimeouts>;
  /** `http://127.0.0.1:<port>`, set once the playground listens. */
  playgroundOrigin?: string;
  /** Resources one call may try before giving up (default 3). */
  maxAttempts?: number;
  /** How long a 429 without a retry hint rests its resource. */
  throttleMs?: number;
  /** The weighted draw's randomness (tests make it deterministic). */
  random?: () => number;
  /** The queue of resources with a limit of calls in flight (its length and longest wait). */
  capacity?: CapacityOptions;
}

export class Upstream {
  readonly dispatcher: Dispatcher;
  readonly tokens: TokenSource;
  readonly timeouts: UpstreamTimeouts;
  playgroundOrigin: string | undefined;
  readonly health = new HealthBoard();
  /** Resources' limits of calls in flight, and the fair queues behind them. */
  readonly capacity: ResourceCapacity;
  readonly maxAttempts: number;
  readonly throttleMs: number;
  readonly random: () => number;

  constructor(opts: UpstreamOptions = {}) {
    this.timeouts = { ...defaultTimeouts, ...opts.timeouts };
    this.maxAttempts = Math.max(1, Math.min(opts.maxAttempts ?? 3, 10));
    this.throttleMs = opts.throttleMs ?? DEFAULT_THROTTLE_MS;
    this.random = opts.random ?? Math.random;
    this.tokens = opts.tokens ?? new IdentityTokenSource();
    this.playgroundOrigin = opts.playgroundOrigin;
    this.capacity = new ResourceCapacity(opts.capacity);
    this.dispatcher = new Agent({
      connections: 256,
      keepAliveTimeout: 30_000,
      connect: { timeout: this.timeouts.connectMs },
      headersTimeout: this.timeouts.firstByteMs,
      bodyTimeout: this.timeouts.idleMs,
    });
  }

  /** The resource's endpoint with no trailing slash; the playground's real address for `builtin:playground`. */
  base(resource: Resource): string {
    return kindOf(resource.kind).baseUrl(resource, this);
  }

  credentialHeaders(resource: Resource): Record<string, string> | Promise<Record<string, string>> {
    return credentialHeaders(resource, this.tokens);
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
