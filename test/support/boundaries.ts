/**
 * The layering rules of the source tree, checked from each file's imports
 * (read with TypeScript's own pre-processor, dynamic imports included): the
 * core runs on plain Node, so nothing under `electron/core/` imports
 * `electron`; the console runs in a sandboxed page, so nothing it bundles
 * (`renderer/src/`, `shared/`) imports a Node module or main-process code;
 * the admin service and the LAN pages talk to the proxy through its
 * pipeline, never to an API family's file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative } from 'node:path';
import ts from 'typescript';

export interface SourceFile {
  /** Repository-relative, with `/`. */
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  imports: string;
  rule: string;
}

const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || nodeBuiltins.has(spec.split('/')[0] ?? spec);

interface Rule {
  name: string;
  applies: (file: string) => boolean;
  /** `spec` as written, `target` the repository path it resolves to (relative specifiers only). */
  refuses: (spec: string, target: string | undefined) => boolean;
}

export const rules: Rule[] = [
  {
    name: 'the core runs on plain Node: nothing under electron/core/ imports electron',
    applies: (f) => f.startsWith('electron/core/'),
    refuses: (spec) => spec === 'electron' || spec.startsWith('electron/'),
  },
  {
    name: 'the console is a sandboxed page: renderer/src/ and shared/ import no Node module and no main-process code',
    applies: (f) => f.startsWith('renderer/src/') || f.startsWith('shared/'),
    refuses: (spec, target) => isNodeBuiltin(spec) || spec === 'electron' || !!target?.startsWith('electron/'),
  },
  {
    name: 'admin/ and lan/ reach the proxy through its pipeline, never an API family',
    applies: (f) => f.startsWith('electron/core/admin/') || f.startsWith('electron/core/lan/'),
    refuses: (_spec, target) => !!target?.startsWith('electron/core/proxy/families/'),
  },
];

export function importsOf(file: SourceFile): string[] {
  return ts.preProcessFile(file.text, true, true).importedFiles.map((f) => f.fileName);
}

export function violations(files: SourceFile[]): Violation[] {
  const out: Violation[] = [];
  for (const file of files) {
    const applying = rules.filter((r) => r.applies(file.path));
    if (!applying.length) continue;
    for (const spec of importsOf(file)) {
      const target = spec.startsWith('.') ? posix.normalize(posix.join(posix.dirname(file.path), spec)) : undefined;
      for (const rule of applying) {
        if (rule.refuses(spec, target)) out.push({ file: file.path, imports: spec, rule: rule.name });
      }
    }
  }
  return out;
}

/** Every TypeScript source file under `dirs` of the repository at `root`. */
export function sourceFiles(root: string, dirs: string[]): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith('.d.ts'))
        out.push({ path: relative(root, p).split('\\').join('/'), text: readFileSync(p, 'utf8') });
    }
  };
  for (const d of dirs) walk(join(root, d));
  return out;
}

export const repoRoot = join(dirname(new URL(import.meta.url).pathname), '..', '..');
