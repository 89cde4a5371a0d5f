// Turns the bench's numbers into the markdown tables of docs/benchmarks.md,
// ratios to direct and to the floor, and the targets checked one by one.

const f0 = (x) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–');
const table = (head, rows) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );

function throughput(r) {
  const names = ['direct', 'floor', 'portkey', 'base', 'kit'].filter((n) => r.throughput.some((x) => x.target === n));
  const get = (op, c, n) => r.throughput.find((x) => x.op === op && x.c === c && x.target === n);
  const rows = [];
  const lat = [];
  for (const op of ['chat', 'embeddings']) {
    for (const c of [1, 16, 64]) {
      const kit = get(op, c, 'kit');
      const d = get(op, c, 'direct');
      const fl = get(op, c, 'floor');
      const pk = get(op, c, 'portkey');
      rows.push([
        op,
        c,
        ...names.map((n) => f0(get(op, c, n)?.rps)),
        ratio(kit?.rps, d?.rps),
        ratio(kit?.rps, fl?.rps),
        ratio(kit?.rps, pk?.rps),
      ]);
      lat.push([
        op,
        c,
        ...names.map((n) => `${f2(get(op, c, n)?.p50)} / ${f2(get(op, c, n)?.p99)}`),
        f2(fl?.p50 - d?.p50),
        f2(kit?.p50 - d?.p50),
        f2(kit?.p50 - fl?.p50),
      ]);
    }
  }
  const cpu = [];
  for (const op of ['chat', 'embeddings'])
    for (const c of [1, 16, 64]) {
      const k = get(op, c, 'kit')?.cpuUsPerReq;
      const fl = get(op, c, 'floor')?.cpuUsPerReq;
      cpu.push([op, c, ...names.map((n) => f0(get(op, c, n)?.cpuUsPerReq)), ratio(k, fl), f0(k - fl)]);
    }
  const errs = r.throughput
    .filter((x) => x.errors)
    .map((x) => `${x.target} ${x.op} c${x.c}: ${x.errors} (${x.firstError})`);
  return [
    '### Requests per second',
    table(['op', 'c', ...names, 'kit/direct', 'kit/floor', 'kit/portkey'], rows),
    '',
    '### Latency p50 / p99 (ms), and p50 added over direct',
    table(['op', 'c', ...names.map((n) => `${n} p50/p99`), 'floor +p50', 'kit +p50', 'kit − floor p50'], lat),
    '',
    '### CPU per request (µs, the process itself; direct = the upstream emulator)',
    table(['op', 'c', ...names, 'kit/floor', 'kit − floor'], cpu),
    errs.length ? `\nErrors: ${errs.join('; ')}` : '',
  ].join('\n');
}

function streams(r) {
  const rows = [];
  for (const gap of [0, 5]) {
    const d = r.streams.find((x) => x.gap === gap && x.target === 'direct');
    for (const s of r.streams.filter((x) => x.gap === gap)) {
      rows.push([
        `${gap} ms`,
        s.target,
        s.n,
        `${f2(s.ttfbP50)} / ${f2(s.ttfbP99)}`,
        f2(s.ttfbP50 - d?.ttfbP50),
        `${f2(s.p50)} / ${f2(s.p99)}`,
        d ? `${(((s.p50 - d.p50) / d.p50) * 100).toFixed(1)}%` : '–',
      ]);
    }
  }
  return [
    '### Streaming (one client; 22 SSE events upstream)',
    table(
      ['gap', 'target', 'n', 'first byte p50/p99 (ms)', '+first byte p50', 'full p50/p99 (ms)', 'full p50 vs direct'],
      rows,
    ),
  ].join('\n');
}

function uploads(r) {
  if (!r.uploads?.length) return '';
  const names = ['direct', 'floor', 'kit'].filter((n) => r.uploads.some((x) => x.target === n));
  const get = (op, c, n) => r.uploads.find((x) => x.op === op && x.c === c && x.target === n);
  const rows = [];
  for (const op of ['upload-model-first', 'upload-file-first']) {
    for (const c of [1, 16]) {
      const kit = get(op, c, 'kit');
      const fl = get(op, c, 'floor');
      rows.push([
        op.replace('upload-', ''),
        c,
        ...names.map((n) => `${f0(get(op, c, n)?.rps)} / ${f2(get(op, c, n)?.p50)}`),
        ratio(kit?.rps, fl?.rps),
        f2(kit?.p50 - fl?.p50),
        `${f0(fl?.cpuUsPerReq)} / ${f0(kit?.cpuUsPerReq)}`,
      ]);
    }
  }
  return [
    '### Uploads (2 MiB v1 transcription, routed by the form’s model; req/s / p50 ms; a fresh kit)',
    table(['form order', 'c', ...names, 'kit/floor', 'kit − floor p50', 'cpu µs/req floor / kit'], rows),
    '',
    `Kit peak RSS during the uploads: ${f0(r.uploadKitPeakMb)} MB.`,
  ].join('\n');
}

