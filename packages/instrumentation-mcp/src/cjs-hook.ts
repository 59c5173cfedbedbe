import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Hook as RitmHook } from 'require-in-the-middle';

/*
 * `require()` hook for SDK 1.x. Its package.json maps the main entry to a file
 * it does not ship, so the require hook shared by OpenTelemetry
 * instrumentations (which resolves each package's main entry before looking at
 * its files) gives up on every file of the package. A hook of our own, listing
 * the subpaths apps require, matches them by specifier instead.
 */

/** Called with a module's exports and the specifier that loaded it. */
export type OnSdk1Module = (specifier: string, exports: unknown) => void;

function isSdk1(basedir: string | undefined): boolean {
  if (basedir === undefined) return false;
  try {
    const version = (
      JSON.parse(readFileSync(join(basedir, 'package.json'), 'utf8')) as { version?: unknown }
    ).version;
    return typeof version === 'string' && version.startsWith('1.');
  } catch {
    return false;
  }
}

/*
 * Loaded when McpInstrumentation is enabled, not when the package is imported:
 * a CommonJS dependency imported at the top of our ESM build becomes a
 * `require()` call that an ESM bundle (esbuild, `format: 'esm'`) cannot run
 * ("Dynamic require of \"path\" is not supported"), which broke the manual API
 * in bundled apps.
 */
function loadHook(): typeof RitmHook | undefined {
  try {
    return (createRequire(import.meta.url)('require-in-the-middle') as { Hook: typeof RitmHook })
      .Hook;
  } catch {
    return undefined;
  }
}

/** Undefined when require-in-the-middle cannot be loaded (a bundle without node_modules). */
export function hookSdk1Require(
  specifiers: string[],
  onModule: OnSdk1Module,
): { unhook(): void } | undefined {
  const Hook = loadHook();
  if (Hook === undefined) return undefined;
  return new Hook(specifiers, { internals: false }, (exports, name, basedir) => {
    if (isSdk1(basedir)) onModule(name, exports);
    return exports;
  });
}
