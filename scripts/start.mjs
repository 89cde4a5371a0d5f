// `npm start`: the desktop app when Electron and a display are there; otherwise the
// headless kit, with one line saying why.
//
// Electron's runtime is not downloaded at install time: the project's .npmrc turns
// dependencies' install scripts off, so `npm ci` works on a machine that cannot reach
// Electron's download site (npm 10 would fail the whole install there). The first
// `npm start` with a display fetches the runtime once, with Electron's own installer
// (its pinned checksums, its cache), and starts the headless kit when it cannot.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { KIT_NODE_FLAGS } from './node-flags.mjs';

const require = createRequire(import.meta.url);
const FETCH_TIMEOUT_MS = 10 * 60_000;

function electronBinary() {
  try {
    const path = require('electron'); // the package exports the binary's path, or throws when it was not downloaded
    return typeof path === 'string' ? { path } : { why: 'the Electron package did not give a binary path' };
  } catch (e) {
    const installed = (() => {
      try {
        return require.resolve('electron/install.js');
      } catch {
        return undefined;
      }
    })();
    return installed
      ? { why: 'the Electron runtime is not downloaded', installer: installed }
      : { why: `the Electron package is not installed (${e.message.split('\n')[0]})` };
  }
}

/** Runs Electron's own installer once; its failure (no route to the download site, say) becomes one line. */
function fetchRuntime(installer) {
  console.log('Fetching the Electron runtime for the desktop app (once, about 100 MB)…');
  const r = spawnSync(process.execPath, [installer], {
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    timeout: FETCH_TIMEOUT_MS,
  });
  if (r.status === 0) return electronBinary();
  const first = (r.stderr ?? '').split('\n').find((l) => l.trim()) ?? '';
  const cause = r.error?.code === 'ETIMEDOUT' ? 'it took too long' : first.trim().slice(0, 160) || `exit ${r.status}`;
  return { why: `the Electron runtime could not be downloaded (${cause})` };
}

const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
let found = noDisplay ? undefined : electronBinary();
if (found?.installer) found = fetchRuntime(found.installer);
const reason = noDisplay ? 'there is no display (DISPLAY is not set)' : found?.why;

if (reason) console.log(`Starting the headless kit because ${reason}; open the console URL below in a browser.`);
const child = reason
  ? spawn(process.execPath, [...KIT_NODE_FLAGS, 'bin/ai-proxy-kit.js', 'serve', ...process.argv.slice(2)], {
      stdio: 'inherit',
    })
  : // Electron's main process takes V8 flags only from its command line.
    spawn(found.path, [`--js-flags=${KIT_NODE_FLAGS.join(' ')}`, '.'], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
