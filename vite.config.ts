/**
 * One config for the console build (Vite) and the test runner (Vitest).
 * The console is built with relative asset paths so the same files load from
 * `file://` in Electron and from the loopback admin listener headless.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The suites that run on both store drivers (their kits come from test/support/kit.ts). */
const pgSuites = [
  'electron/core/proxy/**/*.test.ts',
  'electron/core/admin/**/*.test.ts',
  'electron/core/lan/join.test.ts',
  'electron/core/registration/**/*.test.ts',
  'electron/core/reports/**/*.test.ts',
];

export default defineConfig({
  root: here('./renderer'),
  base: './',
  logLevel: 'warn',
  plugins: [react()],
  build: {
    outDir: here('./out/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // zod ships comments Rollup cannot place; harmless, and noise in every `npm start`.
      onwarn(warning, warn) {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
    },
  },
  test: {
    dir: here('./test'),
    root: here('.'),
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration and browser tests start servers and Chromium: two cores, so keep the fan-out modest.
    maxWorkers: 2,
    fileParallelism: true,
    // Three kinds of test, mirroring the source tree: `npx vitest run --project unit` needs no build and
    // no server (a file whose name ends in `.unit.test.ts`); integration tests start the kit on port 0
    // against emulators (every other `*.test.ts` outside test/browser/); browser tests drive Chromium.
    projects: [
      { extends: true, test: { name: 'unit', include: ['**/*.unit.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.test.ts'],
          exclude: ['**/*.unit.test.ts', 'browser/**', '**/node_modules/**'],
          // Tests that spawn the CLI or load the console need `out/`: built once if missing.
          globalSetup: [here('./test/support/global-setup.ts')],
        },
      },
      {
        // The proxy, ownership, limits, registration and admin suites again, on the PostgreSQL store driver:
        // one throwaway cluster for the run, a database per kit (see test/support/kit.ts).
        extends: true,
        test: {
          name: 'integration-pg',
          include: pgSuites,
          exclude: ['**/*.unit.test.ts'],
          // Its own temp dir: the suites that look for leftover temp files run in both projects at once.
          env: { KIT_TEST_STORE: 'postgres', TMPDIR: join(tmpdir(), 'ai-proxy-kit-integration-pg') },
          globalSetup: [here('./test/support/global-setup.ts'), here('./test/support/pg-global-setup.ts')],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['browser/**/*.test.ts'],
          // A page on a shared two-core machine can take seconds to settle: polls wait up to 10 s.
          expect: { poll: { timeout: 10_000 } },
          globalSetup: [here('./test/support/global-setup.ts')],
        },
      },
    ],
  },
});
