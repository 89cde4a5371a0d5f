/**
 * The headless keep-awake helpers: the right command per OS, "held" only once
 * the helper says so, release by closing its stdin (or a signal for
 * caffeinate), a refusal carrying the helper's own words and what to set, a
 * lock lost when the helper dies. With a fake spawner, and once for real with
 * this machine's systemd-inhibit (which either holds the lock or explains
 * why not; a container without logind refuses).
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { osWakeLock, type Spawn } from '../../../../electron/core/event-day/os-wake-lock.js';

class FakeChild extends EventEmitter {
  stdout = new EventEmitter();
  stderr = new EventEmitter();
  stdinEnded = false;
  stdin = Object.assign(new EventEmitter(), {
    end: () => {
      this.stdinEnded = true;
      // Like `cat`: EOF on stdin ends the helper.
      setImmediate(() => this.exit(0));
    },
  });
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  killed: string[] = [];
  kill(signal: NodeJS.Signals = 'SIGTERM') {
    this.killed.push(signal);
    setImmediate(() => this.exit(null, signal));
    return true;
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null) {
    if (this.exitCode !== null || this.signalCode !== null) return;
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('exit', code, signal);
  }
}

function fakeSpawner(behave: (c: FakeChild) => void) {
  const calls: Array<{ command: string; args: string[]; child: FakeChild }> = [];
  const spawn: Spawn = (command, args) => {
    const child = new FakeChild();
    calls.push({ command, args, child });
    setImmediate(() => {
      child.emit('spawn');
      behave(child);
    });
    return child as unknown as ChildProcess;
  };
  return { spawn, calls };
}

describe('osWakeLock', () => {
  it('Linux: systemd-inhibit blocks sleep around a cat on our pipe; held once it says so; released by closing the pipe', async () => {
    const { spawn, calls } = fakeSpawner((c) => c.stdout.emit('data', Buffer.from('held\n')));
    const lock = osWakeLock({ platform: 'linux', spawn });
    expect(lock.mechanism).toBe('systemd-inhibit');
    expect(await lock.acquire('Workshop live until 17:00')).toEqual({ ok: true });
    const call = calls[0] as (typeof calls)[number];
    expect(call.command).toBe('systemd-inhibit');
    expect(call.args).toEqual([
      '--what=sleep:idle',
      '--who=AI Proxy Kit',
      '--why=Workshop live until 17:00',
      '--mode=block',
      'sh',
      '-c',
      'echo held; exec cat',
    ]);
    // A second acquire while held starts nothing new.
    expect(await lock.acquire('again')).toEqual({ ok: true });
    expect(calls).toHaveLength(1);
    lock.release();
    expect(call.child.stdinEnded).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(call.child.exitCode).toBe(0);
  });

  it('Linux without logind: the refusal carries systemd-inhibit’s words and what to set', async () => {
    const { spawn } = fakeSpawner((c) => {
      c.stderr.emit('data', Buffer.from('Failed to connect to bus: No such file or directory\n'));
      c.exit(1);
    });
    const r = await osWakeLock({ platform: 'linux', spawn }).acquire('x');
    expect(r).toMatchObject({
      ok: false,
      reason: 'systemd-inhibit said: Failed to connect to bus: No such file or directory',
    });
    expect(!r.ok && r.hint).toMatch(/Automatic Suspend|systemctl mask/);
  });

  it('a helper that is not installed, or never answers, is a refusal too', async () => {
    const missing: Spawn = () => {
      const c = new FakeChild();
      setImmediate(() => c.emit('error', Object.assign(new Error('spawn systemd-inhibit ENOENT'), { code: 'ENOENT' })));
      return c as unknown as ChildProcess;
    };
    expect(await osWakeLock({ platform: 'linux', spawn: missing }).acquire('x')).toMatchObject({
      ok: false,
      reason: 'systemd-inhibit is not installed on this machine.',
    });
    const { spawn, calls } = fakeSpawner(() => undefined);
    const r = await osWakeLock({ platform: 'linux', spawn, startTimeoutMs: 50 }).acquire('x');
    expect(r).toMatchObject({ ok: false, reason: /did not answer/ });
    // The silent helper is not left behind.
    expect(calls[0]?.child.stdinEnded).toBe(true);
  });

  it('reports a lock lost when the helper dies while held', async () => {
    const { spawn, calls } = fakeSpawner((c) => c.stdout.emit('data', Buffer.from('held\n')));
    const lock = osWakeLock({ platform: 'linux', spawn });
    const lost: string[] = [];
    lock.onLost?.((r) => lost.push(r));
    await lock.acquire('x');
    calls[0]?.child.stderr.emit('data', Buffer.from('Connection reset\n'));
    calls[0]?.child.exit(1);
    expect(lost).toEqual(['systemd-inhibit said: Connection reset; the keep-awake lock is gone.']);
    // A release after a loss does nothing; the next acquire starts a new helper.
    lock.release();
    await lock.acquire('y');
    expect(calls).toHaveLength(2);
  });

  it('macOS: caffeinate -i -w <pid>, released with a signal', async () => {
    const { spawn, calls } = fakeSpawner(() => undefined);
    const lock = osWakeLock({ platform: 'darwin', spawn, pid: 4242 });
    expect(await lock.acquire('x')).toEqual({ ok: true });
    expect(calls[0]?.command).toBe('caffeinate');
    expect(calls[0]?.args).toEqual(['-i', '-w', '4242']);
    lock.release();
    expect(calls[0]?.child.killed).toEqual(['SIGTERM']);
  });

  it('Windows: a PowerShell helper that calls SetThreadExecutionState(ES_CONTINUOUS | ES_SYSTEM_REQUIRED) and waits on our pipe', async () => {
    const { spawn, calls } = fakeSpawner((c) => c.stdout.emit('data', Buffer.from('held\r\n')));
    const lock = osWakeLock({ platform: 'win32', spawn });
    expect(lock.mechanism).toBe('SetThreadExecutionState');
    expect(await lock.acquire('x')).toEqual({ ok: true });
    const args = calls[0]?.args ?? [];
    expect(calls[0]?.command).toBe('powershell.exe');
    const script = Buffer.from(args[args.indexOf('-EncodedCommand') + 1] ?? '', 'base64').toString('utf16le');
    expect(script).toContain('SetThreadExecutionState([uint32]2147483649)');
    expect(2147483649).toBe((0x80000000 | 0x00000001) >>> 0);
    expect(script).toContain('[Console]::In.ReadToEnd()');
    lock.release();
    expect(calls[0]?.child.stdinEnded).toBe(true);
  });

  it('elsewhere there is no helper, and it says what to set', async () => {
    const lock = osWakeLock({ platform: 'aix' });
    expect(await lock.check?.()).toMatchObject({ ok: false, reason: /No keep-awake helper/, hint: /sleep/ });
  });

  const hasInhibit = process.platform === 'linux' && spawnSync('which', ['systemd-inhibit']).status === 0;
  it.skipIf(!hasInhibit)(
    'this machine’s real systemd-inhibit holds and releases the lock, or says why it cannot',
    async () => {
      const lock = osWakeLock();
      const r = await lock.acquire('AI Proxy Kit test');
      if (r.ok) {
        const listed = spawnSync('systemd-inhibit', ['--list', '--no-pager'], { encoding: 'utf8' }).stdout;
        expect(listed).toContain('AI Proxy Kit test');
        lock.release();
        for (let i = 0; i < 50; i++) {
          const now = spawnSync('systemd-inhibit', ['--list', '--no-pager'], { encoding: 'utf8' }).stdout;
          if (!now.includes('AI Proxy Kit test')) return;
          await new Promise((res) => setTimeout(res, 100));
        }
        throw new Error('the inhibitor lock was not released');
      }
      // A container or a machine without logind: the words come from systemd-inhibit itself.
      expect(r.reason).toMatch(/^systemd-inhibit (said: |exited)/);
      expect(r.hint).toMatch(/suspend/i);
    },
  );
});
