import { basename } from 'node:path';
import { realpathSync } from 'node:fs';

/** The oldest Node.js the OpenTelemetry JS SDK 3.x (and so `@mcpmeter/node`) runs on. */
export const MIN_NODE = [22, 15] as const;

/**
 * Why register() must do nothing in this process, if it must:
 * - `unsupported`: the Node.js version is below the SDK's floor. Said once on stderr.
 * - `launcher`: the process is a package manager's CLI (npx, `npm exec`, `npm run`,
 *   pnpm, yarn), which inherits `NODE_OPTIONS=--import @mcpmeter/node/register`
 *   from a host's config. The server it launches inherits it too and is the one
 *   to instrument: the launcher must not take its metrics port. Silent.
 */
export type InertReason = { kind: 'unsupported'; message: string } | { kind: 'launcher' };

export function inertReason(): InertReason | undefined {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    return {
      kind: 'unsupported',
      message: `mcpmeter: Node.js ${process.version} is too old for @mcpmeter/node, which needs Node.js >= ${MIN_NODE.join('.')} (22 or 24 LTS; the OpenTelemetry SDK 3.x floor). Telemetry is off; the app runs on. Upgrade Node.js to turn it on (see docs/troubleshooting.md#nodejs-is-too-old).`,
    };
  }
  if (isPackageManagerCli(process.argv[1])) return { kind: 'launcher' };
  return undefined;
}

// The entry scripts of npm (npm, npx), pnpm (pnpm, pnpx, `pnpm dlx`), yarn and corepack,
// by the name on PATH or the file the name links to.
const LAUNCHERS = new Set([
  'npm',
  'npx',
  'npm-cli.js',
  'npx-cli.js',
  'pnpm',
  'pnpx',
  'pnpm.cjs',
  'pnpm.mjs',
  'pnpx.cjs',
  'pnpx.mjs',
  'yarn',
  'yarnpkg',
  'yarn.js',
  'yarn.cjs',
  'corepack',
  'corepack.cjs',
]);

export function isPackageManagerCli(script: string | undefined): boolean {
  if (!script) return false;
  if (LAUNCHERS.has(basename(script))) return true;
  try {
    return LAUNCHERS.has(basename(realpathSync(script)));
  } catch {
    return false;
  }
}
