import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  OPERATION_COUNT,
  sampleSum,
  startStdioServer,
  type StdioServer,
} from './fixtures/stdio.js';

/*
 * Zero-code as a new user would do it: `node --import @mcpmeter/node/register`
 * in front of an MCP server from npm that we did not write
 * (@modelcontextprotocol/server-memory, SDK 1.x, stdio), and in front of our
 * own ESM and CJS servers. Needs `pnpm build` (dist of node and this package).
 */
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const memoryServer = require.resolve('@modelcontextprotocol/server-memory/dist/index.js');
const nodeDist = join(pkgDir, 'node_modules/@mcpmeter/node/dist/register.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'mcpmeter-memory-'));
const env = (port: number) => ({
  OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
  OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
  OTEL_TRACES_EXPORTER: 'none',
  OTEL_SERVICE_NAME: 'memory-under-test',
  MEMORY_FILE_PATH: join(tmp, 'memory.jsonl'),
});

let running: StdioServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('node --import @mcpmeter/node/register', () => {
  it('has the built @mcpmeter/node to test against', () => {
    expect(existsSync(nodeDist), `${nodeDist} is missing: run pnpm build first`).toBe(true);
  });

  it('instruments @modelcontextprotocol/server-memory from npm, unmodified, over stdio', async () => {
    const { freePort } = await import('../../../test-utils/prometheus.js');
    const port = await freePort();
    running = await startStdioServer(['--import', '@mcpmeter/node/register', memoryServer], {
      cwd: pkgDir,
      env: env(port),
      metricsPort: port,
    });
    const { client } = running;
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain('create_entities');
    await client.callTool({
      name: 'create_entities',
      arguments: { entities: [{ name: 'claw', entityType: 'tool', observations: ['sharp'] }] },
    });
    for (let i = 0; i < 2; i++) await client.callTool({ name: 'read_graph', arguments: {} });
    await client.callTool({ name: 'search_nodes', arguments: { query: 'claw' } });
    await client.callTool({ name: 'open_nodes', arguments: { names: 42 } }).catch(() => undefined);
    const text = await running.scrape();
    const count = (labels: Record<string, string>) =>
      sampleSum(text, OPERATION_COUNT, { mcp_method_name: 'tools/call', ...labels });
    expect(count({ gen_ai_tool_name: 'create_entities' }), text).toBe(1);
    expect(count({ gen_ai_tool_name: 'read_graph' })).toBe(2);
    expect(count({ gen_ai_tool_name: 'search_nodes' })).toBe(1);
    expect(count({ gen_ai_tool_name: 'open_nodes', error_type: '-32602' })).toBe(1);
    expect(sampleSum(text, OPERATION_COUNT, { mcp_method_name: 'tools/list' })).toBe(1);
    expect(sampleSum(text, /^mcp_server_active_requests$/, {})).toBe(0);
  });

  for (const script of ['server-sdk1.mjs', 'server-sdk2.cjs']) {
    it(`instruments our own ${script}`, async () => {
      const { freePort } = await import('../../../test-utils/prometheus.js');
      const port = await freePort();
      const file = fileURLToPath(new URL(`./zero-code/${script}`, import.meta.url));
      running = await startStdioServer(['--import', '@mcpmeter/node/register', file], {
        cwd: pkgDir,
        env: env(port),
        metricsPort: port,
      });
      await running.client.callTool({ name: 'fast', arguments: {} });
      await running.client.callTool({ name: 'throwing', arguments: {} });
      const text = await running.scrape();
      expect(sampleSum(text, OPERATION_COUNT, { gen_ai_tool_name: 'fast' }), text).toBe(1);
      expect(
        sampleSum(text, OPERATION_COUNT, {
          gen_ai_tool_name: 'throwing',
          error_type: 'RangeError',
        }),
      ).toBe(1);
    });
  }
});
