// Syscalls per request of the floor and the kit (strace -c on each process
// during a closed loop), to tell a gateway's own work from the socket work
// every proxy pays. Usage: node scripts/bench/syscalls.mjs [op] [concurrency]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { client, closedLoop, startProcess } from './load.mjs';
import { spell, startKit } from './targets.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const op = process.argv[2] ?? 'chat';
const c = Number(process.argv[3] ?? 16);
const deployment = op === 'embeddings' ? 'embed' : 'gap0';
const up = await startProcess('upstream', process.execPath, [join(root, 'scripts/bench/upstream.mjs')], {
  ready: /READY (\d+)/,
});
const upstream = `http://127.0.0.1:${up.match[1]}`;
const floor = await startProcess('floor', process.execPath, [join(root, 'scripts/bench/floor.mjs'), upstream], {
  ready: /READY (\d+)/,
});
const floorTarget = { ...floor, name: 'floor', origin: `http://127.0.0.1:${floor.match[1]}` };
const kit = await startKit(upstream, 1000);
const kitTarget = { ...kit, name: 'kit' };
for (const t of [floorTarget, kitTarget]) {
  const pool = client(t.origin, c);
  await closedLoop(pool, spell(t, op, deployment), { workers: c, ms: 1500, warmMs: 500 });
  const out = `/tmp/strace-${t.name}.txt`;
  const tracer = spawn('strace', ['-c', '-f', '-o', out, '-p', String(t.pid)], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  const r = await closedLoop(pool, spell(t, op, deployment), { workers: c, ms: 2000, warmMs: 0 });
  tracer.kill('SIGINT');
  await new Promise((res) => tracer.on('exit', res));
  await pool.close();
  const lines = readFileSync(out, 'utf8').split('\n');
  const rows = lines
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 5 && /^\d/.test(f[0]) && f.at(-1) !== 'total');
  r.n = r.lat.length;
  console.log(`${t.name}: ${r.n} requests`);
  for (const f of rows) {
    const calls = Number(f[3]);
    if (calls / r.n >= 0.05) console.log(`  ${f.at(-1).padEnd(16)} ${(calls / r.n).toFixed(2)} per request`);
  }
}
await kit.stop();
await floor.stop();
await up.stop();
