/**
 * The pre-flight checks: facts in, one traffic light and one line of what to
 * do out, per item. Pure functions, shared by the console (through
 * `kit.info`), the tray and the headless start-up lines, so the organizer
 * reads the same words everywhere.
 */
import { findKind } from '../../../shared/resource-kinds/table.js';
import type {
  ClockFacts,
  DiskFacts,
  KeepAwakeFacts,
  NetworkFacts,
  PowerFacts,
  PreflightCheck,
  ReachFacts,
  ResourceCheckFacts,
} from '../../../shared/types.js';
import { EARLIEST_PLAUSIBLE, utcOffsetLabel } from './clock.js';
import { describeUntil } from './keep-awake.js';

export function fmtBytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function resourcesCheck(resources: readonly ResourceCheckFacts[]): PreflightCheck {
  const base = { id: 'resources', title: 'Resources' } as const;
  const relevant = resources.some((r) => r.inUse) ? resources.filter((r) => r.inUse) : resources;
  if (relevant.length === 0)
    return {
      ...base,
      level: 'amber',
      summary: 'No upstream resource is set up.',
      action: 'Add a resource on the Resources screen (the built-in playground works offline).',
    };
  const failing = relevant.filter(
    (r) => r.health === 'failing' || (r.lastTest && !r.lastTest.ok && r.health !== 'healthy'),
  );
  if (failing.length) {
    const f = failing[0] as ResourceCheckFacts;
    const why = f.lastTest && !f.lastTest.ok ? `: ${f.lastTest.message}` : '';
    return {
      ...base,
      level: 'red',
      summary: `${failing.length === 1 ? `“${f.name}” is failing${why}` : `${failing.length} resources are failing`}`,
      action: 'Open Resources, fix the endpoint or key and test again, or add a second resource for the deployment.',
    };
  }
  const untested = relevant.filter((r) => !findKind(r.kind)?.builtinEndpoint && !r.lastTest && r.health === 'unknown');
  if (untested.length)
    return {
      ...base,
      level: 'amber',
      summary: `${plural(untested.length, 'resource')} not tested yet (${untested.map((r) => r.name).join(', ')}).`,
      action: 'Press Test on the Resources screen before attendees arrive.',
    };
  return { ...base, level: 'green', summary: `${plural(relevant.length, 'resource')} answering.` };
}

export function diskCheck(disk: DiskFacts | null): PreflightCheck {
  const base = { id: 'disk', title: 'Disk' } as const;
  if (!disk)
    return {
      ...base,
      level: 'amber',
      summary: 'Could not read the free space of the data folder.',
      action: 'Check that the data folder is on a disk with room to spare.',
    };
  const need = Math.max(disk.neededBytes, disk.nextHourBytes);
  const summary = `${fmtBytes(disk.freeBytes)} free; the store needs about ${fmtBytes(disk.neededBytes)} for ${disk.plannedAttendees} attendees.`;
  const action =
    'Free space now (screen recordings, downloads, the trash), or start the kit with --data-dir on a larger disk.';
  if (disk.freeBytes < disk.neededBytes) return { ...base, level: 'red', summary, action };
  if (disk.freeBytes < disk.nextHourBytes)
    return {
      ...base,
      level: 'red',
      summary: `${fmtBytes(disk.freeBytes)} free: less than the next hour needs with room for the system (${fmtBytes(disk.nextHourBytes)}).`,
      action,
    };
  if (disk.freeBytes < need + 1e9)
    return {
      ...base,
      level: 'amber',
      summary,
      action: 'Free a few gigabytes: a screen recording can fill the rest during the event.',
    };
  return { ...base, level: 'green', summary };
}

export function powerCheck(power: PowerFacts | null): PreflightCheck {
  const base = { id: 'power', title: 'Power' } as const;
  if (!power)
    return {
      ...base,
      level: 'amber',
      summary: 'This machine does not say whether it runs on battery.',
      action: 'Keep the laptop plugged in for the event.',
    };
  const pct = power.level === null ? '' : `${Math.round(power.level * 100)} %`;
  if (power.onBattery) {
    const low = power.level !== null && power.level < 0.2;
    return {
      ...base,
      level: low ? 'red' : 'amber',
      summary: `On battery${pct ? `, ${pct}` : ''}.`,
      action: low ? 'Plug the laptop in now: when it dies, every call stops.' : 'Plug the laptop in for the event.',
    };
  }
  return {
    ...base,
    level: 'green',
    summary: power.level === null ? 'On mains power.' : `Plugged in, battery ${pct}.`,
  };
}

