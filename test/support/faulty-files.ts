/**
 * A file layer for the store that fails where a test says: a short write or
 * an errno at a given byte offset of the temp file, or an errno at open,
 * fsync, close, rename or the directory fsync; and a hook before each rename,
 * where a test can hold a write (to queue changes behind it) or arm a fault. Everything else
 * goes to the real file system.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import type { FileLayer, WritableFile } from '../../electron/core/store/file-layer.js';

export type Fault =
  | { at: 'open' | 'sync' | 'close' | 'rename' | 'dir-sync'; errno: string; times?: number }
  /** Without `errno`: the write that crosses `offset` stops there (a short write) once. With one: fails there. */
  | { at: 'write'; offset: number; errno?: string };

export const injected = (errno: string) => Object.assign(new Error(`${errno}: injected fault`), { code: errno });

export class FaultyFiles implements FileLayer {
  platform: NodeJS.Platform = 'linux';
  fault: Fault | undefined;
  /** Calls of each kind, for assertions (`rename: 3`). */
  readonly calls: Record<string, number> = {};
  /** Runs before each rename, before any rename fault: a test holds a write here, or arms the next fault. */
  beforeRename: ((n: number) => Promise<void> | void) | undefined;
  readonly #realSync: boolean;

  constructor(opts: { realSync?: boolean } = {}) {
    this.#realSync = opts.realSync ?? false;
  }

  #count(kind: string): void {
    this.calls[kind] = (this.calls[kind] ?? 0) + 1;
  }

  /** Fires a stage fault; `times` limits how often (a transient EBUSY), else it stays until cleared. */
  #maybe(stage: Fault['at']): void {
    const f = this.fault;
    if (!f || f.at !== stage || f.at === 'write') return;
    if (f.times !== undefined) {
      if (f.times <= 0) return;
      f.times -= 1;
    }
    throw injected(f.errno);
  }

  async open(path: string, flags: string, mode?: number): Promise<WritableFile> {
    this.#count(flags === 'r' ? 'open-dir' : 'open');
    if (flags === 'r') {
      const fh = await open(path, 'r');
      return {
        write: () => Promise.reject(injected('EBADF')),
        sync: async () => {
          this.#count('dir-sync');
          try {
            this.#maybe('dir-sync');
          } catch (e) {
            await fh.close();
            throw e;
          }
          if (this.#realSync) await fh.sync();
        },
        close: () => fh.close(),
      };
    }
    this.#maybe('open');
    const fh = await open(path, flags, mode);
    let position = 0;
    let shortDone = false;
    return {
      write: async (buffer, offset, length) => {
        this.#count('write');
        const f = this.fault;
        if (f?.at === 'write' && position <= f.offset && f.offset < position + length) {
          const room = f.offset - position;
          if (!f.errno && !shortDone) {
            shortDone = true;
            const { bytesWritten } = await fh.write(buffer, offset, room);
            position += bytesWritten;
            return { bytesWritten };
          }
          if (f.errno) {
            if (room > 0) await fh.write(buffer, offset, room);
            position += room;
            throw injected(f.errno);
          }
        }
        const { bytesWritten } = await fh.write(buffer, offset, length);
        position += bytesWritten;
        return { bytesWritten };
      },
      sync: async () => {
        this.#count('sync');
        this.#maybe('sync');
        if (this.#realSync) await fh.sync();
      },
      close: async () => {
        this.#count('close');
        await fh.close();
        this.#maybe('close');
      },
    };
  }

  async rename(from: string, to: string): Promise<void> {
    this.#count('rename');
    await this.beforeRename?.(this.calls.rename ?? 0);
    this.#maybe('rename');
    await rename(from, to);
  }

  remove(path: string): Promise<void> {
    return rm(path, { force: true });
  }

  readFile(path: string): Promise<Buffer> {
    return readFile(path);
  }
}
