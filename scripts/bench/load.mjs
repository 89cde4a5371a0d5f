// The load side of the bench: closed-loop workers on an undici Pool (one
// connection per worker, kept alive), latency per request, and the helpers
// that run and watch the processes under test (start, READY, peak RSS).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';

export function percentile(sorted, p) {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A target: where requests go and how each operation is spelled for it. */
export function client(origin, connections) {
  return new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
}

/** Sends one request and reads the whole answer; returns [status, msToFirstBodyByte, msToEnd]. */
export async function once(pool, req) {
  const t0 = performance.now();
  const { statusCode, body } = await pool.request({ method: 'POST', ...req });
  let first = 0;
  for await (const _chunk of body) if (!first) first = performance.now() - t0;
  return [statusCode, first, performance.now() - t0];
}

/**
 * Runs `workers` closed loops for `ms` after `warmMs` of unrecorded warm-up.
 * `next(i)` gives the i-th request (so keys and bodies can rotate). Returns
 * the raw samples; `summarize` turns one or more of them into the figures.
 */
export async function closedLoop(pool, next, { workers, ms, warmMs = 1000, onRecord }) {
  const run = async (duration, record) => {
    const end = performance.now() + duration;
    const out = { lat: [], ttfb: [], errors: 0, firstError: undefined, seconds: 0 };
    let i = 0;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (performance.now() < end) {
          try {
            const [status, first, total] = await once(pool, next(i++));
            if (status !== 200) {
              out.errors += 1;
              out.firstError ??= `HTTP ${status}`;
            }
            if (record) {
              out.lat.push(total);
              out.ttfb.push(first);
            }
          } catch (e) {
            out.errors += 1;
            out.firstError ??= e.code ?? e.message;
          }
        }
      }),
    );
    return out;
  };
  if (warmMs) await run(warmMs, false);
  onRecord?.();
  const t0 = performance.now();
  const r = await run(ms, true);
  r.seconds = (performance.now() - t0) / 1000;
  return r;
}

/** Merges the samples of several rounds into req/s, p50/p99 of the whole and of the first byte. */
export function summarize(parts) {
  const lat = parts.flatMap((p) => p.lat).sort((a, b) => a - b);
  const ttfb = parts.flatMap((p) => p.ttfb).sort((a, b) => a - b);
  const seconds = parts.reduce((s, p) => s + p.seconds, 0);
  return {
    n: lat.length,
    rps: lat.length / seconds,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    ttfbP50: percentile(ttfb, 50),
    ttfbP99: percentile(ttfb, 99),
    errors: parts.reduce((s, p) => s + p.errors, 0),
    firstError: parts.find((p) => p.firstError)?.firstError,
  };
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; NaN elsewhere). */
export function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Peak and current resident set of a process, in MB (Linux /proc; undefined elsewhere). */
export function memoryOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? Number.NaN);
    return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
  } catch {
    return { peakMb: Number.NaN, rssMb: Number.NaN };
  }
}

/** Starts a process and resolves once its stdout matches `ready` (the match is returned). */
export function startProcess(label, cmd, args, { ready, env, cwd, timeoutMs = 30_000 }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s) => {
    out += s;
    if (out.length > 1e6) out = out.slice(-1e5);
  });
  child.stderr.setEncoding('utf8').on('data', (s) => {
    err += s;
    if (err.length > 1e6) err = err.slice(-1e5);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not get ready in ${timeoutMs} ms`), timeoutMs);
    const fail = (why) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${label} ${why}\n${out.slice(-2000)}\n${err.slice(-2000)}`));
    };
    const check = () => {
      // Strips terminal colours before matching.
      const m = ready.exec(out.replace(/\x1b\[[0-9;]*m/g, ''));
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      child.off('exit', onExit);
      resolve({
        child,
        match: m,
        pid: child.pid,
        output: () => out + err,
        stop: () =>
          new Promise((ok) => {
            if (child.exitCode !== null || child.signalCode !== null) return ok();
            child.once('exit', () => ok());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 3000).unref();
          }),
      });
    };
    const onExit = (code) => fail(`exited (${code}) before it was ready`);
    child.stdout.on('data', check);
    child.once('exit', onExit);
  });
}
