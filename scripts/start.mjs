// `npm start`: the desktop app when Electron and a display are there; otherwise the
// headless kit, with one line saying why.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { KIT_NODE_FLAGS } from './node-flags.mjs';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const path = require('electron'); // the package exports the binary's path, or throws when it was not downloaded
    return typeof path === 'string' ? { path } : { why: 'the Electron package did not give a binary path' };
  } catch (e) {
    return { why: `the Electron binary is not installed (${e.message.split('\n')[0]})` };
  }
}

const { path, why } = electronBinary();
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const reason = why ?? (noDisplay ? 'there is no display (DISPLAY is not set)' : undefined);

if (reason) console.log(`Starting the headless kit because ${reason}; open the console URL below in a browser.`);
const child = reason
  ? spawn(process.execPath, [...KIT_NODE_FLAGS, 'bin/ai-proxy-kit.js', 'serve', ...process.argv.slice(2)], {
      stdio: 'inherit',
    })
  : // Electron's main process takes V8 flags only from its command line.
    spawn(path, [`--js-flags=${KIT_NODE_FLAGS.join(' ')}`, '.'], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
