/**
 * Is the laptop on battery, and how full is it? Read from what each OS
 * offers without Electron: Linux's `/sys/class/power_supply`, macOS's
 * `pmset -g batt`, Windows' `Win32_Battery` (through PowerShell, at most
 * every couple of minutes). The desktop app combines this with Electron's
 * `powerMonitor`, which says "on battery" but not the level. Parsers are
 * separate from the reading so each OS's output is tested here.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PowerFacts } from '../../../shared/types.js';

export type PowerSource = () => Promise<PowerFacts | null>;

/** One supply's files from /sys/class/power_supply/<name>/, as read (trimmed). */
export interface SysSupply {
  type?: string;
  online?: string;
  status?: string;
  capacity?: string;
  scope?: string;
}

export function parseSysSupplies(supplies: SysSupply[]): PowerFacts {
  // Peripheral batteries (a mouse, a headset) report scope "Device": they do not power the machine.
  const batteries = supplies.filter((s) => s.type === 'Battery' && s.scope !== 'Device');
  const mains = supplies.filter((s) => s.type !== 'Battery' && s.online !== undefined);
  const source = '/sys/class/power_supply';
  if (batteries.length === 0) return { onBattery: false, level: null, charging: null, source };
  const levels = batteries.map((b) => Number(b.capacity)).filter((n) => Number.isFinite(n));
  const level = levels.length ? Math.min(100, levels.reduce((a, b) => a + b, 0) / levels.length) / 100 : null;
  const discharging = batteries.some((b) => b.status === 'Discharging');
  const onMains = mains.some((m) => m.online === '1');
  return {
    onBattery: mains.length ? !onMains : discharging,
    level,
    charging: batteries.some((b) => b.status === 'Charging') ? true : discharging ? false : null,
    source,
  };
}

async function readSys(root = '/sys/class/power_supply'): Promise<PowerFacts | null> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return null;
  }
  const read = (dir: string, f: string) =>
    readFile(join(dir, f), 'utf8').then(
      (t) => t.trim(),
      () => undefined,
    );
  const supplies = await Promise.all(
    names.map(async (n) => {
      const dir = join(root, n);
      const [type, online, status, capacity, scope] = await Promise.all(
        ['type', 'online', 'status', 'capacity', 'scope'].map((f) => read(dir, f)),
      );
      return { type, online, status, capacity, scope };
    }),
  );
  return parseSysSupplies(supplies);
}

/**
 * `pmset -g batt`:
 *   Now drawing from 'Battery Power'
 *    -InternalBattery-0 (id=4653155)	84%; discharging; 5:01 remaining present: true
 */
export function parsePmset(text: string): PowerFacts | null {
  const from = /drawing from '([^']+)'/.exec(text)?.[1];
  if (!from) return null;
  const m = /(\d+)%;\s*([a-z ]+);/i.exec(text);
  const state = m?.[2]?.trim().toLowerCase();
  return {
    onBattery: from === 'Battery Power',
    level: m ? Number(m[1]) / 100 : null,
    charging: state === 'charging' ? true : state === 'discharging' ? false : null,
    source: 'pmset',
  };
}

/** `Get-CimInstance Win32_Battery | ConvertTo-Json`: one object, a list, or nothing on a machine without one. */
export function parseWin32Battery(json: string): PowerFacts {
  const source = 'Win32_Battery';
  const trimmed = json.trim();
  if (!trimmed) return { onBattery: false, level: null, charging: null, source };
  const parsed = JSON.parse(trimmed) as unknown;
  const list = (Array.isArray(parsed) ? parsed : [parsed]) as Array<{
    EstimatedChargeRemaining?: number;
    BatteryStatus?: number;
  }>;
  const levels = list.map((b) => b.EstimatedChargeRemaining).filter((n): n is number => typeof n === 'number');
  // BatteryStatus 1 discharging, 4 low, 5 critical (on battery); 6–9 charging; 2, 3, 11 on AC.
  const onBattery = list.some((b) => [1, 4, 5].includes(b.BatteryStatus ?? 0));
  const charging = list.some((b) => [6, 7, 8, 9].includes(b.BatteryStatus ?? 0));
  return {
    onBattery,
    level: levels.length ? Math.min(100, levels.reduce((a, b) => a + b, 0) / levels.length) / 100 : null,
    charging: charging ? true : onBattery ? false : null,
    source,
  };
}

function run(file: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000, windowsHide: true }, (err, stdout) => resolve(err ? null : stdout));
  });
}

/** The OS reader for this platform; null readings where it says nothing. */
export function osPowerSource(platform: NodeJS.Platform = process.platform): PowerSource {
  if (platform === 'linux') return () => readSys();
  if (platform === 'darwin')
    return async () => {
      const out = await run('pmset', ['-g', 'batt']);
      return out ? parsePmset(out) : null;
    };
  if (platform === 'win32') {
    // PowerShell costs a few hundred milliseconds of CPU: ask at most every two minutes.
    let last: { at: number; facts: PowerFacts | null } | undefined;
    return async () => {
      if (last && Date.now() - last.at < 120_000) return last.facts;
      const out = await run('powershell.exe', [
        '-NoProfile',
        '-NonInteractive',
        '-Command',
        'Get-CimInstance -ClassName Win32_Battery | Select-Object EstimatedChargeRemaining,BatteryStatus | ConvertTo-Json -Compress',
      ]);
      let facts: PowerFacts | null = null;
      try {
        facts = out === null ? null : parseWin32Battery(out);
      } catch {
        facts = null;
      }
      last = { at: Date.now(), facts };
      return facts;
    };
  }
  return async () => null;
}
