#!/usr/bin/env node
// The package's command: runs the built headless CLI (`npm run build` makes out/).
import { main } from '../out/main/electron/cli.js';

main().catch((e) => {
  process.stderr.write(`ai-proxy-kit: ${e.message}\n`);
  process.exit(1);
});
