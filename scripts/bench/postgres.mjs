// A throwaway PostgreSQL for `npm run bench -- --store postgres`: Debian's
// binaries, a temp dir, a free port on 127.0.0.1, trust auth, run as the
// `postgres` system user when the bench runs as root (PostgreSQL refuses
// root). Unlike the tests' cluster, this one keeps fsync and synchronous
// commit on: the bench measures what a real database costs.
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './targets.mjs';

const run = promisify(execFile);

export async function startPostgres() {
  const majors = readdirSync('/usr/lib/postgresql').filter((m) => /^\d+$/.test(m));
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql)');
  const bin = join('/usr/lib/postgresql', newest, 'bin');
  const root = mkdtempSync(join(tmpdir(), 'kit-bench-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const id = async (flag) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
    chownSync(root, await id('-u'), await id('-g'));
  }
  const as = (cmd, args) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args);
  const data = join(root, 'data');
  await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c max_connections=100`;
  await as('pg_ctl', ['-D', data, '-o', options, '-l', join(root, 'server.log'), '-w', '-t', '30', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
