/**
 * The packaging config: valid for the installed electron-builder (its own
 * schema check), the promised targets per OS, and every file the app opens
 * at run time is inside the package, with every runtime import a production
 * dependency (a devDependency would be missing from the installed app).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../electron/core/paths.js';

const root = packageRoot();
const require = createRequire(import.meta.url);
const { load } = require('js-yaml') as { load(text: string): unknown };
const { minimatch } = require('minimatch') as { minimatch(path: string, pattern: string, o?: object): boolean };

interface Target {
  target: string;
  arch?: string[];
}
interface BuilderConfig {
  files: string[];
  directories: { output: string; buildResources: string };
  win: { icon: string; target: Target[] };
  mac: { icon: string; target: Target[] };
  linux: { icon: string; target: Target[] };
  [k: string]: unknown;
}

const config = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** electron-builder's `files` semantics: included by a pattern, excluded by a later `!pattern`. */
function packaged(file: string): boolean {
  let included = false;
  for (const p of config.files) {
    if (p.startsWith('!')) {
      if (minimatch(file, p.slice(1), { dot: true, matchBase: !p.includes('/') || p.startsWith('!**') }))
        included = false;
    } else if (minimatch(file, p, { dot: true })) included = true;
  }
  return included;
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own validation', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, log: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
    // The check is real: a misplaced option is refused.
    await expect(
      validateConfiguration(
        { ...config, win: { ...config.win, dmgTitle: 'x' } },
        { isEnabled: false, add: () => undefined },
      ),
    ).rejects.toThrow(/dmgTitle|Invalid configuration/);
  });

  it('targets Windows nsis + portable, macOS dmg, Linux AppImage + deb', () => {
    const names = (t: Target[]) => t.map((x) => x.target).sort();
    expect(names(config.win.target)).toEqual(['nsis', 'portable']);
    expect(names(config.mac.target)).toEqual(['dmg']);
    expect(names(config.linux.target)).toEqual(['AppImage', 'deb']);
    for (const os of [config.win, config.mac, config.linux]) expect(existsSync(join(root, os.icon))).toBe(true);
    expect(pkg.scripts.dist).toContain('electron-builder --config electron-builder.yml');
    expect(pkg.scripts.dist).toMatch(/npm run build/);
    // electron-builder needs an exact Electron version to download the right runtime.
    expect(pkg.devDependencies.electron).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('packages the main entry, the preload, the console and the tray icons, and no sources or tests', () => {
    const needed = [
      'package.json',
      pkg.main,
      'out/preload/preload.cjs',
      'out/renderer/index.html',
      'resources/tray.png',
      'resources/tray@2x.png',
    ];
    for (const f of needed) expect(packaged(f), f).toBe(true);
    for (const f of [
      'electron/main.ts',
      'test/browser/support.ts',
      'renderer/src/App.tsx',
      'out/main/electron/main.js.map',
    ])
      expect(packaged(f), f).toBe(false);
  });

  it('the built app’s files are all in, and its assets resolve (run after `npm run build`)', () => {
    const built = walk(join(root, 'out')).map((f) => relative(root, f).split(sep).join('/'));
    expect(built).toContain(pkg.main);
    expect(built).toContain('out/preload/preload.cjs');
    const html = readFileSync(join(root, 'out/renderer/index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="(\.\/assets\/[^"]+)"/g)].map(
      (m) => `out/renderer/${m[1]?.slice(2)}`,
    );
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const a of assets) {
      expect(built, a).toContain(a);
      expect(packaged(a), a).toBe(true);
    }
  });

  it('every package the main process imports is a production dependency', () => {
    const js = walk(join(root, 'out', 'main')).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(10);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const imported = new Set<string>();
    for (const f of js) {
      // Parsed, not grepped: sample code in template strings mentions packages too.
      const source = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest);
      const visit = (node: ts.Node): void => {
        let spec: string | undefined;
        if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier)
          spec = (node.moduleSpecifier as ts.StringLiteral).text;
        if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
          const arg = node.arguments[0];
          if (arg && ts.isStringLiteral(arg)) spec = arg.text;
        }
        if (spec && !spec.startsWith('.') && !builtins.has(spec) && !spec.startsWith('node:'))
          imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    imported.delete('electron'); // provided by the runtime itself
    expect(imported.size).toBeGreaterThan(3);
    const missing = [...imported].filter((p) => !(p in pkg.dependencies));
    expect(missing).toEqual([]);
  });
});
