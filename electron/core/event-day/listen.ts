/**
 * Opening a listener, with a way out when its port is taken. On event day a
 * kit that refuses to start because some other program sits on 8000 is worse
 * than one on 8002 that says so loudly: the QR code, join links and console
 * follow the port in use, and `kit.info` tells the organizer what changed.
 * The fallback ports are fixed (8002…8010 for 8000), so a restart lands on
 * the same one again; only then any free port. Without `fallback` (an explicit
 * `--port`) a taken port is an error that says what to do.
 */
import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

function listen(server: Server | HttpsServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Where a taken port falls back to, in order (0 = any free port). */
export function fallbackPorts(port: number, avoid: readonly number[] = []): number[] {
  return [...Array.from({ length: FALLBACK_SPAN }, (_, i) => port + 2 + i), 0].filter(
    (p) => p === 0 || (p <= 65535 && !avoid.includes(p)),
  );
}
/** port + 2 … port + 10: clear of the admin port (port + 1 by default). */
export const FALLBACK_SPAN = 9;

export interface ListenOptions {
  fallback: boolean;
  /** Ports to skip when falling back (the other listener's). */
  avoid?: number[];
  /** "LAN", "admin", "HTTPS": for messages. */
  what: string;
}

export async function listenWithFallback(
  server: Server | HttpsServer,
  port: number,
  host: string,
  opts: ListenOptions,
): Promise<{ port: number; note?: string }> {
  try {
    return { port: await listen(server, port, host) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw e;
    const why = code === 'EADDRINUSE' ? 'in use by another program' : 'not open to this user';
    if (!opts.fallback || port === 0)
      throw new Error(
        `The ${opts.what} port ${port} is ${why} (another kit?). Stop that program, or start with another port (0 = any free one).`,
      );
    for (const p of fallbackPorts(port, opts.avoid)) {
      try {
        const got = await listen(server, p, host);
        return { port: got, note: `port ${port} was ${why}, so the kit took ${got}.` };
      } catch (again) {
        const c = (again as NodeJS.ErrnoException).code;
        if (c !== 'EADDRINUSE' && c !== 'EACCES') throw again;
      }
    }
    throw new Error(`No free port for the ${opts.what} listener near ${port}.`);
  }
}
