import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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

interface CjsModule {
  prototype: { require: (this: unknown, id: string) => unknown };
  _resolveFilename(request: string, parent: unknown): string;
}

/*
 * A wrapper of `Module.prototype.require` of our own rather than
 * require-in-the-middle: its hook resolves the filename of every `require()` in
 * the process (ajv alone makes dozens while the SDK loads) to match it against
 * the list, where only the three specifiers matter and can be matched before
 * anything is resolved (issue 20: start-up CPU). `node:module` is taken with
 * `process.getBuiltinModule`, not imported: a CommonJS dependency or builtin
 * imported at the top of our ESM build breaks the manual API in ESM bundles
 * ("Dynamic require of … is not supported").
 */
function cjsModule(): CjsModule | undefined {
  try {
    const mod = process.getBuiltinModule?.('node:module') as unknown as { Module?: CjsModule };
    return typeof mod?.Module?.prototype?.require === 'function' ? mod.Module : undefined;
  } catch {
    return undefined;
  }
}

/** The package directory holding a resolved file (…/node_modules/@scope/name). */
function packageDir(filename: string): string | undefined {
  const m = /^(.*[\\/]node_modules[\\/]@[^\\/]+[\\/][^\\/]+)[\\/]/.exec(filename);
  return m?.[1];
}

/** Undefined when `Module.prototype.require` is not there to wrap (a bundle, another runtime). */
export function hookSdk1Require(
  specifiers: string[],
  onModule: OnSdk1Module,
): { unhook(): void } | undefined {
  const Module = cjsModule();
  if (Module === undefined) return undefined;
  const wanted = new Set(specifiers);
  const seen = new WeakSet<object>();
  const proto = Module.prototype;
  const original = proto.require;
  let active = true;
  const require = function (this: unknown, id: string): unknown {
    // eslint-disable-next-line prefer-rest-params -- the arguments pass through untouched
    const exports: unknown = Reflect.apply(original, this, arguments as unknown as unknown[]);
    if (
      !active ||
      !wanted.has(id) ||
      (typeof exports !== 'object' && typeof exports !== 'function')
    )
      return exports;
    if (exports === null || seen.has(exports)) return exports;
    seen.add(exports);
    let basedir: string | undefined;
    try {
      basedir = packageDir(Module._resolveFilename(id, this));
    } catch {
      // resolved a moment ago; a loader that answers differently: not ours to patch
    }
    if (isSdk1(basedir)) onModule(id, exports);
    return exports;
  };
  proto.require = require;
  return {
    unhook() {
      active = false;
      // Someone wrapped it after us: leave their wrapper in place, ours passes through.
      if (proto.require === require) proto.require = original;
    },
  };
}
