/**
 * "No renderer code can reach Node or the network except through the
 * contract": the console's sources are scanned for every way out of the
 * page, which only `client.ts` may use, and the page's CSP allows no other
 * origin. A new `fetch` in a screen fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../electron/core/paths.js';

const root = join(packageRoot(), 'renderer');
const src = join(root, 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|tsx)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

const ways = [
  /\bfetch\s*\(/,
  /\bXMLHttpRequest\b/,
  /\bWebSocket\b/,
  /\bEventSource\b/,
  /\bsendBeacon\b/,
  /\bimportScripts\b/,
  /\bnew\s+Worker\b/,
  /\bwindow\.open\s*\(/,
  /\brequire\s*\(/,
  /from\s+['"]node:/,
  /from\s+['"](fs|path|child_process|http|https|net|os|electron)['"]/,
  /\bipcRenderer\b/,
  /\bprocess\.(env|versions)\b/,
];

describe('renderer isolation', () => {
  it('only the contract client talks to the outside', () => {
    const all = files(src);
    expect(all.length).toBeGreaterThan(10);
    const offenders: string[] = [];
    for (const f of all) {
      const rel = relative(src, f);
      if (rel === 'client.ts') continue;
      const text = readFileSync(f, 'utf8');
      for (const re of ways) if (re.test(text)) offenders.push(`${rel}: ${re}`);
    }
    expect(offenders).toEqual([]);
  });

  it('the client reaches only the admin API, on its own origin', () => {
    const text = readFileSync(join(src, 'client.ts'), 'utf8');
    const urls = [...text.matchAll(/fetch\(\s*([`'"])(.*?)\1/g)].map((m) => m[2]);
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u).toMatch(/^\/admin\/api\//);
  });

  it('the page CSP starts from nothing and allows only its own origin', () => {
    const html = readFileSync(join(root, 'index.html'), 'utf8');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    const directives = Object.fromEntries(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([k, ...v]) => [k, v]),
    );
    expect(csp.startsWith("default-src 'none'")).toBe(true);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    for (const [, values] of Object.entries(directives)) {
      for (const v of values as string[]) expect(v).not.toMatch(/^https?:|^\*$|unsafe-eval/);
    }
  });
});
