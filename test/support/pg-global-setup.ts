/**
 * Global setup of the `integration-pg` project: one throwaway PostgreSQL
 * cluster for the whole run (each kit a test starts gets a database of its
 * own on it, see `kit.ts`), stopped and removed at the end; and the
 * project's own temp dir.
 */
import { mkdir } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { startPgCluster } from './pg-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tmp = project.config.env?.TMPDIR;
  if (tmp) await mkdir(tmp, { recursive: true });
  const cluster = await startPgCluster();
  project.provide('pgUrl', cluster.url());
  return () => cluster.stop();
}
