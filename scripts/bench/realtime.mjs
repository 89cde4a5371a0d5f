// `npm run bench -- --realtime`: the Realtime API relay under a voice room's
// load. 200 sessions each append 50 ms of 24 kHz audio 20 times a second (the
// pace of a microphone) and get a response delta of the same size back for
// each; every frame is timed there and back. The same load runs straight to
// the emulated upstream (direct) and through the kit, in alternating rounds
// so a burst from elsewhere on a shared machine lands on both. Reported: the
// kit's added p50 and p99 per frame, the kit's CPU per frame relayed (each
// way counts one), its peak RSS, and frames lost (sent without an answer).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { cpuMsOf, memoryOf, percentile, startProcess } from './load.mjs';
import { admin, startKit, UPSTREAM_KEY } from './targets.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** 50 ms of 24 kHz 16-bit mono: 2,400 bytes, 3,200 in base64. */
const AUDIO = Buffer.alloc(2400, 7).toString('base64');
const PREVIEW = '?api-version=2025-04-01-preview&deployment=gpt-realtime';

function openSession(url, headers) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.once('message', () => resolve(ws)); // session.created
    ws.once('error', reject);
    ws.once('unexpected-response', (_q, res) => reject(new Error(`handshake HTTP ${res.statusCode}`)));
  });
}

/** `sessions` sessions at `rate` appends a second each for `ms`; the first `warmMs` are not recorded. */
async function round(target, { sessions, rate, ms, warmMs }) {
  const sockets = [];
  for (let i = 0; i < sessions; i += 20)
    sockets.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(20, sessions - i) }, (_, j) => openSession(target.url, target.headers(i + j))),
      )),
    );
  const lat = [];
  const sent = new Map();
  let recordFrom = Number.POSITIVE_INFINITY;
  let frames = 0;
  let answered = 0;
  for (const ws of sockets)
    ws.on('message', (data) => {
      const e = JSON.parse(data.toString());
      const t0 = sent.get(e.item_id);
      if (t0 === undefined) return;
      sent.delete(e.item_id);
      answered++;
      if (t0 >= recordFrom) lat.push(performance.now() - t0);
    });
  let seq = 0;
  const timers = sockets.map((ws, i) =>
    // Spread over the interval, as microphones are not in step.
    setTimeout(
      () => {
        timers[i] = setInterval(() => {
          const id = `a${++seq}`;
          sent.set(id, performance.now());
          frames++;
          ws.send(JSON.stringify({ type: 'input_audio_buffer.append', event_id: id, audio: AUDIO }));
        }, 1000 / rate);
      },
      Math.floor((i * (1000 / rate)) / sockets.length),
    ),
  );
  await new Promise((r) => setTimeout(r, warmMs));
  const cpuBefore = cpuMsOf(target.pid);
  recordFrom = performance.now();
  const framesBefore = frames;
  await new Promise((r) => setTimeout(r, ms));
  const cpuMs = cpuMsOf(target.pid) - cpuBefore;
  const recordedFrames = frames - framesBefore;
  for (const t of timers) clearInterval(t);
  // The last answers come back before the sockets close.
  await new Promise((r) => setTimeout(r, 500));
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise((r) => {
          ws.once('close', r);
          ws.close(1000);
        }),
    ),
  );
  return { lat, cpuMs, frames: recordedFrames, lost: frames - answered };
}

export async function realtimeBench({ sessions = 200, rate = 20, cellMs = 10_000, rounds = 2, log }) {
  const procs = [];
  try {
    const up = await startProcess(
      'realtime upstream',
      process.execPath,
      [join(root, 'scripts/bench/realtime-upstream.mjs'), UPSTREAM_KEY],
      { ready: /READY (\d+)/ },
    );
    procs.push(up);
    const upstream = `http://127.0.0.1:${up.match[1]}`;
    const kit = await startKit(upstream, sessions);
    procs.push(kit);
    const voice = await admin(kit, 'resources.create', {
      name: 'voice',
      kind: 'azure-openai',
      endpoint: upstream,
      deployment: 'gpt-realtime',
      auth: { type: 'api-key', key: UPSTREAM_KEY },
      enabled: true,
    });
    await admin(kit, 'events.update', { id: kit.eventId, resourceIds: [...kit.resourceIds, voice.id] });
    const targets = [
      {
        name: 'direct',
        url: `${upstream.replace('http', 'ws')}/openai/realtime${PREVIEW}`,
        headers: () => ({ 'api-key': UPSTREAM_KEY }),
        pid: up.pid,
      },
      {
        name: 'kit',
        url: `${kit.origin.replace('http', 'ws')}/api/v1/openai/realtime${PREVIEW}`,
        headers: (i) => ({ 'api-key': kit.keys[i % kit.keys.length] }),
        pid: kit.pid,
      },
    ];
    const parts = { direct: [], kit: [] };
    for (let r = 0; r < rounds; r++)
      for (const t of targets) {
        const out = await round(t, { sessions, rate, ms: cellMs / rounds, warmMs: r === 0 ? 2000 : 500 });
        parts[t.name].push(out);
        log(
          `  realtime ${t.name.padEnd(6)} round ${r + 1}: ${out.frames} frames, p50 ${percentile(
            [...out.lat].sort((a, b) => a - b),
            50,
          ).toFixed(2)} ms`,
        );
      }
    const sum = (name) => {
      const lat = parts[name].flatMap((p) => p.lat).sort((a, b) => a - b);
      const frames = parts[name].reduce((s, p) => s + p.frames, 0);
      const cpuMs = parts[name].reduce((s, p) => s + p.cpuMs, 0);
      return {
        n: lat.length,
        p50: percentile(lat, 50),
        p99: percentile(lat, 99),
        // Each append goes one way and its delta the other: two frames relayed.
        cpuUsPerFrame: (cpuMs * 1000) / (frames * 2),
        lost: parts[name].reduce((s, p) => s + p.lost, 0),
      };
    };
    return {
      sessions,
      rate,
      audioBytes: 2400,
      direct: sum('direct'),
      kit: sum('kit'),
      kitPeakMb: memoryOf(kit.pid).peakMb,
    };
  } finally {
    for (const p of procs.reverse()) await p.stop();
  }
}

export function realtimeReport(r) {
  const added50 = r.kit.p50 - r.direct.p50;
  const added99 = r.kit.p99 - r.direct.p99;
  return [
    `### Realtime relay: ${r.sessions} sessions, ${r.rate} appends/s each (${r.audioBytes} bytes of audio), a delta back for each`,
    '',
    '| target | frames timed | p50 there and back | p99 | CPU per frame (the process; direct: the upstream) | lost |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...['direct', 'kit'].map(
      (n) =>
        `| ${n} | ${r[n].n} | ${r[n].p50.toFixed(2)} ms | ${r[n].p99.toFixed(2)} ms | ${r[n].cpuUsPerFrame.toFixed(0)} µs | ${r[n].lost} |`,
    ),
    '',
    `Added by the kit: p50 ${added50.toFixed(2)} ms per frame (target ≤ 1 ms), p99 ${added99.toFixed(2)} ms; kit peak RSS ${r.kitPeakMb.toFixed(0)} MB (target ≤ 250 MB).`,
  ].join('\n');
}

/** What is out of range (empty when all is well). */
export function realtimeMisses(r) {
  const out = [];
  if (r.kit.p50 - r.direct.p50 > 1) out.push('added p50 per frame above 1 ms');
  if (r.kitPeakMb > 250) out.push('kit peak RSS above 250 MB');
  if (r.kit.lost > 0) out.push('frames lost');
  return out;
}
