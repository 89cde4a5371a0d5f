/**
 * Runs the real headless kit (`ai-proxy-kit serve`) as a child process, for
 * the tests that must kill it (-9) or read everything it printed. The CLI is
 * bundled from source with esbuild on first use, so the test exercises the
 * code under test rather than whatever `out/` last held.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
let bundled: Promise<string> | undefined;

/** One bundle per test worker: the CLI entry with its npm packages left external. */
function cliBundle(): Promise<string> {
  bundled ??= (async () => {
    const dir = join(root, '.cache', 'kit-process');
    await mkdir(dir, { recursive: true });
    const outfile = join(dir, `cli-${process.pid}.mjs`);
    await build({
      stdin: {
        contents: `import { main } from './electron/cli.ts';
main().catch((e) => { process.stderr.write('ai-proxy-kit: ' + e.message + '\\n'); process.exit(1); });`,
        resolveDir: root,
        loader: 'ts',
        sourcefile: 'kit-process-entry.ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile,
      logLevel: 'silent',
    });
    return outfile;
  })();
  return bundled;
}

export interface KitProcess {
  child: ChildProcess;
  pid: number;
  /** `http://127.0.0.1:<port>` of the LAN listener. */
  url: string;
  apiBase: string;
  adminUrl: string;
  adminToken: string;
  /** Everything the kit wrote so far. */
  stdout(): string;
  stderr(): string;
  /** Calls an admin method over the loopback HTTP API. */
  admin<T = unknown>(method: string, input?: unknown): Promise<T>;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/** More for the command line (`--store postgres://…`) and the environment. */
export interface KitProcessExtra {
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

export async function startKitProcess(
  dataDir: string,
  adminToken: string,
  timeoutMs = 20_000,
  extra: KitProcessExtra = {},
): Promise<KitProcess> {
  const cli = await cliBundle();
  const child = spawn(
    process.execPath,
    [
      cli,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--admin-port',
      '0',
      '--data-dir',
      dataDir,
      '--no-demo',
      ...(extra.args ?? []),
    ],
    {
      cwd: root,
      env: { ...process.env, KIT_ADMIN_TOKEN: adminToken, ...extra.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)),
  );

  const ready = await new Promise<{ url: string; adminUrl: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`the kit did not start within ${timeoutMs} ms:\n${out}\n${err}`)),
      timeoutMs,
    );
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    const check = () => {
      const lan = /(http:\/\/127\.0\.0\.1:\d+)\/api\/v1/.exec(out);
      const admin = /(http:\/\/127\.0\.0\.1:\d+)\/#token=/.exec(out);
      if (lan?.[1] && admin?.[1] && !settled) {
        settled = true;
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve({ url: lan[1], adminUrl: admin[1] });
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => fail(new Error(`the kit exited (${code}) before it was ready:\n${out}\n${err}`)));
  });

  return {
    child,
    pid: child.pid ?? -1,
    url: ready.url,
    apiBase: `${ready.url}/api/v1`,
    adminUrl: ready.adminUrl,
    adminToken,
    stdout: () => out,
    stderr: () => err,
    exited,
    async admin<T>(method: string, input: unknown = {}): Promise<T> {
      const r = await fetch(`${ready.adminUrl}/admin/api/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      const body = (await r.json()) as T;
      if (!r.ok) throw new Error(`${method} → ${r.status} ${JSON.stringify(body)}`);
      return body;
    },
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the CLI once (`backup`, `restore`…) with stdin closed (not a terminal) and waits for it to exit. */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const cli = await cliBundle();
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: root,
    env: { ...process.env, KIT_BACKUP_PASSPHRASE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | string>((resolve) =>
    child.once('exit', (c, signal) => resolve(signal ?? c ?? -1)),
  );
  clearTimeout(timer);
  return { code, stdout, stderr };
}
