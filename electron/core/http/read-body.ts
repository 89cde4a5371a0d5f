/**
 * Reading a request body whole, with a size limit, for every listener of the
 * kit: the proxy (JSON calls), the join page (registration), the admin API
 * and the playground. A body past the limit is refused without being kept.
 */
import type { IncomingMessage } from 'node:http';
import { KitError } from '../errors.js';

/** Reads a whole body up to `limit` bytes; a larger one is refused without reading the rest. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(bodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        cleanup();
        req.resume(); // drain without keeping it
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

// The connection closes after the answer, so a client cannot keep streaming bytes the kit only throws away.
export const bodyTooLarge = (limit: number) =>
  new KitError(
    'body_too_large',
    `The request body is larger than the kit accepts (${limit >= 1048576 ? `${Math.round(limit / 1048576)} MiB` : `${Math.round(limit / 1024)} KiB`}).`,
    { connection: 'close' },
  );
