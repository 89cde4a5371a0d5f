/** The per-address registration limiter on its own: window, loopback exemption, bounded table. */
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../../electron/core/lan/rate-limit.js';

describe('the per-address limiter', () => {
  it('exempts the organizer machine (loopback) unless told not to, and forgets the oldest address first', () => {
    const l = new RateLimiter({ max: 1, windowMs: 1000, maxTracked: 2 });
    expect([l.take('127.0.0.1', 0), l.take('127.0.0.1', 0), l.take('::1', 0)]).toEqual([0, 0, 0]);
    expect([l.take('10.0.0.5', 0), l.take('10.0.0.5', 10)]).toEqual([0, 1]);
    expect(l.take('10.0.0.5', 1000)).toBe(0);
    l.take('10.0.0.6', 1000);
    l.take('10.0.0.7', 1000);
    expect(l.size).toBe(2);
  });
});
