// `npm run bench -- --store`: what durable writes cost. The built kit runs in
// its own process on a fresh data dir (on the machine's temp disk, the one a
// laptop's data dir would be on), once with its real file layer (every write
// fsynced, file and directory) and once with a layer whose fsyncs do nothing
// (the writer as it was before durable writes, batching included), and once
// with every fsync made 5 ms slower (a laptop SSD or a USB stick). Each
// variant: a burst of 300 registrations at concurrency 24 (registrations/s
// and the burst's wall time), then 200 admin changes one after another
// (events.update over the loopback admin API: p50 and p99), three rounds on
// a fresh kit each. `--store-kit DIR` also measures the build in DIR/out
// (another commit, built) as "other".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { percentile, startProcess } from './load.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BURST = 300;
const WIDTH = 24;
const CHANGES = 200;

/** Child: a kit from `outDir`, fsyncs on (`sync`) or off (`nosync`); prints where it listens. */
async function child(outDir, mode, dataDir) {
  const { createKit } = await import(pathToFileURL(join(outDir, 'main/electron/core/kit.js')).href);
  let storeFiles;
  if (mode !== 'sync') {
    const { nodeFiles } = await import(pathToFileURL(join(outDir, 'main/electron/core/store/file-layer.js')).href);
    // `nosync`: fsyncs do nothing (the writer as it was). `slow`: each fsync takes 5 ms more, as a laptop's
    // SSD or a USB stick may (this machine's virtual disk answers one in about 0.4 ms).
    const sync =
      mode === 'nosync'
        ? async () => undefined
        : async (fh) => {
            await fh.sync();
            await new Promise((r) => setTimeout(r, 5));
          };
    storeFiles = {
      ...nodeFiles,
      async open(path, flags, fileMode) {
        const fh = await nodeFiles.open(path, flags, fileMode);
        return { write: (b, o, l) => fh.write(b, o, l), sync: () => sync(fh), close: () => fh.close() };
      },
    };
  }
  const kit = await createKit({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    demo: false,
    env: { KIT_ADMIN_TOKEN: 'store-bench' },
    ...(storeFiles ? { storeFiles } : {}),
  });
  process.stdout.write(`READY ${kit.localUrl} ${kit.adminUrl}\n`);
}

async function admin(adminUrl, method, input) {
  const r = await fetch(`${adminUrl}/admin/api/${method}`, {
    method: 'POST',
    headers: { authorization: 'Bearer store-bench', 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = await r.json();
  if (!r.ok) throw new Error(`${method}: ${r.status} ${JSON.stringify(body)}`);
  return body;
}

async function round(outDir, mode) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kit-store-bench-'));
  const p = await startProcess(
    `kit (${mode})`,
    process.execPath,
    [fileURLToPath(import.meta.url), '--child', outDir, mode, dataDir],
    {
      ready: /READY (\S+) (\S+)/,
    },
  );
  try {
    const [lanUrl, adminUrl] = [p.match[1], p.match[2]];
    const r = await admin(adminUrl, 'resources.create', {
      name: 'Playground',
      kind: 'playground',
      deployment: 'playground',
      auth: { type: 'none' },
      enabled: true,
    });
    const now = Date.now();
    const event = await admin(adminUrl, 'events.create', {
      name: 'Bench',
      startsAt: new Date(now - 3600_000).toISOString(),
      endsAt: new Date(now + 3600_000).toISOString(),
      timeZone: 'UTC',
      dailyRequestCap: 0,
      maxTokenCap: 0,
      resourceIds: [r.id],
      enabled: true,
    });
    let next = 0;
    let failed = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: WIDTH }, async () => {
        while (next < BURST) {
          const i = next++;
          const res = await fetch(`${lanUrl}/join/${event.code}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ name: `attendee ${i}` }),
          });
          await res.arrayBuffer();
          if (res.status !== 201) failed += 1;
        }
      }),
    );
    const burstMs = performance.now() - started;
    const times = [];
    for (let i = 0; i < CHANGES; i++) {
      const t = performance.now();
      await admin(adminUrl, 'events.update', { id: event.id, name: `Bench ${i}` });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return {
      burstMs,
      perSecond: (BURST / burstMs) * 1000,
      failed,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
    };
  } finally {
    p.child.kill('SIGTERM');
    await new Promise((r) => p.child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs every variant `rounds` times, interleaved; returns the medians. */
export async function storeBench({ rounds = 3, otherKit, log = () => undefined } = {}) {
  const variants = [
    ['fsync', join(root, 'out'), 'sync'],
    ['fsync + 5 ms', join(root, 'out'), 'slow'],
    ['no fsync', join(root, 'out'), 'nosync'],
    ...(otherKit ? [['other', join(otherKit, 'out'), 'sync']] : []),
  ];
  const results = new Map(variants.map(([name]) => [name, []]));
  for (let i = 0; i < rounds; i++) {
    for (const [name, outDir, mode] of variants) {
      const r = await round(outDir, mode);
      log(
        `  store ${name} round ${i + 1}: ${r.perSecond.toFixed(0)} registrations/s (${r.burstMs.toFixed(0)} ms), admin change p50 ${r.p50.toFixed(2)} ms`,
      );
      results.get(name).push(r);
    }
  }
  return variants.map(([name]) => {
    const rs = results.get(name);
    return {
      variant: name,
      registrationsPerSecond: median(rs.map((r) => r.perSecond)),
      burstMs: median(rs.map((r) => r.burstMs)),
      failed: rs.reduce((n, r) => n + r.failed, 0),
      adminP50Ms: median(rs.map((r) => r.p50)),
      adminP99Ms: median(rs.map((r) => r.p99)),
    };
  });
}

export function storeReport(rows) {
  const lines = [
    `Durable writes: ${BURST} registrations at concurrency ${WIDTH}, then ${CHANGES} admin changes (events.update), median of the rounds`,
    '',
    '| variant | registrations/s | burst of 300 (ms) | admin change p50 (ms) | p99 (ms) | failed |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.variant} | ${r.registrationsPerSecond.toFixed(0)} | ${r.burstMs.toFixed(0)} | ${r.adminP50Ms.toFixed(2)} | ${r.adminP99Ms.toFixed(2)} | ${r.failed} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4], process.argv[5]).catch((e) => {
    process.stderr.write(`${e.stack}\n`);
    process.exit(1);
  });
}
