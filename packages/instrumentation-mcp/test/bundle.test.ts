/*
 * Bundled apps (esbuild, ESM and CJS). Zero-code cannot patch an SDK copied
 * into the bundle: the preload must say so in one `mcpmeter:` line. The manual
 * API must work in the bundle without a createRequire banner, with exact counts.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildSync } from 'esbuild';
import { startStdioServer, type StdioServer } from './fixtures/stdio.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
// Inside node_modules/.cache: packages left external resolve from the package's node_modules.
const cache = join(pkgDir, 'node_modules/.cache');
mkdirSync(cache, { recursive: true });
const out = mkdtempSync(join(cache, 'mcpmeter-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

let running: StdioServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

function bundle(
  entry: string,
  format: 'esm' | 'cjs',
  name: string,
  external: string[] = [],
): string {
  const outfile = join(out, name);
  buildSync({
    entryPoints: [here(entry)],
    bundle: true,
    platform: 'node',
    format,
    target: 'node22',
    outfile,
    external,
    logLevel: 'error',
  });
  return outfile;
}

describe('bundled apps', () => {
  for (const [entry, format, name, sdk] of [
    ['./zero-code/server-sdk2.mjs', 'esm', 'server-sdk2.mjs', '@modelcontextprotocol/server'],
    ['./zero-code/server-sdk1.cjs', 'cjs', 'server-sdk1.cjs', '@modelcontextprotocol/sdk'],
  ] as const) {
    it(`zero-code on an ${format} bundle says in one line what it cannot patch`, async () => {
      const file = bundle(entry, format, name);
      const { freePort } = await import('../../../test-utils/prometheus.js');
      running = await startStdioServer(['--import', '@mcpmeter/node/register', file], {
        cwd: pkgDir,
        env: {
          OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
          OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
          OTEL_TRACES_EXPORTER: 'none',
        },
      });
      // The server still serves.
      const tools = await running.client.listTools();
      expect(tools.tools.length).toBe(3);
      await new Promise((r) => setTimeout(r, 100));
      const lines = running
        .stderr()
        .split('\n')
        .filter((l) => l.startsWith('mcpmeter:'));
      expect(lines, running.stderr()).toHaveLength(1);
      expect(lines[0]).toContain(sdk);
      expect(lines[0]).toContain(JSON.stringify(file));
      expect(lines[0]).toContain('docs/mcp-server.md#bundled-apps');
    });
  }

  for (const format of ['esm', 'cjs'] as const) {
    it(`the manual API works in an ${format} bundle without a banner, counts exact`, async () => {
      // The OpenTelemetry SDK stays external: its CJS build has the very
      // problem under test, and it is the app's, not ours.
      const file = bundle(
        './frameworks/manual-bundle-app.mjs',
        format,
        `manual.${format === 'esm' ? 'mjs' : 'cjs'}`,
        ['@opentelemetry/sdk-metrics'],
      );
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [file], {
        cwd: out,
        env: { PATH: process.env.PATH ?? '' },
        timeout: 30_000,
      });
      expect(stderr).toBe('');
      expect(JSON.parse(stdout)).toEqual({
        'mcp.server.operation.duration fast ': 3,
        'mcp.server.operation.duration failing tool_error': 1,
        'mcp.client.operation.duration fast ': 3,
        'mcp.client.operation.duration failing tool_error': 1,
      });
    });
  }
});
