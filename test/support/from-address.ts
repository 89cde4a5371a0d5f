/**
 * Another machine on the LAN, on one machine: a TCP forwarder that listens on
 * 127.0.0.1 and connects to the kit from another loopback address
 * (127.0.0.2, 127.0.0.3, …), so the kit sees real connections from a
 * different client address. What a browser or fetch sends through it reaches
 * the kit byte for byte.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Forwarder {
  /** `http://127.0.0.1:<port>`: point a browser or fetch here. */
  url: string;
  /** The address the kit sees. */
  from: string;
  close(): Promise<void>;
}

export async function forwardFrom(from: string, target: { host: string; port: number }): Promise<Forwarder> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect({ host: target.host, port: target.port, localAddress: from });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    from,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
