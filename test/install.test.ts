/*
 * The README's install line, as a user runs it: the packed packages served by a
 * registry for the @mcpmeter scope (everything else from the usual registry), plain
 * npm with nothing pinned, on Node 24 with npm 11 and on the oldest supported Node
 * (22.15) with npm 10. Then `--import @mcpmeter/node/register` serves /metrics, a
 * server launched through npx is the process that gets the port, and Node 20 gets
 * one line and a working app.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeBinary, npmCli, pathWith } from '../test-utils/node-versions.js';
import { startScopeRegistry, type ScopeRegistry } from '../test-utils/npm-registry.js';
import { startNode } from '../test-utils/process.js';
import { freePort } from '../test-utils/prometheus.js';

const root = fileURLToPath(new URL('..', import.meta.url));
// Generous: npm 10/11 used to loop on ERESOLVE for over ten minutes here.
const INSTALL_LIMIT_MS = 240_000;

/** The install line of a doc, word for word. */
function installLine(doc: string): string[] {
  const line = /^npm install @mcpmeter\/node[^\n]*$/m.exec(
    readFileSync(join(root, doc), 'utf8'),
  )?.[0];
  if (!line) throw new Error(`${doc} has no "npm install @mcpmeter/node …" line`);
  return line.trim().split(/\s+/);
}

function run(
  node: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(node, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

let work: string;
let registry: ScopeRegistry;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mcpmeter-install-'));
  const packs = join(work, 'packs');
  execFileSync('pnpm', ['-r', '--filter', './packages/*', 'pack', '--pack-destination', packs], {
    cwd: root,
    stdio: 'ignore',
  });
  registry = await startScopeRegistry(packs);
}, 120_000);

afterAll(async () => {
  await registry?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A fresh app folder whose npm resolves @mcpmeter/* from the local registry. */
function freshApp(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }),
  );
  writeFileSync(join(dir, '.npmrc'), `@mcpmeter:registry=${registry.url}\n`);
  // register() returns the handle --import made: print where /metrics went.
  writeFileSync(
    join(dir, 'app.mjs'),
    [
      "import { register } from '@mcpmeter/node';",
      'const telemetry = register();',
      'await telemetry.ready;',
      'process.stderr.write(`app: metrics at ${telemetry.metricsUrl}\\n`);',
      'setInterval(() => {}, 1000);',
    ].join('\n'),
  );
  return dir;
}

const matrix = [
  { node: 24, npm: 11 },
  { node: 22, npm: 10 },
] as const;

