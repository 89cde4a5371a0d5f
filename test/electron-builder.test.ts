/**
 * The packaging config: valid for the installed electron-builder (its own
 * schema check), the promised targets per OS, and every file the app opens
 * at run time is inside the package, with every runtime import a production
 * dependency (a devDependency would be missing from the installed app). The
 * NSIS include script adds the firewall rule for attendees at install and
 * removes it at uninstall, and compiles with makensis.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTS } from '../electron/core/config.js';
import { FALLBACK_SPAN } from '../electron/core/event-day/listen.js';
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
    // electron-builder needs an exact Electron version to download the right runtime: the config names it,
    // and it is the version the app is developed against.
    expect(pkg.devDependencies.electron).toMatch(/^\d+\.\d+\.\d+$/);
    expect(String(config.electronVersion)).toBe(pkg.devDependencies.electron);
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
      'test/support/browser.ts',
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

describe('the Windows installer’s firewall rule (NSIS include)', () => {
  const nsis = config.nsis as { include?: string };
  const script = readFileSync(join(root, nsis.include ?? 'missing'), 'utf8');
  const macro = (name: string) => new RegExp(`!macro ${name}\\n([\\s\\S]*?)!macroend`).exec(script)?.[1] ?? '';
  /** An NSIS symbol reference, `$` `{NAME}`, spelled out so it is not mistaken for a template placeholder. */
  const sym = (name: string) => `$\{${name}}`;
  const define = (name: string) => new RegExp(`!define ${name} "([^"]+)"`).exec(script)?.[1];

  it('is the include electron-builder uses, and defines both macros', () => {
    expect(nsis.include).toBe('build/installer.nsh');
    expect(macro('customInstall')).toContain('netsh advfirewall firewall add rule');
    expect(macro('customUnInstall')).toContain('netsh advfirewall firewall delete rule');
  });

  it('allows inbound TCP to the kit’s program on its LAN ports (default, fallbacks, HTTPS), private networks only', () => {
    const add = /netsh advfirewall firewall add rule ([^']+)'/.exec(macro('customInstall'))?.[1] ?? '';
    expect(add).toContain('dir=in');
    expect(add).toContain('action=allow');
    expect(add).toContain('protocol=TCP');
    expect(add).toContain('profile=private');
    expect(add).not.toMatch(/public|domain/);
    expect(add).toContain(`program="$INSTDIR\\${sym('APP_EXECUTABLE_FILENAME')}"`);
    expect(add).toContain(`localport=${sym('KIT_FIREWALL_PORTS')}`);
    const { lan, https } = DEFAULT_PORTS;
    expect(define('KIT_FIREWALL_PORTS')).toBe(`${lan},${lan + 2}-${lan + 1 + FALLBACK_SPAN},${https}`);
  });

  it('removes the same rule on uninstall, and before adding it (a reinstall never stacks two)', () => {
    const name = define('KIT_FIREWALL_RULE');
    expect(name).toBe('AI Proxy Kit (attendees)');
    const del = `netsh advfirewall firewall delete rule name="${sym('KIT_FIREWALL_RULE')}"`;
    expect(macro('customUnInstall')).toContain(del);
    const install = macro('customInstall');
    expect(install.indexOf(del)).toBeGreaterThanOrEqual(0);
    expect(install.indexOf(del)).toBeLessThan(install.indexOf('firewall add rule'));
  });

  const makensis = spawnSync('makensis', ['-VERSION']).status === 0;
  it.skipIf(!makensis)(
    'compiles with makensis inside an installer and an uninstaller (Debian: apt-get install nsis)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'kit-nsis-'));
      try {
        const harness = join(dir, 'harness.nsi');
        writeFileSync(
          harness,
          [
            'Unicode true',
            '!define APP_EXECUTABLE_FILENAME "ai-proxy-kit.exe"',
            `OutFile "${join(dir, 'kit-installer.exe')}"`,
            'RequestExecutionLevel user',
            `!include "${join(root, 'build', 'installer.nsh')}"`,
            'Section "Install"',
            '  !insertmacro customInstall',
            `  WriteUninstaller "$INSTDIR\\uninstall.exe"`,
            'SectionEnd',
            'Section "Uninstall"',
            '  !insertmacro customUnInstall',
            'SectionEnd',
            '',
          ].join('\n'),
        );
        // -WX: a warning (an undefined symbol, a bad macro) fails the build too.
        execFileSync('makensis', ['-V2', '-WX', harness], { stdio: 'pipe' });
        expect(existsSync(join(dir, 'kit-installer.exe'))).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
