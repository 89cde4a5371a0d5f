/**
 * One config for the console build (Vite) and the test runner (Vitest).
 * The console is built with relative asset paths so the same files load from
 * `file://` in Electron and from the loopback admin listener headless.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

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
    globalSetup: [here('./test/support/global-setup.ts')],
    include: ['**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration and browser tests start servers and Chromium: two cores, so keep the fan-out modest.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
