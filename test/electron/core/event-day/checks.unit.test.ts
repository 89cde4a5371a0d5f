/** Each pre-flight item: the facts that make it green, amber or red, and the line of what to do. */
import { describe, expect, it } from 'vitest';
import {
  clockCheck,
  diskCheck,
  fmtBytes,
  keepAwakeCheck,
  networkCheck,
  powerCheck,
  reachCheck,
  resourcesCheck,
} from '../../../../electron/core/event-day/checks.js';
import type { DiskFacts, NetworkFacts, ResourceCheckFacts } from '../../../../shared/types.js';

const res = (over: Partial<ResourceCheckFacts> = {}): ResourceCheckFacts => ({
  resourceId: 'r',
  name: 'Sweden Central',
  kind: 'azure-openai',
  health: 'unknown',
  inUse: true,
  ...over,
});
const disk = (freeBytes: number): DiskFacts => ({
  path: '/d',
  freeBytes,
  totalBytes: 1e12,
  storeBytes: 1e5,
  perAttendeeBytes: 8000,
  plannedAttendees: 500,
  neededBytes: 30e6,
  nextHourBytes: 70e6,
});
const net = (over: Partial<NetworkFacts> = {}): NetworkFacts => ({
  addresses: [{ address: '192.168.1.20', interface: 'wlan0', virtual: false, onQrCode: true }],
  host: '0.0.0.0',
  port: 8000,
  configuredPort: 8000,
  ...over,
});

describe('pre-flight checks', () => {
  it('resources: failing is red, untested amber, answering green; the playground needs no test', () => {
    const failing = res({
      health: 'failing',
      lastTest: { ok: false, at: '', message: 'Upstream answered HTTP 401', latencyMs: 30 },
    });
    expect(resourcesCheck([failing])).toMatchObject({
      level: 'red',
      summary: '“Sweden Central” is failing: Upstream answered HTTP 401',
    });
    expect(resourcesCheck([res()])).toMatchObject({ level: 'amber', action: /Test/ });
    expect(resourcesCheck([res({ kind: 'playground' })]).level).toBe('green');
    expect(
      resourcesCheck([res({ lastTest: { ok: true, at: '', message: 'ok', latencyMs: 20 }, health: 'healthy' })]).level,
    ).toBe('green');
    // A failing resource no live or upcoming event uses does not make the day red.
    expect(resourcesCheck([res({ kind: 'playground' }), { ...failing, inUse: false }]).level).toBe('green');
    expect(resourcesCheck([])).toMatchObject({ level: 'amber', summary: 'No upstream resource is set up.' });
  });

  it('disk: red below what the store needs, amber within a gigabyte of it', () => {
    expect(diskCheck(disk(20e6))).toMatchObject({
      level: 'red',
      summary: '20.0 MB free; the store needs about 30.0 MB for 500 attendees.',
    });
    expect(diskCheck(disk(50e6))).toMatchObject({
      level: 'red',
      summary: '50.0 MB free: less than the next hour needs with room for the system (70.0 MB).',
    });
    expect(diskCheck(disk(500e6)).level).toBe('amber');
    expect(diskCheck(disk(40e9)).level).toBe('green');
    expect(diskCheck(null).level).toBe('amber');
    expect(fmtBytes(41_234_567_890)).toBe('41.2 GB');
  });

  it('power: on battery amber, below 20 % red, unknown amber, mains green', () => {
    expect(powerCheck({ onBattery: true, level: 0.15, charging: false, source: 's' })).toMatchObject({
      level: 'red',
      summary: 'On battery, 15 %.',
    });
    expect(powerCheck({ onBattery: true, level: 0.64, charging: false, source: 's' }).level).toBe('amber');
    expect(powerCheck({ onBattery: false, level: 0.82, charging: true, source: 's' })).toMatchObject({
      level: 'green',
      summary: 'Plugged in, battery 82 %.',
    });
    expect(powerCheck(null)).toMatchObject({ level: 'amber', action: 'Keep the laptop plugged in for the event.' });
  });

  it('network: no address or loopback-only red, a bridge on the QR code red, a moved port amber', () => {
    expect(networkCheck(net()).level).toBe('green');
    expect(networkCheck(net({ addresses: [] })).level).toBe('red');
    expect(networkCheck(net({ host: '127.0.0.1' })).level).toBe('red');
    expect(
      networkCheck(
        net({ addresses: [{ address: '172.17.0.1', interface: 'docker0', virtual: true, onQrCode: true }] }),
      ),
    ).toMatchObject({ level: 'red', action: /Pick the Wi-Fi address/ });
    expect(
      networkCheck(net({ port: 8002, portNote: 'port 8000 was in use by another program, so the kit took 8002.' })),
    ).toMatchObject({
      level: 'amber',
      summary:
        'QR code on 192.168.1.20 (wlan0), port 8002: port 8000 was in use by another program, so the kit took 8002.',
    });
  });

  it('clock: a clock before the kit existed is red; another zone than the event’s amber', () => {
    const base = { now: '2026-03-20T08:00:00.000Z', timeZone: 'Europe/Paris', offsetMinutes: 60, events: [] };
    expect(clockCheck(base).level).toBe('green');
    expect(clockCheck({ ...base, now: '2001-01-01T00:00:00.000Z' }).level).toBe('red');
    expect(
      clockCheck({
        ...base,
        events: [{ eventId: 'e', name: 'Tokyo', timeZone: 'Asia/Tokyo', offsetMinutes: 540, sameOffset: false }],
      }),
    ).toMatchObject({
      level: 'amber',
      summary: '“Tokyo” runs on Asia/Tokyo (UTC+09:00); this computer is on Europe/Paris (UTC+01:00).',
    });
  });

  it('keep-awake: holding says until when; a refusal says what to set; red only while an event is live', () => {
    const now = Date.parse('2026-03-20T08:00:00Z');
    const until = new Date(now + 3 * 3600_000).toISOString();
    const holding = keepAwakeCheck(
      { state: 'holding', mechanism: 'powerSaveBlocker', until, nextStart: null, display: true },
      now,
    );
    expect(holding.level).toBe('green');
    expect(holding.summary).toMatch(
      /^Keeping this computer awake until \d\d:\d\d \(powerSaveBlocker\); the display stays on/,
    );
    const refused = {
      mechanism: 'systemd-inhibit',
      until: null,
      nextStart: null,
      display: false,
      reason: 'no logind',
      hint: 'Turn off suspend',
    };
    expect(keepAwakeCheck({ ...refused, state: 'unavailable' }, now)).toMatchObject({
      level: 'amber',
      action: 'Turn off suspend',
    });
    expect(keepAwakeCheck({ ...refused, state: 'failed' }, now).level).toBe('red');
  });

  it('reach: the count, or the advice when nobody reached the kit', () => {
    const r = { devices: 12, byEvent: [], peers: 14, since: '' };
    expect(reachCheck(r, 1)).toMatchObject({ level: 'green', summary: '12 devices have opened the join page.' });
    expect(reachCheck({ ...r, devices: 1 }, 1).summary).toBe('1 device has opened the join page.');
    expect(reachCheck({ ...r, devices: 0, peers: 0, noDevices: { since: '', minutes: 7 } }, 1)).toMatchObject({
      level: 'red',
      summary: 'No other device has reached this computer in the 7 minutes the event has been live.',
      action: /hotspot/,
    });
  });
});
