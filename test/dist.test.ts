/*
 * Every built package loads with both `import` and `require` in a plain Node
 * process (no bundler, no vite), exposes the same names either way, and its dist
 * neither bundles a dependency nor imports anything it does not declare.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const packages = readdirSync(join(root, 'packages')).filter((p) =>
  existsSync(join(root, 'packages', p, 'package.json')),
);

interface Manifest {
  name: string;
  exports: Record<string, string | { import?: { default: string }; require?: { default: string } }>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function names(dir: string, code: string): string[] {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, OTEL_SDK_DISABLED: 'true' },
  });
  return JSON.parse(out) as string[];
}

describe.each(packages)('@mcpmeter/%s dist', (pkg) => {
  const dir = join(root, 'packages', pkg);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  const entries = Object.entries(manifest.exports).filter(
    ([k, v]) => k !== './package.json' && typeof v === 'object' && v.import && v.require,
  );

  it.each(entries.map(([k]) => k))(
    'entry %s loads with import and require and exports the same names',
    (entry) => {
      if (entry === './register') return; // side-effect entry: covered by the node package's process tests
      const spec = entry === '.' ? manifest.name : `${manifest.name}/${entry.slice(2)}`;
      const esm = names(
        dir,
        `const m = await import(${JSON.stringify(spec)}); console.log(JSON.stringify(Object.keys(m).filter(k => k !== 'default').sort()))`,
      );
      const cjs = names(
        dir,
        `import { createRequire } from 'node:module'; const m = createRequire(process.cwd() + '/package.json')(${JSON.stringify(spec)}); console.log(JSON.stringify(Object.keys(m).sort()))`,
      );
      expect(esm.length).toBeGreaterThan(0);
      expect(cjs).toEqual(esm);
    },
  );

  it('reports the version package.json declares as its instrumentation scope version', () => {
    const file = join(dir, 'src', 'version.ts');
    if (!existsSync(file)) return;
    const declared = /PACKAGE_VERSION = '([^']+)'/.exec(readFileSync(file, 'utf8'))?.[1];
    expect(declared).toBe((manifest as Manifest & { version: string }).version);
  });

  it('bundles no dependency and imports only what it declares', () => {
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
      manifest.name,
    ]);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const distDir = join(dir, 'dist');
    const files = readdirSync(distDir, { recursive: true })
      .map(String)
      .filter((f) => /\.(mjs|cjs|js)$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    const undeclared = new Set<string>();
    for (const f of files) {
      const code = readFileSync(join(distDir, f), 'utf8');
      expect(code, `${f} inlines code from node_modules`).not.toMatch(/\/\/#region .*node_modules/);
      for (const m of code.matchAll(
        /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/g,
      )) {
        const spec = m[1]!;
        if (builtins.has(spec)) continue;
        const base = spec.startsWith('@')
          ? spec.split('/').slice(0, 2).join('/')
          : spec.split('/')[0]!;
        if (!declared.has(base)) undeclared.add(`${f}: ${spec}`);
      }
    }
    expect([...undeclared]).toEqual([]);
  });
});
