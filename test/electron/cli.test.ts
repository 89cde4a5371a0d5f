/** The headless CLI as an organizer runs it: a real process, real ports, real output. */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServeArgs } from '../../electron/cli.js';

describe('serve flags', () => {
  it('has the documented defaults', () => {
    const a = parseServeArgs([]);
    expect(a).toMatchObject({ command: 'serve', host: '0.0.0.0', port: 8000, adminPort: 8001, demo: true });
    expect(a.dataDir).toContain('ai-proxy-kit');
  });
  it('lets the default port move when taken, never one the organizer named', () => {
    expect(parseServeArgs([]).portFallback).toBe(true);
    expect(parseServeArgs(['--port', '8000']).portFallback).toBe(false);
  });
  it('takes the flags and refuses a bad port', () => {
    expect(parseServeArgs(['serve', '--port', '0', '--no-demo', '--data-dir', '/x'])).toMatchObject({
      port: 0,
      demo: false,
      dataDir: '/x',
    });
    expect(() => parseServeArgs(['serve', '--port', 'eighty'])).toThrow(/--port/);
  });
});

describe('ai-proxy-kit serve', () => {
  it('prints the LAN endpoint, the demo join URL and the console URL with the token, and serves them', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kit-cli-'));
    const child = spawn(
      process.execPath,
      ['bin/ai-proxy-kit.js', 'serve', '--port', '0', '--admin-port', '0', '--data-dir', dataDir],
      {
        env: { ...process.env, KIT_ADMIN_TOKEN: '' },
      },
    );
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    try {
      for (let i = 0; i < 100 && !out.includes('Data:'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(/http:\/\/[\d.]+:\d+\/api\/v1/);
      expect(out).toMatch(/Demo event: http:\/\/[\d.]+:\d+\/join\/demo/);
      // The event-day checks, one line each; keep-awake is never silent: held, or why not and what to set.
      expect(out).toContain('Event-day checks:');
      for (const title of [
        'Resources',
        'Disk',
        'Power',
        'Network',
        'Clock',
        'Keep awake',
        'Attendees reaching this computer',
      ])
        expect(out).toMatch(new RegExp(`^  (ok |!  |NO ) ${title}: `, 'm'));
      expect(out).toMatch(
        /Keep awake: (Keeping this computer awake until (\w{3} )?\d\d:\d\d \(\S+\)|Cannot keep this computer awake: .+\n\s+→ .*(suspend|sleep))/,
      );
      const consoleUrl = /http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+)/.exec(out);
      expect(consoleUrl).not.toBeNull();
      const token = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
      expect(consoleUrl?.[2]).toBe(token);
      expect((await stat(join(dataDir, 'admin-token'))).mode & 0o777).toBe(0o600);

      const info = await fetch(`http://127.0.0.1:${consoleUrl?.[1]}/admin/api/kit.info`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: '{}',
      });
      expect((await info.json()).dataDir).toBe(dataDir);
      const page = await fetch(`http://127.0.0.1:${consoleUrl?.[1]}/`);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
