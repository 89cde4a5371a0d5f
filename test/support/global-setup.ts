/**
 * Tests that spawn the CLI or load the console need `out/`. `npm test` builds
 * first; this covers a bare `npx vitest run` on a fresh checkout.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export default function setup(): void {
  if (!existsSync('out/main/electron/cli.js') || !existsSync('out/renderer/index.html')) {
    execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  }
}
