import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hook } from 'require-in-the-middle';

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

export function hookSdk1Require(specifiers: string[], onModule: OnSdk1Module): { unhook(): void } {
  return new Hook(specifiers, { internals: false }, (exports, name, basedir) => {
    if (isSdk1(basedir)) onModule(name, exports);
    return exports;
  });
}
