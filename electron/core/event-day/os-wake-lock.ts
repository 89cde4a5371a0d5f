/**
 * Keeping the machine awake without Electron (the headless kit), with the
 * tool each OS ships, held by a child process whose life is tied to ours:
 *
 * - Linux: `systemd-inhibit --what=sleep:idle --mode=block` around a `cat`
 *   reading our stdin pipe. logind holds the lock while that process lives;
 *   closing the pipe (release) or our own death (even kill -9: the pipe
 *   closes) ends `cat`, and with it the lock. Without logind (a container, a
 *   distribution without systemd) or without the right to block sleep,
 *   systemd-inhibit exits at once with its reason, which we pass on.
 * - macOS: `caffeinate -i -w <our pid>`: an idle-sleep assertion until we
 *   exit or kill it.
 * - Windows: a small PowerShell helper calls `SetThreadExecutionState`
 *   (ES_CONTINUOUS | ES_SYSTEM_REQUIRED) and then waits on our stdin pipe;
 *   the state lasts while its thread lives.
 *
 * The spawner is injectable so all of this is tested with a fake process.
 */
import { type ChildProcess, spawn as nodeSpawn, type SpawnOptions } from 'node:child_process';
import type { AcquireResult, WakeLock } from './keep-awake.js';

export type Spawn = (command: string, args: string[], options: SpawnOptions) => ChildProcess;

/** What to set by hand when the kit cannot hold the lock itself. */
export const sleepSettingsHint: Record<string, string> = {
  linux:
    'Turn off automatic suspend for the day (GNOME: Settings → Power → Automatic Suspend; or `sudo systemctl mask sleep.target suspend.target`), and keep the lid open.',
  darwin:
    'Set System Settings → Battery → Options → "Prevent automatic sleeping when the display is off", and keep the lid open.',
  win32:
    'Set Settings → System → Power → "When plugged in, put my device to sleep after" to Never, and keep the lid open.',
  other: 'Turn off automatic sleep in the system settings for the day, and keep the lid open.',
};

interface Helper {
  mechanism: string;
  command: string;
  args: (why: string) => string[];
  /** The helper prints this line once the lock is held; without one, a started process counts as held. */
  heldLine?: string;
  /** Release by closing its stdin (the helper exits by itself) rather than by a signal. */
  releaseByStdin: boolean;
}

/** PowerShell: take the execution state, say so, then block until our pipe closes. */
const windowsScript = [
  `$sig = '[DllImport("kernel32.dll")] public static extern uint SetThreadExecutionState(uint esFlags);'`,
  `$k = Add-Type -MemberDefinition $sig -Name 'Power' -Namespace 'AiProxyKit' -PassThru`,
  `if ($k::SetThreadExecutionState([uint32]2147483649) -eq 0) { [Console]::Error.WriteLine('SetThreadExecutionState was refused'); exit 1 }`,
  `[Console]::Out.WriteLine('held'); [Console]::Out.Flush()`,
  `$null = [Console]::In.ReadToEnd()`,
].join('\n');

export function helperFor(platform: NodeJS.Platform, pid: number): Helper | undefined {
  switch (platform) {
    case 'linux':
      return {
        mechanism: 'systemd-inhibit',
        command: 'systemd-inhibit',
        args: (why) => [
          '--what=sleep:idle',
          '--who=AI Proxy Kit',
          `--why=${why}`,
          '--mode=block',
          'sh',
          '-c',
          'echo held; exec cat',
        ],
        heldLine: 'held',
        releaseByStdin: true,
      };
    case 'darwin':
      return {
        mechanism: 'caffeinate',
        command: 'caffeinate',
        args: () => ['-i', '-w', String(pid)],
        releaseByStdin: false,
      };
    case 'win32':
      return {
        mechanism: 'SetThreadExecutionState',
        command: 'powershell.exe',
        args: () => [
          '-NoProfile',
          '-NonInteractive',
          '-ExecutionPolicy',
          'Bypass',
          '-EncodedCommand',
          Buffer.from(windowsScript, 'utf16le').toString('base64'),
        ],
        heldLine: 'held',
        releaseByStdin: true,
      };
    default:
      return undefined;
  }
}

export interface OsWakeLockOptions {
  platform?: NodeJS.Platform;
  spawn?: Spawn;
  pid?: number;
  /** How long the helper may take to say it holds the lock (default 5 s). */
  startTimeoutMs?: number;
}

export function osWakeLock(opts: OsWakeLockOptions = {}): WakeLock {
  const platform = opts.platform ?? process.platform;
  const spawn = opts.spawn ?? (nodeSpawn as Spawn);
  const hint = sleepSettingsHint[platform] ?? (sleepSettingsHint.other as string);
  const helper = helperFor(platform, opts.pid ?? process.pid);
  if (!helper) {
    const refused: AcquireResult = { ok: false, reason: `No keep-awake helper is known for ${platform}.`, hint };
    return {
      mechanism: 'none',
      acquire: async () => refused,
      check: async () => refused,
      release: () => undefined,
    };
  }

  let child: ChildProcess | undefined;
  const lost: Array<(reason: string) => void> = [];

  const stopChild = (c: ChildProcess) => {
    if (helper.releaseByStdin) c.stdin?.end();
    else c.kill('SIGTERM');
    // A helper that does not go away on its own is ended; it never outlives the kit's intent.
    const t = setTimeout(() => {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }, 2000);
    t.unref?.();
  };

  const acquire = (why: string): Promise<AcquireResult> =>
    new Promise((resolve) => {
      if (child) return resolve({ ok: true });
      let stderr = '';
      let settled = false;
      const c = spawn(helper.command, helper.args(why), {
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
      const settle = (r: AcquireResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (r.ok) child = c;
        else if (c.exitCode === null && c.signalCode === null) stopChild(c);
        resolve(r);
      };
      const timer = setTimeout(
        () => settle({ ok: false, reason: `${helper.mechanism} did not answer in time.`, hint }),
        opts.startTimeoutMs ?? 5000,
      );
      c.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-2000);
      });
      c.stdout?.on('data', (d: Buffer) => {
        if (helper.heldLine && d.toString().includes(helper.heldLine)) settle({ ok: true });
      });
      // Our end of the pipe may break when the helper dies first; that is reported through 'exit'.
      c.stdin?.on('error', () => undefined);
      c.on('spawn', () => {
        if (!helper.heldLine) settle({ ok: true });
      });
      c.on('error', (e: NodeJS.ErrnoException) => {
        const reason =
          e.code === 'ENOENT'
            ? `${helper.command} is not installed on this machine.`
            : `${helper.mechanism}: ${e.message}`;
        settle({ ok: false, reason, hint });
        if (child === c) child = undefined;
      });
      c.on('exit', (code, signal) => {
        const said = stderr.trim().split('\n').filter(Boolean).pop();
        const reason = `${helper.mechanism} ${said ? `said: ${said}` : `exited (${signal ?? `code ${code}`})`}`;
        if (!settled) settle({ ok: false, reason, hint });
        else if (child === c) {
          child = undefined;
          for (const fn of lost) fn(`${reason}; the keep-awake lock is gone.`);
        }
      });
    });

  const release = () => {
    const c = child;
    child = undefined;
    if (c) stopChild(c);
  };
  return {
    mechanism: helper.mechanism,
    acquire,
    release,
    async check() {
      if (child) return { ok: true };
      const r = await acquire('checking that the kit can keep this computer awake');
      if (r.ok) release();
      return r;
    },
    onLost(listener) {
      lost.push(listener);
    },
  };
}
