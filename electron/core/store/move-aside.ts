/**
 * What the kit does with a damaged file in its data dir: it moves it aside
 * under a name that says when and why (`store.json.damaged-2026-06-01T…`),
 * never overwrites or deletes it, so nothing the organizer might still
 * recover by hand is lost. Returns where it went, or undefined when even the
 * move failed (a read-only disk): the caller then leaves it where it is.
 */
import { rename, stat } from 'node:fs/promises';
import { fileStamp } from './snapshots.js';

export async function moveAside(file: string, why: 'damaged' | 'unreadable', now: number): Promise<string | undefined> {
  const base = `${file}.${why}-${fileStamp(now)}`;
  let target = base;
  for (let i = 2; await exists(target); i++) target = `${base}-${i}`;
  try {
    await rename(file, target);
    return target;
  } catch {
    return undefined;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
