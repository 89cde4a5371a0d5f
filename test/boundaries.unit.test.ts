/**
 * The layers hold: checked on every file of the tree, and shown to catch a
 * deliberate violation of each rule (so a green run means something).
 */
import { describe, expect, it } from 'vitest';
import { repoRoot, rules, sourceFiles, violations } from './support/boundaries.js';

describe('source boundaries', () => {
  it('no file crosses a layer', () => {
    const files = sourceFiles(repoRoot, ['electron', 'renderer/src', 'shared']);
    expect(files.length).toBeGreaterThan(100);
    expect(violations(files)).toEqual([]);
  });

  it('catches a deliberate violation of each rule', () => {
    const found = violations([
      { path: 'electron/core/kit.ts', text: "import { app } from 'electron';" },
      { path: 'electron/core/lan/server.ts', text: "const m = await import('electron');" },
      { path: 'renderer/src/App.tsx', text: "import { readFile } from 'node:fs/promises';" },
      { path: 'renderer/src/lib/format.ts', text: "import path from 'path';" },
      { path: 'shared/types.ts', text: "import { createHash } from 'crypto';" },
      { path: 'renderer/src/client.ts', text: "import { KitError } from '../../electron/core/errors';" },
      { path: 'electron/core/admin/service.ts', text: "import { mcpRoutes } from '../proxy/families/mcp.js';" },
      { path: 'electron/core/lan/samples.ts', text: "export { searchRoutes } from '../proxy/families/search.js';" },
    ]);
    expect(found.map((v) => v.file)).toEqual([
      'electron/core/kit.ts',
      'electron/core/lan/server.ts',
      'renderer/src/App.tsx',
      'renderer/src/lib/format.ts',
      'shared/types.ts',
      'renderer/src/client.ts',
      'electron/core/admin/service.ts',
      'electron/core/lan/samples.ts',
    ]);
    for (const rule of rules) expect(found.some((v) => v.rule === rule.name)).toBe(true);
  });

  it('lets the allowed imports through', () => {
    expect(
      violations([
        { path: 'electron/main.ts', text: "import { app } from 'electron';" },
        { path: 'electron/core/kit.ts', text: "import { createServer } from 'node:http';" },
        { path: 'renderer/src/App.tsx', text: "import { kindOf } from '../../shared/resource-kinds/table';" },
        { path: 'electron/core/admin/service.ts', text: "import { Upstream } from '../proxy/upstream/upstream.js';" },
        { path: 'electron/core/proxy/routes.ts', text: "import { mcpRoutes } from './families/mcp.js';" },
      ]),
    ).toEqual([]);
  });
});
