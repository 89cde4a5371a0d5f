// npm 11's `npm ci` checks every package named in an optionalDependencies map against
// package-lock.json, but `npm install` on Linux leaves out other platforms' native
// binaries (rollup, biome: npm/cli#4828). This adds the missing entries from the
// registry's metadata (or, where this registry mirror has no such package, from the
// platform its name spells, as npm would record it) so `npm ci` works on a clean
// machine. Those entries are never installed here: their os/cpu do not match.
// Run after changing dependencies.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

function registryMeta(name, range) {
  try {
    const out = execFileSync('npm', ['view', `${name}@${range}`, '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const meta = JSON.parse(out);
    return Array.isArray(meta) ? meta.at(-1) : meta;
  } catch {
    return undefined;
  }
}

const cpus = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x'];
const oses = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'openharmony', 'win32', 'netbsd', 'sunos', 'aix'];
function platformFromName(name, range) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => oses.includes(p));
  const cpu = parts.find((p) => cpus.includes(p));
  if (!os || !cpu || !/^\d+\.\d+\.\d+/.test(range)) throw new Error(`cannot place optional package ${name}@${range}`);
  const libc =
    os !== 'linux' ? undefined : parts.includes('musl') || parts.includes('musleabihf') ? ['musl'] : ['glibc'];
  return { version: range, os: [os], cpu: [cpu], ...(libc ? { libc } : {}) };
}

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(pkgs)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path ? `${path}/node_modules/${name}` : `node_modules/${name}`;
    if (pkgs[base] || pkgs[`node_modules/${name}`]) continue;
    const m = registryMeta(name, range) ?? platformFromName(name, range);
    pkgs[`node_modules/${name}`] = {
      version: m.version,
      ...(m.dist?.integrity ? { integrity: m.dist.integrity } : {}),
      ...(m.cpu ? { cpu: m.cpu } : {}),
      ...(entry.dev ? { dev: true } : {}),
      ...(m.libc ? { libc: m.libc } : {}),
      ...(m.license ? { license: m.license } : {}),
      optional: true,
      ...(m.os ? { os: m.os } : {}),
      ...(m.engines ? { engines: m.engines } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform package entr${added === 1 ? 'y' : 'ies'}`);