describe.each(matrix)('Node $node with npm $npm', ({ node: major, npm }) => {
  let app: string;
  let node: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    node = nodeBinary(major);
    app = freshApp(`app-node${major}`);
    env = { ...process.env, PATH: pathWith(node), npm_config_update_notifier: 'false' };
  });

  it(
    "installs with the README's line, verbatim, nothing pinned",
    async () => {
      const words = installLine('README.md');
      expect(words.slice(0, 2)).toEqual(['npm', 'install']);
      expect(words.find((w) => w.startsWith('@opentelemetry/api'))).toBe('@opentelemetry/api');
      const { code, output } = await run(
        node,
        [npmCli(npm).npm, ...words.slice(1), '--no-audit', '--no-fund'],
        app,
        env,
        INSTALL_LIMIT_MS,
      );
      expect(code, output).toBe(0);
      expect(output).not.toMatch(/ERESOLVE/);
      const api = JSON.parse(
        readFileSync(join(app, 'node_modules/@opentelemetry/api/package.json'), 'utf8'),
      ) as { version: string };
      expect(api.version).toMatch(/^1\.10\./);
      // getting-started says the same
      expect(installLine('docs/getting-started.md')).toEqual(words);
    },
    INSTALL_LIMIT_MS + 10_000,
  );

  it('serves /metrics with target_info under --import @mcpmeter/node/register', async () => {
    const child = startNode(['--import', '@mcpmeter/node/register', 'app.mjs'], {
      node,
      cwd: app,
      env: {
        ...env,
        OTEL_SERVICE_NAME: `install-node${major}`,
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: '0',
        OTEL_TRACES_EXPORTER: 'none',
      },
    });
    try {
      const [, url] = await child.waitFor(/app: metrics at (\S+)/, 'stderr', 30_000);
      const body = await fetch(url ?? '').then((r) => r.text());
      expect(body).toMatch(new RegExp(`^target_info\\{.*service_name="install-node${major}"`, 'm'));
      expect(child.stderr()).not.toMatch(/mcpmeter:/);
    } finally {
      await child.kill();
    }
  }, 60_000);

  if (major === 24) {
    it('a server launched through npx gets the port and the telemetry, npx stays inert', async () => {
      const fixture = join(root, 'test/fixtures/npx-server');
      const packed = join(work, 'npx-pack');
      mkdirSync(packed);
      const { code, output } = await run(
        node,
        [npmCli(npm).npm, 'pack', fixture, '--pack-destination', packed],
        app,
        env,
        60_000,
      );
      expect(code, output).toBe(0);
      const tarball = join(packed, 'mcpmeter-fixture-npx-server-1.0.0.tgz');
      const port = await freePort();
      const transport = new StdioClientTransport({
        command: node,
        args: [npmCli(npm).npx, '-y', '--package', tarball, 'mcpmeter-fixture-npx-server'],
        cwd: app,
        stderr: 'pipe',
        env: {
          ...(env as Record<string, string>),
          NODE_OPTIONS: '--import @mcpmeter/node/register',
          OTEL_SERVICE_NAME: 'npx-fixture',
          OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
          OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
          OTEL_TRACES_EXPORTER: 'none',
        },
      });
      let stderr = '';
      transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const client = new Client({ name: 'install-test', version: '1.0.0' });
      try {
        await client.connect(transport).catch((err: unknown) => {
          throw new Error(`${String(err)}\nserver stderr:\n${stderr}`);
        });
        const result = await client.callTool({ name: 'shout', arguments: { word: 'hi' } });
        expect(result.content).toEqual([{ type: 'text', text: 'HI' }]);
        const body = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
        expect(body).toMatch(
          /^mcp_server_operation_duration_seconds_count\{[^}]*gen_ai_tool_name="shout"[^}]*\} 1$/m,
        );
        // the server process, not npx, serves it
        const pid = /^target_info\{[^}]*process_pid="(\d+)"/m.exec(body)?.[1];
        expect(pid).toBeDefined();
        expect(Number(pid)).not.toBe(transport.pid);
        expect(stderr).not.toMatch(/EADDRINUSE|in use/);
      } finally {
        await client.close();
      }
    }, 180_000);
  }
});

describe('Node 20 (end of life)', () => {
  it('says so in one stderr line and the app runs on without telemetry', async () => {
    const node = nodeBinary(20);
    const register = join(root, 'packages/node/dist/register.mjs');
    for (const flag of ['--import', '--require']) {
      const entry = flag === '--import' ? register : register.replace(/\.mjs$/, '.cjs');
      const port = await freePort();
      const { code, output } = await run(
        node,
        [
          flag,
          entry,
          '-e',
          `require('node:http').get('http://127.0.0.1:${port}/metrics').on('error', () => { console.log('app ran; nothing on ${port}'); })`,
        ],
        root,
        {
          ...process.env,
          PATH: pathWith(node),
          OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
        },
        30_000,
      );
      expect(code, output).toBe(0);
      const lines = output.trim().split('\n');
      expect(lines).toContain(`app ran; nothing on ${port}`);
      const ours = lines.filter((l) => l.startsWith('mcpmeter:'));
      expect(ours).toHaveLength(1);
      expect(ours[0]).toMatch(/Node\.js v20\.\d+\.\d+ is too old .* needs Node\.js >= 22\.15/);
      expect(lines).toHaveLength(2);
    }
  }, 60_000);
});
