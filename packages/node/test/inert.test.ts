// Which processes register() leaves alone: package managers' own CLIs.
import { describe, expect, it } from 'vitest';
import { isPackageManagerCli } from '../src/inert.js';

describe('isPackageManagerCli', () => {
  it.each([
    '/usr/bin/npx',
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/lib/node_modules/npm/bin/npx-cli.js',
    '/usr/lib/node_modules/pnpm/bin/pnpm.cjs',
    '/home/u/.local/share/pnpm/pnpx',
    '/usr/lib/node_modules/corepack/dist/corepack.cjs',
    '/app/.yarn/releases/yarn-4.5.0.cjs',
    '/usr/local/bin/yarn',
  ])('%s is a launcher', (script) => {
    expect(isPackageManagerCli(script)).toBe(true);
  });

  it.each([
    undefined,
    '/app/server.js',
    '/app/node_modules/.bin/some-mcp-server',
    '/app/npm-tools.js',
  ])('%s is not', (script) => {
    expect(isPackageManagerCli(script)).toBe(false);
  });
});
