// `npm run bench -- --fairness`: the fair queue when the upstream quota is the
// bottleneck. One resource limited to 8 calls in flight in front of a model
// that takes 50 ms a call; 20 light attendees each make one call at a time.
// Phase "alone": only they run. Phase "with heavy": one more attendee keeps
// 64 calls going at once. The queue serves attendees in turn, so the light
// attendees' p50 with the heavy one should stay within 2× of their p50 alone.
// The phases alternate over a few rounds so a burst from elsewhere on a
// shared machine lands on both. The heavy attendee's calls turned away by the
// bounded queue (429) are counted apart; it retries at once, ignoring
// Retry-After (the worst case: an SDK would wait).
import { client, closedLoop, percentile, startProcess } from './load.mjs';
import { admin, spell, startKit, UPSTREAM_KEY } from './targets.mjs';

const LIGHT = 20;
const HEAVY_CONCURRENCY = 64;
const IN_FLIGHT = 8;
const MODEL_MS = 50;

export async function fairnessBench({ upstreamScript, cellMs = 6000, rounds = 2, log }) {
  const procs = [];
  try {
    const up = await startProcess('upstream', process.execPath, [upstreamScript], { ready: /READY (\d+)/ });
    procs.push(up);
    const upstream = `http://127.0.0.1:${up.match[1]}`;
    const kit = await startKit(upstream, LIGHT + 1);
    procs.push(kit);
    const deployment = `slow${MODEL_MS}`;
    const slow = await admin(kit, 'resources.create', {
      name: deployment,
      kind: 'azure-openai',
      endpoint: upstream,
      deployment,
      auth: { type: 'api-key', key: UPSTREAM_KEY },
      maxInFlight: IN_FLIGHT,
      enabled: true,
    });
    await admin(kit, 'events.update', { id: kit.eventId, resourceIds: [...kit.resourceIds, slow.id] });
    const lightKeys = kit.keys.slice(0, LIGHT);
    const heavyKey = kit.keys[LIGHT];
    const request = spell({ name: 'kit', keys: [heavyKey] }, 'chat', deployment);
    /** Light attendee `w` always calls with its own key. */
    const lightLoop = async (ms, warmMs) => {
      const parts = await Promise.all(
        lightKeys.map(async (key) => {
          const pool = client(kit.origin, 1);
          const next = spell({ name: 'kit', keys: [key] }, 'chat', deployment);
          try {
            return await closedLoop(pool, next, { workers: 1, ms, warmMs });
          } finally {
            await pool.close();
          }
        }),
      );
      return parts;
    };
    const heavyLoop = async (ms) => {
      const pool = client(kit.origin, HEAVY_CONCURRENCY);
      try {
        return await closedLoop(pool, request, { workers: HEAVY_CONCURRENCY, ms, warmMs: 0 });
      } finally {
        await pool.close();
      }
    };
    const phase = { alone: [], withHeavy: [] };
    const heavy = { calls: 0, refused: 0 };
    for (let r = 0; r < rounds; r++) {
      const ms = cellMs / rounds;
      const warmMs = r === 0 ? 1500 : 500;
      phase.alone.push(...(await lightLoop(ms, warmMs)));
      const [lights, h] = await Promise.all([lightLoop(ms, warmMs), heavyLoop(ms + warmMs)]);
      phase.withHeavy.push(...lights);
      heavy.calls += h.lat.length - h.errors;
      heavy.refused += h.errors;
      const p = (parts) =>
        percentile(
          parts.flatMap((x) => x.lat).sort((a, b) => a - b),
          50,
        ).toFixed(1);
      log(`  fairness round ${r + 1}: light p50 alone ${p(phase.alone)} ms, with heavy ${p(phase.withHeavy)} ms`);
    }
    const stats = (parts) => {
      const lat = parts.flatMap((x) => x.lat).sort((a, b) => a - b);
      return {
        n: lat.length,
        p50: percentile(lat, 50),
        p99: percentile(lat, 99),
        errors: parts.reduce((s, x) => s + x.errors, 0),
      };
    };
    return {
      light: LIGHT,
      heavyConcurrency: HEAVY_CONCURRENCY,
      inFlight: IN_FLIGHT,
      modelMs: MODEL_MS,
      alone: stats(phase.alone),
      withHeavy: stats(phase.withHeavy),
      heavy,
    };
  } finally {
    for (const p of procs.reverse()) await p.stop();
  }
}

export function fairnessReport(r) {
  const ratio = r.withHeavy.p50 / r.alone.p50;
  return [
    `### Fairness: ${r.light} attendees at 1 call each, one at ${r.heavyConcurrency}, upstream capped at ${r.inFlight} in flight (${r.modelMs} ms a call)`,
    '',
    '| light attendees | calls timed | p50 | p99 | errors |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| alone | ${r.alone.n} | ${r.alone.p50.toFixed(1)} ms | ${r.alone.p99.toFixed(1)} ms | ${r.alone.errors} |`,
    `| with the heavy attendee | ${r.withHeavy.n} | ${r.withHeavy.p50.toFixed(1)} ms | ${r.withHeavy.p99.toFixed(1)} ms | ${r.withHeavy.errors} |`,
    '',
    `Light p50 with the heavy attendee: ${ratio.toFixed(2)}× alone (target ≤ 2×). The heavy attendee got ${r.heavy.calls} calls answered and ${r.heavy.refused} turned away by the bounded queue.`,
  ].join('\n');
}

export function fairnessMisses(r) {
  const out = [];
  if (r.withHeavy.p50 / r.alone.p50 > 2) out.push('light p50 with the heavy attendee above 2× alone');
  if (r.alone.errors || r.withHeavy.errors) out.push('light attendees refused');
  return out;
}
