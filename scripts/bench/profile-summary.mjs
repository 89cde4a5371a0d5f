// Summarizes a V8 CPU profile (node --cpu-prof) of the kit: busy time by
// layer (the kit's own modules, undici, Node's HTTP, socket syscalls, GC,
// module loading) and the kit functions with the most self time, so the
// bench can say where a request's time goes. Usage: node profile-summary.mjs FILE
import { readFileSync } from 'node:fs';

function layer(frame) {
  const { url, functionName } = frame;
  if (url.includes('/out/main/')) return `kit ${url.split('/out/main/')[1].split('/').slice(-2).join('/')}`;
  if (url.includes('/undici/')) return 'undici';
  if (url.includes('/find-my-way/')) return 'find-my-way (router)';
  if (url.includes('/lowdb/') || url.includes('/steno/')) return 'lowdb/steno (store writes)';
  if (/^node:(_http|http)/.test(url)) return 'node http';
  if (/^node:(net|stream|internal\/streams|internal\/stream_base)/.test(url)) return 'node streams/net';
  if (/esm|cjs|modules|bootstrap/.test(url) || functionName === 'compileSourceTextModule')
    return 'module loading (start-up)';
  if (['writev', 'write', 'read', 'writeUtf8String', 'writeLatin1String', 'writeBuffer'].includes(functionName))
    return 'socket writes/reads (syscalls)';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') return functionName;
  if (url.startsWith('node:'))
    return `node ${
      url
        .slice(5)
        .replace(/^internal\//, '')
        .split('/')[0]
    }`;
  if (functionName === 'openFileHandle' || functionName === 'rename' || functionName === 'fstat') return 'file I/O';
  return url ? 'other js' : 'native other';
}

export function summarize(file, top = 15) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const layers = new Map();
  const kitFns = new Map();
  let busy = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]);
    const dt = p.timeDeltas[i] ?? 0;
    const l = layer(n.callFrame);
    if (l === '(idle)') continue;
    busy += dt;
    layers.set(l, (layers.get(l) ?? 0) + dt);
    if (l.startsWith('kit ')) {
      const k = `${n.callFrame.functionName || '(anonymous)'} (${l.slice(4)}:${n.callFrame.lineNumber + 1})`;
      kitFns.set(k, (kitFns.get(k) ?? 0) + dt);
    }
  }
  const pct = (v) => `${((v / busy) * 100).toFixed(1)}%`;
  const kitTotal = [...layers].filter(([k]) => k.startsWith('kit ')).reduce((s, [, v]) => s + v, 0);
  const grouped = new Map([['the kit’s own code (all modules)', kitTotal]]);
  for (const [k, v] of layers) if (!k.startsWith('kit ')) grouped.set(k, v);
  const rows = [...grouped]
    .sort((a, b) => b[1] - a[1])
    .filter(([, v]) => v / busy >= 0.005)
    .map(([k, v]) => `| ${k} | ${pct(v)} |`);
  const fns = [...kitFns]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `| ${k} | ${pct(v)} |`);
  return [
    `Busy time ${(busy / 1e6).toFixed(1)} s of ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s profiled.`,
    '',
    '| layer | share of busy time |',
    '|---|---|',
    ...rows,
    '',
    '| kit function (self time) | share of busy time |',
    '|---|---|',
    ...fns,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(summarize(process.argv[2]));
