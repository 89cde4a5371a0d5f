// `npm run bench -- --store postgres` (or `--store postgres://…` for a
// database of your own, empty): the kit on PostgreSQL beside the kit on its
// JSON store, both in front of the same upstream emulator with 1,000
// attendees and the bench event's daily request cap (so every call is
// counted against a shared allowance on PostgreSQL). Chat requests/s and p50
// at concurrency 1, 16 and 64 for `json` (one kit, JSON store), `pg` (one kit
// on PostgreSQL) and `pg×2` (two kits on one database behind a round-robin
// client: each request goes to the next instance, as a load balancer would
// send it). Targets: pg ≥ 0.7× json's req/s, p50 at c1 within +0.5 ms.
import { Pool } from 'undici';
import { startPostgres } from './postgres.mjs';
import { startKit } from './targets.mjs';

const ATTENDEES = 1000;

/** An undici-Pool look-alike that sends each request to the next origin in turn. */
function roundRobin(origins, connections) {
  const pools = origins.map((o) => new Pool(o, { connections, pipelining: 1, keepAliveTimeout: 60_000 }));
  let next = 0;
  return {
    request: (opts) => pools[next++ % pools.length].request(opts),
    close: () => Promise.all(pools.map((p) => p.close())),
  };
}

export async function conferenceBench({ store, upstream, cell, cellMs, log }) {
  const stops = [];
  try {
    let url = store;
    if (!/^postgres(ql)?:\/\//i.test(store)) {
      log('starting a throwaway PostgreSQL cluster (fsync on)');
      const pg = await startPostgres();
      stops.push(pg.stop);
      url = pg.url;
    }
    const json = await startKit(upstream, ATTENDEES);
    stops.push(json.stop);
    const first = await startKit(upstream, ATTENDEES, [], undefined, { storeUrl: url });
    stops.push(first.stop);
    const second = await startKit(upstream, ATTENDEES, [], undefined, { storeUrl: url, joining: first });
    stops.push(second.stop);
    const targets = [
      { name: 'json', spelling: 'kit', origin: json.origin, keys: json.keys, pid: json.pid },
      { name: 'pg', spelling: 'kit', origin: first.origin, keys: first.keys, pid: first.pid },
      {
        name: 'pg×2',
        spelling: 'kit',
        keys: first.keys,
        pids: [first.pid, second.pid],
        connect: (c) => roundRobin([first.origin, second.origin], c),
      },
    ];
    const rows = [];
    for (const c of [1, 16, 64]) {
      for (const r of await cell(targets, 'chat', 'gap0', c, cellMs)) {
        rows.push({ c, ...r });
        log(
          `  chat c=${String(c).padEnd(2)} ${r.target.padEnd(5)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  cpu ${r.cpuUsPerReq.toFixed(0)} µs/req${r.errors ? `  errors ${r.errors} (${r.firstError})` : ''}`,
        );
      }
    }
    return rows;
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

/** The rows as a markdown table, each PostgreSQL row set against the JSON store's at the same concurrency. */
export function conferenceReport(rows) {
  const lines = [
    '| concurrency | target | req/s | × json | p50 ms | added p50 ms | p99 ms | CPU µs/req | errors |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const base = rows.find((b) => b.c === r.c && b.target === 'json');
    const ratio = base ? (r.rps / base.rps).toFixed(2) : '';
    const added = base ? (r.p50 - base.p50).toFixed(2) : '';
    lines.push(
      `| ${r.c} | ${r.target} | ${r.rps.toFixed(0)} | ${ratio} | ${r.p50.toFixed(2)} | ${r.target === 'json' ? '—' : added} | ${r.p99.toFixed(2)} | ${r.cpuUsPerReq.toFixed(0)} | ${r.errors} |`,
    );
  }
  const misses = rows
    .filter((r) => r.target === 'pg')
    .flatMap((r) => {
      const base = rows.find((b) => b.c === r.c && b.target === 'json');
      if (!base) return [];
      const out = [];
      if (r.rps < 0.7 * base.rps) out.push(`c${r.c}: ${(r.rps / base.rps).toFixed(2)}× json's req/s (target ≥ 0.7×)`);
      if (r.c === 1 && r.p50 - base.p50 > 0.5) out.push(`c1: p50 +${(r.p50 - base.p50).toFixed(2)} ms (target ≤ +0.5)`);
      return out;
    });
  return `${lines.join('\n')}\n\n${misses.length ? `Out of range: ${misses.join('; ')}` : 'In range: pg ≥ 0.7× json req/s at every concurrency, p50 at c1 within +0.5 ms.'}\n`;
}
