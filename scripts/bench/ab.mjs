// A/B of two builds of the kit: this checkout's and another's, started side by
// side on one upstream, measured in many short alternating rounds (the order
// flipping each round) with the median CPU per request and req/s of each and
// how many rounds each won. On a shared two-core VM one 3-second cell moves by
// ±15 % from run to run; a median over a dozen alternations says whether a
// change helped. Used by `npm run bench -- --ab DIR`.
import { memoryOf } from './load.mjs';
import { measuredRound, startKit } from './targets.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs `ops` × `concurrency` with `rounds` alternations of `roundMs` each; returns one row per cell. */
export async function abBench({ upstream, otherRoot, ops, concurrency, rounds = 12, roundMs = 2000, log }) {
  const kit = await startKit(upstream, 1000);
  const other = await startKit(upstream, 1000, [], otherRoot);
  const pair = [
    { name: 'kit', origin: kit.origin, keys: kit.keys, pid: kit.pid },
    { name: 'other', spelling: 'kit', origin: other.origin, keys: other.keys, pid: other.pid },
  ];
  const rows = [];
  try {
    for (const op of ops) {
      for (const c of concurrency) {
        const cpu = { kit: [], other: [] };
        const rps = { kit: [], other: [] };
        for (let round = 0; round < rounds; round++) {
          for (const t of round % 2 ? pair : [...pair].reverse()) {
            const deployment = op === 'embeddings' ? 'embed' : 'gap0';
            const r = await measuredRound(t, op, deployment, c, { ms: roundMs, warmMs: round === 0 ? 1500 : 250 });
            if (r.errors) throw new Error(`${t.name} ${op} c=${c}: ${r.errors} errors, the first ${r.firstError}`);
            cpu[t.name].push((r.cpuMs * 1000) / r.lat.length);
            rps[t.name].push(r.lat.length / r.seconds);
          }
        }
        const row = {
          op,
          c,
          rounds,
          cpuKit: median(cpu.kit),
          cpuOther: median(cpu.other),
          rpsKit: median(rps.kit),
          rpsOther: median(rps.other),
          kitCheaper: cpu.kit.filter((v, i) => v < cpu.other[i]).length,
        };
        log(
          `  ${op} c=${c}: CPU µs/req kit ${row.cpuKit.toFixed(0)} other ${row.cpuOther.toFixed(0)} (kit cheaper in ${row.kitCheaper}/${rounds})`,
        );
        rows.push(row);
      }
    }
    rows.peakRss = { kit: memoryOf(kit.pid).peakMb, other: memoryOf(other.pid).peakMb };
  } finally {
    await kit.stop();
    await other.stop();
  }
  return rows;
}

export function abReport(rows, otherRoot) {
  const pct = (a, b) => `${a <= b ? '−' : '+'}${Math.abs((a / b - 1) * 100).toFixed(0)}%`;
  return [
    `### This kit against ${otherRoot} (medians over alternating rounds)`,
    '',
    '| op | c | CPU µs/req kit / other | kit vs other | rounds kit was cheaper | req/s kit / other |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.op} | ${r.c} | ${r.cpuKit.toFixed(0)} / ${r.cpuOther.toFixed(0)} | ${pct(r.cpuKit, r.cpuOther)} | ${r.kitCheaper} of ${r.rounds} | ${r.rpsKit.toFixed(0)} / ${r.rpsOther.toFixed(0)} |`,
    ),
    '',
    `Peak RSS: kit ${rows.peakRss.kit.toFixed(0)} MB, other ${rows.peakRss.other.toFixed(0)} MB.`,
  ].join('\n');
}
