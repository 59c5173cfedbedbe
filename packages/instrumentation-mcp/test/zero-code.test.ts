import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-utils/prometheus.js';
import {
  OPERATION_COUNT,
  sampleSum,
  startStdioServer,
  type StdioServer,
} from './fixtures/stdio.js';

/*
 * Zero-code: unmodified servers (ESM and CJS, SDK 1.x and 2.x) started with an
 * `--import` preload that registers McpInstrumentation and the
 * import-in-the-middle loader. Needs the built package (pnpm build).
 */
const here = (f: string) => fileURLToPath(new URL(`./zero-code/${f}`, import.meta.url));
const pkgDir = fileURLToPath(new URL('..', import.meta.url));

let running: StdioServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('McpInstrumentation patches unmodified stdio servers', () => {
  for (const script of [
    'server-sdk1.mjs',
    'server-sdk1.cjs',
    'server-sdk2.mjs',
    'server-sdk2.cjs',
  ]) {
    it(`instruments ${script}`, async () => {
      running = await startStdioServer(['--import', here('preload.mjs'), here(script)], {
        cwd: pkgDir,
      });
      const { client } = running;
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name).sort()).toEqual(['failing', 'fast', 'throwing']);
      for (let i = 0; i < 3; i++) await client.callTool({ name: 'fast', arguments: {} });
      await client.callTool({ name: 'failing', arguments: {} });
      await client.callTool({ name: 'throwing', arguments: {} });
      await client.callTool({ name: 'made_up', arguments: {} }).catch(() => undefined);
      const text = await running.scrape();
      const count = (labels: Record<string, string>) =>
        sampleSum(text, OPERATION_COUNT, {
          mcp_method_name: 'tools/call',
          network_transport: 'pipe',
          ...labels,
        });
      expect(count({ gen_ai_tool_name: 'fast' }), text).toBe(3);
      expect(count({ gen_ai_tool_name: 'failing', error_type: 'tool_error' })).toBe(1);
      expect(count({ gen_ai_tool_name: 'throwing', error_type: 'RangeError' })).toBe(1);
      expect(count({ gen_ai_tool_name: '_OTHER', error_type: '-32602' })).toBe(1);
      expect(sampleSum(text, /^mcp_server_active_requests$/, {})).toBe(0);
      expect(sampleSum(text, /^mcp_server_active_sessions$/, { network_transport: 'pipe' })).toBe(
        1,
      );
      expect(running.stderr()).not.toMatch(/error/i);
    });
  }
});

describe('McpInstrumentation patches createMCPClient of @ai-sdk/mcp', () => {
  it('an unmodified agent gets client series per tool', async () => {
    const port = await freePort();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', here('preload.mjs'), here('agent-ai-sdk.mjs')],
      {
        cwd: pkgDir,
        env: { PATH: process.env.PATH ?? '', METRICS_PORT: String(port) },
        timeout: 30_000,
      },
    );
    const count = (labels: Record<string, string>) =>
      sampleSum(stdout, /^mcp_client_operation_duration_count$/, {
        mcp_method_name: 'tools/call',
        network_transport: 'pipe',
        ...labels,
      });
    expect(count({ gen_ai_tool_name: 'fast' }), stdout).toBe(2);
    expect(count({ gen_ai_tool_name: 'failing', error_type: 'tool_error' })).toBe(1);
    expect(sampleSum(stdout, /^mcp_client_session_duration_count$/, {})).toBe(1);
  });
});