export function networkCheck(net: NetworkFacts): PreflightCheck {
  const base = { id: 'network', title: 'Network' } as const;
  const qr = net.addresses.find((a) => a.onQrCode);
  const others = net.addresses.filter((a) => !a.onQrCode);
  if (net.host === '127.0.0.1' || net.host === '::1' || net.host === 'localhost')
    return {
      ...base,
      level: 'red',
      summary: `The kit listens on ${net.host} only: no other device can reach it.`,
      action: 'Restart it with --host 0.0.0.0.',
    };
  if (!qr)
    return {
      ...base,
      level: 'red',
      summary: 'No network address: attendees cannot reach this computer.',
      action: 'Join the venue Wi-Fi (or a phone hotspot or travel router); the address appears here.',
    };
  const where = `${qr.address} (${qr.interface})`;
  const also = others.length ? `; also ${others.map((a) => a.address).join(', ')}` : '';
  if (qr.virtual)
    return {
      ...base,
      level: 'red',
      summary: `The QR code points at ${where}, a container or VPN bridge${also}.`,
      action: 'Pick the Wi-Fi address on the Overview or the projector.',
    };
  if (net.portNote)
    return {
      ...base,
      level: 'amber',
      summary: `QR code on ${where}, port ${net.port}: ${net.portNote}`,
      action: `Key cards printed earlier and attendees registered on :${net.configuredPort} need the new port; free port ${net.configuredPort} and restart to go back.`,
    };
  return {
    ...base,
    level: 'green',
    summary: `QR code on ${where}, port ${net.port}${also}.`,
    ...(others.length ? { action: 'Make sure the QR address is on the network attendees join.' } : {}),
  };
}

export function clockCheck(clock: ClockFacts): PreflightCheck {
  const base = { id: 'clock', title: 'Clock' } as const;
  const now = Date.parse(clock.now);
  const here = `${clock.timeZone} (${utcOffsetLabel(clock.offsetMinutes)})`;
  if (now < EARLIEST_PLAUSIBLE)
    return {
      ...base,
      level: 'red',
      summary: `This computer's clock says ${clock.now.slice(0, 10)}: keys open and close by it.`,
      action: 'Set the date and time in the system settings (automatic time needs internet once).',
    };
  const off = clock.events.filter((e) => !e.sameOffset);
  if (off.length) {
    const e = off[0] as ClockFacts['events'][number];
    return {
      ...base,
      level: 'amber',
      summary: `“${e.name}” runs on ${e.timeZone} (${utcOffsetLabel(e.offsetMinutes)}); this computer is on ${here}.`,
      action: 'The kit goes by the event’s zone; check its start and end, and set the laptop’s zone to the venue’s.',
    };
  }
  return {
    ...base,
    level: 'green',
    summary: clock.events.length ? `${here}, the same as the events.` : `${here}.`,
  };
}

export function keepAwakeCheck(k: KeepAwakeFacts, now: number): PreflightCheck {
  const base = { id: 'keep-awake', title: 'Keep awake' } as const;
  const display = k.display ? '; the display stays on for the projector' : '';
  const how = k.mechanism && k.mechanism !== 'none' ? ` (${k.mechanism})` : '';
  if (k.state === 'holding')
    return {
      ...base,
      level: 'green',
      summary: `Keeping this computer awake until ${describeUntil(Date.parse(k.until ?? ''), now)}${how}${display}.`,
    };
  if (k.state === 'failed' || k.state === 'unavailable')
    return {
      ...base,
      level: k.state === 'failed' ? 'red' : 'amber',
      summary: `Cannot keep this computer awake: ${k.reason ?? 'the system refused'}`,
      action: k.hint ?? 'Turn off automatic sleep in the system settings for the day.',
    };
  if (k.nextStart)
    return {
      ...base,
      level: 'green',
      summary: `Will keep this computer awake from ${describeUntil(Date.parse(k.nextStart), now)}${how}${display}.`,
    };
  return { ...base, level: 'green', summary: `No live event: sleep is allowed${display}.` };
}

export function reachCheck(r: ReachFacts, liveEvents: number): PreflightCheck {
  const base = { id: 'reach', title: 'Attendees reaching this computer' } as const;
  const opened = `${plural(r.devices, 'device')} ${r.devices === 1 ? 'has' : 'have'} opened the join page`;
  if (r.noDevices)
    return {
      ...base,
      level: 'red',
      summary:
        r.noDevices.minutes >= 1
          ? `No other device has reached this computer in the ${plural(r.noDevices.minutes, 'minute')} the event has been live.`
          : 'No other device has reached this computer since the event started.',
      action:
        'Guest Wi-Fi often keeps devices apart: try a phone hotspot or travel router, allow the app in the firewall, or pick another address.',
    };
  if (liveEvents === 0 && r.devices === 0) return { ...base, level: 'green', summary: `${opened} so far.` };
  return { ...base, level: 'green', summary: `${opened}.` };
}
