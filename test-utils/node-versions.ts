/*
 * The Node.js and npm versions `scripts/bootstrap.sh --for-tests` fetched from the
 * npm registry into .tools/ (the compatibility tests run them side by side).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const tools = fileURLToPath(new URL('../.tools/', import.meta.url));

function need(path: string, what: string): string {
  if (!existsSync(path)) {
    throw new Error(`${what} is missing at ${path}: run bash scripts/bootstrap.sh --for-tests`);
  }
  return path;
}

/** A Node.js binary: 20 (too old, for the inert path), 22 (22.15.0, the oldest supported) or 24. */
export function nodeBinary(major: 20 | 22 | 24): string {
  if (major === 24 && process.versions.node.startsWith('24.')) return process.execPath;
  return need(join(tools, `node${major}/node_modules/node/bin/node`), `Node.js ${major}`);
}

/** The CLI scripts of npm 10 or 11, to run with any of the binaries above. */
export function npmCli(major: 10 | 11): { npm: string; npx: string } {
  const bin = join(tools, `npm${major}/node_modules/npm/bin`);
  return {
    npm: need(join(bin, 'npm-cli.js'), `npm ${major}`),
    npx: need(join(bin, 'npx-cli.js'), `npx ${major}`),
  };
}

/** PATH with the given binary's folder first, so `node` in child scripts is that one. */
export function pathWith(node: string): string {
  return `${dirname(node)}:${process.env.PATH ?? ''}`;
}
