/**
 * `npm start` (scripts/start.mjs) as a newcomer meets it, after an `npm ci`
 * that downloaded no Electron runtime: without a display, the headless kit at
 * once and no download; with a display but no way to download the runtime,
 * one line saying why and the headless kit; with a runtime, the desktop app,
 * launched with the kit's V8 flags. Real processes; the download is pointed
 * at a closed port so the test never fetches anything.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REFUSED_PORT } from '../support/refused-port.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'kit-start-'));
  dirs.push(d);
  return d;
}

/** Runs `node scripts/start.mjs` until `until` shows in its output (then stops it) or it exits. */
async function start(env: Record<string, string | undefined>, until?: RegExp): Promise<string> {
  const dataDir = await tempDir();
  const base: Record<string, string | undefined> = { ...process.env, DISPLAY: undefined, WAYLAND_DISPLAY: undefined };
  const child = spawn(
    process.execPath,
    ['scripts/start.mjs', '--port', '0', '--admin-port', '0', '--data-dir', dataDir],
    { env: { ...base, KIT_ADMIN_TOKEN: '', ...env } as NodeJS.ProcessEnv },
  );
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`start.mjs did not get there in time:\n${out}`));
    }, 25_000);
    const seen = (c: Buffer) => {
      out += c.toString();
      if (until?.test(out)) child.kill('SIGTERM');
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

const RUNNING = /AI Proxy Kit is running/;
const runtimePresent = existsSync(join('node_modules', 'electron', 'path.txt'));

describe('npm start', () => {
  it('starts the headless kit at once where there is no display, without fetching anything', async () => {
    const out = await start({}, RUNNING);
    expect(out).toContain('Starting the headless kit because there is no display');
    expect(out).not.toContain('Fetching the Electron runtime');
    expect(out).toMatch(RUNNING);
  });

  it.skipIf(runtimePresent)(
    'with a display but no way to download the runtime, says why in one line and starts the headless kit',
    async () => {
      const out = await start({ DISPLAY: ':99', ELECTRON_MIRROR: `http://127.0.0.1:${REFUSED_PORT}/` }, RUNNING);
      expect(out).toContain('Fetching the Electron runtime');
      expect(out).toMatch(/Starting the headless kit because the Electron runtime could not be downloaded \(.+\)/);
      // One line, not Electron's installer stack trace.
      expect(out).not.toMatch(/^\s+at /m);
      expect(out).toMatch(RUNNING);
    },
  );

  it('with a display and a runtime, opens the desktop app with the kit’s V8 flags', async () => {
    const dist = await tempDir();
    const fake = join(dist, 'electron');
    await writeFile(fake, '#!/bin/sh\necho "electron started with: $*"\n');
    await chmod(fake, 0o755);
    const out = await start({ DISPLAY: ':99', ELECTRON_OVERRIDE_DIST_PATH: dist });
    expect(out).toMatch(/electron started with: --js-flags=\S.* \.$/m);
    expect(out).not.toContain('headless');
  });
});
