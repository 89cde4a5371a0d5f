/**
 * The headless kit: `ai-proxy-kit serve [--host] [--port] [--admin-port]
 * [--data-dir] [--store] [--no-demo]`. Prints where attendees and the organizer go,
 * then runs until SIGINT/SIGTERM. `backup` and `restore` live in `backup-cli.ts`.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { backupCommand } from './backup-cli.js';
import { defaultDataDir } from './core/config.js';
import { osWakeLock } from './core/event-day/os-wake-lock.js';
import { osPowerSource } from './core/event-day/power.js';
import { createKit, type Kit } from './core/kit.js';
import { consoleDir, packageRoot } from './core/paths.js';
import { isPostgresUrl } from './core/store/postgres/open-pg-store.js';

const usage = `Usage: ai-proxy-kit serve [options]
       ai-proxy-kit backup <file> [--data-dir <dir>]    (see ai-proxy-kit backup --help)
       ai-proxy-kit restore <file> [--data-dir <dir>]

  --host <addr>        LAN listener address (default 0.0.0.0)
  --port <n>           LAN listener port: /api/v1 for SDKs, /join for attendees (default 8000, or the next
                       free one from 8002 when 8000 is taken; a port given here is used or refused; 0 = any)
  --admin-port <n>     organizer console and admin API, on 127.0.0.1 only (default 8001)
  --data-dir <dir>     where the event store lives (default ${defaultDataDir()})
  --trust-proxy <ips>  reverse proxies in front of this kit (comma-separated addresses, also KIT_TRUST_PROXY):
                       their X-Forwarded-For and X-Forwarded-Proto name each attendee's device
  --store <url>        keep the event store in PostgreSQL (postgres://user:password@host:5432/db), shared by
                       every kit started with the same URL (also KIT_STORE_URL); default: the JSON file in
                       the data dir. Every kit on one database needs the same <data-dir>/secret.key
  --instance <name>    with --store: this kit's name in the live traffic every kit on the database shows
                       (also KIT_INSTANCE; default: host name and LAN port)
  --no-demo            do not create the demo event in an empty store
  --https-port <n>     also serve the LAN over HTTPS on this port (off by default; e.g. 8443), with a
                       certificate from the kit's own local CA (kept in <data-dir>/tls/ca.pem)
  --tls-cert <file>    with --https-port: your own certificate (PEM) instead of the local CA
  --tls-key <file>     with --https-port: the private key (PEM) of --tls-cert
`;

export function parseServeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string', default: '0.0.0.0' },
      port: { type: 'string' },
      'admin-port': { type: 'string', default: '8001' },
      'data-dir': { type: 'string' },
      store: { type: 'string' },
      instance: { type: 'string' },
      'trust-proxy': { type: 'string' },
      'no-demo': { type: 'boolean', default: false },
      'https-port': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const port = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new Error(`--${name} must be a port number (0-65535), not "${v}"`);
    return n;
  };
  return {
    command: positionals[0] ?? 'serve',
    help: values.help,
    host: values.host,
    port: port('port', values.port ?? '8000'),
    // The default port may move when taken (and the console says so); a port the organizer named may not.
    portFallback: values.port === undefined,
    adminPort: port('admin-port', values['admin-port']),
    dataDir: values['data-dir'] ?? defaultDataDir(),
    demo: !values['no-demo'],
    ...proxiesArg(values['trust-proxy'] ?? process.env.KIT_TRUST_PROXY),
    ...storeArg(values.store ?? env.KIT_STORE_URL),
    ...((values.instance ?? env.KIT_INSTANCE) ? { instanceName: values.instance ?? env.KIT_INSTANCE } : {}),
    ...httpsArgs(values['https-port'], values['tls-cert'], values['tls-key'], port),
  };
}

function proxiesArg(list: string | undefined) {
  const trustedProxies = (list ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const a of trustedProxies)
    if (isIP(a) === 0) throw new Error(`--trust-proxy takes IP addresses (${a} is not one)`);
  return trustedProxies.length ? { trustedProxies } : {};
}

function storeArg(url: string | undefined) {
  if (!url) return {};
  if (!isPostgresUrl(url)) throw new Error('--store (or KIT_STORE_URL) must be a postgres:// or postgresql:// URL');
  return { storeUrl: url };
}

function httpsArgs(
  httpsPort: string | undefined,
  cert: string | undefined,
  key: string | undefined,
  port: (name: string, v: string) => number,
) {
  if (httpsPort === undefined) {
    if (cert || key) throw new Error('--tls-cert and --tls-key need --https-port');
    return {};
  }
  if (Boolean(cert) !== Boolean(key)) throw new Error('--tls-cert and --tls-key go together');
  return {
    httpsPort: port('https-port', httpsPort),
    ...(cert && key ? { tlsCertFile: cert, tlsKeyFile: key } : {}),
  };
}

export function startupBanner(kit: Kit): string {
  const info = kit.info();
  const now = Date.now();
  const lines = ['AI Proxy Kit is running.', '', 'Attendees (SDK endpoint):'];
  for (const u of info.lanUrls) lines.push(`  ${u}/api/v1`);
  for (const u of info.lanHttpsUrls ?? []) lines.push(`  ${u}/api/v1`);
  if (info.caFile) lines.push(`  (HTTPS certificate authority, offered on the join pages: ${info.caFile})`);
  const live = kit.store.events.filter((e) => e.enabled && Date.parse(e.endsAt) > now);
  if (live.length) {
    lines.push('', 'Join pages (put one on the projector):');
    for (const e of live) lines.push(`  ${e.name}: ${info.lanUrls[0]}/join/${e.code}`);
  }
  lines.push('', 'Event-day checks:');
  const mark = { green: 'ok ', amber: '!  ', red: 'NO ' } as const;
  for (const c of info.preflight.checks) {
    lines.push(`  ${mark[c.level]} ${c.title}: ${c.summary}`);
    if (c.action && c.level !== 'green') lines.push(`      → ${c.action}`);
  }
  lines.push(
    '',
    'Organizer console (this machine only):',
    `  ${kit.adminUrl}/#token=${kit.adminToken}`,
    '',
    `Data: ${info.dataDir}`,
    ...(info.storeDriver.kind === 'postgres' ? [`Store: PostgreSQL at ${info.storeDriver.location}`] : []),
  );
  return lines.join('\n');
}

const kitVersion = () => JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;

export async function main(argv = process.argv.slice(2)): Promise<void> {
  if (argv[0] === 'backup' || argv[0] === 'restore') process.exit(await backupCommand(argv, kitVersion()));
  let args: ReturnType<typeof parseServeArgs>;
  try {
    args = parseServeArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if (args.help || args.command !== 'serve') {
    process.stdout.write(usage);
    process.exit(args.help ? 0 : 2);
  }
  const version = kitVersion();
  const kit = await createKit({
    ...args,
    consoleDir: consoleDir(),
    version,
    wakeLock: osWakeLock(),
    power: osPowerSource(),
  });
  process.stdout.write(`${startupBanner(kit)}\n`);
  // Warnings reach the log once per episode, like the console's banner.
  kit.readiness.onWarning((w) => {
    // The store writes its own episodes to the log ([store] …); the rest are said here, once each.
    if (w.key.startsWith('store-')) return;
    process.stderr.write(`${new Date().toISOString()} warning: ${w.title.replace(/\.$/, '')}. ${w.message}\n`);
  });
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    kit.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