export function targets(r) {
  const t = (op, c, n) => r.throughput.find((x) => x.op === op && x.c === c && x.target === n);
  const s = (gap, n) => r.streams.find((x) => x.gap === gap && x.target === n);
  const out = [];
  const check = (label, ok, detail) => out.push(`- ${ok ? '✅' : '❌'} ${label}: ${detail}`);
  for (const op of ['chat', 'embeddings'])
    for (const c of [16, 64]) {
      const k = t(op, c, 'kit');
      const fl = t(op, c, 'floor');
      check(`kit req/s ≥ 0.8× floor, ${op} c${c}`, k?.rps >= 0.8 * fl?.rps, ratio(k?.rps, fl?.rps));
    }
  const addChat = t('chat', 1, 'kit')?.p50 - t('chat', 1, 'direct')?.p50;
  check('added p50 at c1 ≤ 0.4 ms, chat', addChat <= 0.4, `${f2(addChat)} ms`);
  const addTtfb = s(0, 'kit')?.ttfbP50 - s(0, 'direct')?.ttfbP50;
  check("added p50 ≤ 0.4 ms, a stream's first byte", addTtfb <= 0.4, `${f2(addTtfb)} ms`);
  const full = (s(5, 'kit')?.p50 - s(5, 'direct')?.p50) / s(5, 'direct')?.p50;
  check('full-stream p50 within 2% of direct at 5 ms gaps', full <= 0.02, `${(full * 100).toFixed(1)}%`);
  if (r.throughput.some((x) => x.target === 'portkey')) {
    const ratios = ['chat', 'embeddings'].flatMap((op) =>
      [1, 16, 64].map((c) => t(op, c, 'kit')?.rps / t(op, c, 'portkey')?.rps),
    );
    const min = Math.min(...ratios);
    check("kit req/s ≥ 10× Portkey's (every cell)", min >= 10, `lowest ${min.toFixed(1)}×`);
  }
  const peak = r.peaks?.kit;
  check('kit peak RSS ≤ 150 MB with 1,000 attendees', peak <= 150, `${f0(peak)} MB`);
  if (r.scaling?.length) {
    const lo = r.scaling[0];
    const hi = r.scaling.at(-1);
    const growth = (hi.peakMb - lo.peakMb) / lo.peakMb;
    check(
      `peak RSS flat in attendees (${lo.attendees} → ${hi.attendees})`,
      growth <= 0.15,
      `${f0(lo.peakMb)} → ${f0(hi.peakMb)} MB (${(growth * 100).toFixed(0)}%)`,
    );
  }
  return out.join('\n');
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/**
 * RSS growth over a soak: the median of the last minute's samples against the
 * median of the second minute's (after warm-up). Single samples swing by tens
 * of MB with each garbage collection; medians of a minute do not.
 */
export function soakGrowth(samples) {
  const end = samples.at(-1)?.s ?? 0;
  const second = samples.filter((x) => x.s > 60 && x.s <= 120).map((x) => x.rssMb);
  const last = samples.filter((x) => x.s > end - 60).map((x) => x.rssMb);
  const baseRssMb = median(second.length ? second : samples.map((x) => x.rssMb));
  const lastRssMb = median(last);
  return { baseRssMb, lastRssMb, growthPct: ((lastRssMb - baseRssMb) / baseRssMb) * 100 };
}

function soakReport(m, raw) {
  const s = { ...raw, ...soakGrowth(raw.samples) };
  const rows = s.samples
    .filter((_, i) => i % 6 === 5 || i === s.samples.length - 1)
    .map((x) => [x.s, f0(x.done), x.errors, f2(x.rssMb)]);
  return [
    `## Soak: ${s.minutes} minutes, 16 clients, chat/embeddings/streams mixed (${m.date})`,
    '',
    table(['s', 'requests', 'errors', 'kit RSS (MB)'], rows),
    '',
    `Median RSS in the second minute ${f2(s.baseRssMb)} MB, in the last minute ${f2(s.lastRssMb)} MB: growth ${s.growthPct.toFixed(1)}% (target < 10%) ${s.growthPct < 10 ? '✅' : '❌'}; peak ${f2(s.peakMb)} MB; ${s.done} requests, ${s.errors} errors.`,
  ].join('\n');
}

export function report(r) {
  const m = r.machine;
  const load = m.loadBefore ? ` Load average (1 min): ${m.loadBefore} before, ${m.loadAfter ?? '?'} after.` : '';
  const head = `Run ${m.date} on ${m.cpu}, ${m.memGb} GB RAM, ${m.platform}, Node ${m.node}; ${m.cellMs} ms per cell in ${m.rounds ?? 3} interleaved rounds.${load}`;
  if (r.soak) return `Run on ${m.cpu}, ${m.memGb} GB RAM, ${m.platform}, Node ${m.node}.\n\n${soakReport(m, r.soak)}`;
  const peaks = table(
    ['process', 'peak RSS (MB)'],
    Object.entries(r.peaks).map(([k, v]) => [k, f0(v)]),
  );
  const scaling = table(
    ['attendees', 'kit peak RSS (MB)', 'chat req/s at c16', 'p50 (ms)'],
    r.scaling.map((x) => [x.attendees, f0(x.peakMb), f0(x.rps), f2(x.p50)]),
  );
  return [
    head,
    r.portkeyNote ?? '',
    throughput(r),
    '',
    streams(r),
    '',
    uploads(r),
    '',
    '### Peak RSS during the run',
    peaks,
    '',
    '### Kit memory against registered attendees (fresh kit each, chat at c16)',
    scaling,
    '',
    '### Targets',
    targets(r),
  ].join('\n');
}
