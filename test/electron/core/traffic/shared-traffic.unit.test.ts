/**
 * Live traffic merged across instances over a bus in memory: each feed shows
 * its own records and the others', tagged with the instance, never published
 * twice; payloads stay under PostgreSQL's NOTIFY limit however many records a
 * batch holds; what is not a record is dropped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TrafficFeed } from '../../../../electron/core/traffic/feed.js';
import {
  MAX_PAYLOAD_BYTES,
  payloadsOf,
  SharedTraffic,
  type TrafficBus,
} from '../../../../electron/core/traffic/shared-traffic.js';
import type { TrafficRecord } from '../../../../shared/types.js';

/** Every payload published reaches every listener, like NOTIFY (the publisher's own included). */
class MemoryBus {
  readonly listeners = new Set<(p: string) => void>();
  readonly published: string[] = [];
  connect(): TrafficBus {
    let mine: ((p: string) => void) | undefined;
    return {
      publish: async (p) => {
        this.published.push(p);
        for (const l of this.listeners) l(p);
      },
      listen: async (fn) => {
        mine = fn;
        this.listeners.add(fn);
      },
      close: async () => {
        if (mine) this.listeners.delete(mine);
      },
    };
  }
}

const record = (over: Partial<TrafficRecord> = {}): Omit<TrafficRecord, 'id'> => ({
  at: new Date(0).toISOString(),
  method: 'POST',
  route: '/openai/deployments/:deployment/chat/completions',
  path: '/openai/deployments/gpt-4o-mini/chat/completions',
  status: 200,
  durationMs: 12,
  attendeeId: 'att_1',
  deployment: 'gpt-4o-mini',
  totalTokens: 42,
  ...over,
});

const open: SharedTraffic[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function instances() {
  const bus = new MemoryBus();
  const feeds = [new TrafficFeed(2000, 1), new TrafficFeed(2000, 1)] as const;
  const shares = [
    new SharedTraffic(feeds[0], bus.connect(), 'kit-a'),
    new SharedTraffic(feeds[1], bus.connect(), 'kit-b'),
  ];
  for (const s of shares) await s.start();
  open.push(...shares);
  return { bus, feeds };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('shared live traffic', () => {
  it('shows every instance the records of all, tagged with the instance that served them', async () => {
    const { bus, feeds } = await instances();
    feeds[0].push(record({ attendeeName: 'Ada' }));
    feeds[1].push(record({ status: 429, errorCode: 'daily_cap_reached' }));
    await settle();
    for (const feed of feeds) {
      const seen = feed.recent().map((r) => [r.instance, r.status]);
      expect(seen).toHaveLength(2);
      expect(seen).toEqual(
        expect.arrayContaining([
          ['kit-a', 200],
          ['kit-b', 429],
        ]),
      );
    }
    expect(feeds[1].recent().find((r) => r.instance === 'kit-a')?.attendeeName).toBe('Ada');
    // Each record was published once, by the instance that served it.
    expect(bus.published).toHaveLength(2);
  });

  it('splits a large batch into payloads under the NOTIFY limit, long paths shortened', () => {
    const records = Array.from({ length: 500 }, (_, i) => ({ id: i, ...record({ path: `/${'x'.repeat(5000)}` }) }));
    const payloads = payloadsOf('kit-a', records);
    expect(payloads.length).toBeGreaterThan(1);
    let total = 0;
    for (const p of payloads) {
      expect(Buffer.byteLength(p)).toBeLessThan(MAX_PAYLOAD_BYTES);
      const parsed = JSON.parse(p) as { i: string; r: Array<{ path: string; id?: number }> };
      expect(parsed.i).toBe('kit-a');
      for (const r of parsed.r) {
        expect(r.path.length).toBeLessThanOrEqual(301);
        expect(r.id).toBeUndefined();
      }
      total += parsed.r.length;
    }
    expect(total).toBe(500);
  });

  it('drops what is not a record from another instance', async () => {
    const { bus, feeds } = await instances();
    const [l] = bus.listeners;
    l?.('not json');
    l?.(JSON.stringify({ i: 'kit-c', r: [{ method: 'POST' }, 7, null] }));
    l?.(JSON.stringify({ i: 'kit-c', r: [{ ...record(), status: '200' }] }));
    l?.(JSON.stringify({ i: 'kit-c', r: [record()] }));
    await settle();
    expect(feeds[0].recent().map((r) => r.instance)).toEqual(['kit-c']);
  });
});
