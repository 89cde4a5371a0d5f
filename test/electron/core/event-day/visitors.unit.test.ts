/**
 * Who reached the kit: other machines, never this one; a device is its
 * join-page cookie, or its address when it keeps no cookies; memory stays
 * bounded.
 */
import { describe, expect, it } from 'vitest';
import { Visitors } from '../../../../electron/core/lan/visitors.js';

const own = () => ['192.168.1.20', 'fe80::1'];

describe('Visitors', () => {
  it('never counts this machine: loopback and its own interface addresses', () => {
    const v = new Visitors({ interfaceAddresses: own });
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.0.0.2', '192.168.1.20', '::ffff:192.168.1.20']) {
      v.connected(a);
      v.openedJoinPage({ address: a, eventId: 'e1' });
    }
    expect(v.peers).toBe(0);
    expect(v.devices).toBe(0);
    v.connected('::ffff:192.168.1.31');
    expect(v.peers).toBe(1);
  });

  it('a configured own set replaces the loopback range (tests route through 127.0.0.x)', () => {
    const v = new Visitors({ ownAddresses: ['127.0.0.1'], interfaceAddresses: () => ['127.0.0.1', '10.0.0.2'] });
    expect(v.isOwn('127.0.0.1')).toBe(true);
    expect(v.isOwn('10.0.0.2')).toBe(true);
    expect(v.isOwn('127.0.0.2')).toBe(false);
  });

  it('a device is its cookie wherever it comes from, or its address when it keeps none', () => {
    const v = new Visitors({ interfaceAddresses: own });
    // Phone A: first visit without a cookie; the page issued one; it comes back with it from a new address.
    v.openedJoinPage({ address: '192.168.1.31', issued: 'tokA', eventId: 'e1' });
    v.openedJoinPage({ address: '192.168.1.31', token: 'tokA', eventId: 'e1' });
    v.openedJoinPage({ address: '192.168.1.77', token: 'tokA', eventId: 'e1' });
    expect(v.devices).toBe(1);
    // Phone B keeps no cookies: every visit is issued a new token, but it is the same address.
    v.openedJoinPage({ address: '192.168.1.40', issued: 'b1', eventId: 'e1' });
    v.openedJoinPage({ address: '192.168.1.40', issued: 'b2', eventId: 'e1' });
    expect(v.devices).toBe(2);
    // Two laptops behind one address (a travel router doing NAT) with their own cookies are two devices.
    v.openedJoinPage({ address: '192.168.1.50', token: 'c', eventId: 'e1' });
    v.openedJoinPage({ address: '192.168.1.50', token: 'd', eventId: 'e1' });
    expect(v.devices).toBe(4);
    // Per event: the same device opening a second event's page counts there once.
    v.openedJoinPage({ address: '192.168.1.31', token: 'tokA', eventId: 'e2' });
    v.openedJoinPage({ address: '192.168.1.31', token: 'tokA', eventId: 'e2' });
    expect(v.devicesFor('e1')).toBe(4);
    expect(v.devicesFor('e2')).toBe(1);
    expect(v.devices).toBe(4);
  });

  it('stays bounded: past the cap the least recently seen device is forgotten, the count keeps going', () => {
    const v = new Visitors({ interfaceAddresses: own, maxDevices: 100 });
    for (let i = 0; i < 1000; i++)
      v.openedJoinPage({ address: `10.1.${i >> 8}.${i & 255}`, issued: `t${i}`, eventId: 'e' });
    expect(v.devices).toBe(1000);
    // The most recent one is still known by its cookie; the oldest one counts again.
    v.openedJoinPage({ address: '10.9.9.9', token: 't999', eventId: 'e' });
    expect(v.devices).toBe(1000);
    v.openedJoinPage({ address: '10.9.9.9', token: 't0', eventId: 'e' });
    expect(v.devices).toBe(1001);
  });
});
