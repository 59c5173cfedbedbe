/*
 * fastmcp over httpStream, stateful and stateless, started unmodified under the
 * zero-code preload. Stateless fastmcp builds a session (a low-level SDK
 * `Server`) per HTTP request: tool labels must still be the real ones, and no
 * session may stay open.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { freePort } from '../../../test-utils/prometheus.js';
import { startNode, type Child } from '../../../test-utils/process.js';
import { OPERATION_COUNT, sampleSum } from './fixtures/stdio.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const pkgDir = fileURLToPath(new URL('..', import.meta.url));

let child: Child | undefined;
afterEach(async () => {
  await child?.kill();
  child = undefined;
});

async function start(env: Record<string, string>) {
  const port = await freePort();
  const metricsPort = await freePort();
  child = startNode(
    ['--import', here('./zero-code/preload.mjs'), here('./frameworks/fastmcp-server.mjs')],
    {
      cwd: pkgDir,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        ...env,
      },
    },
  );
  await child.waitFor(/fastmcp ready/);
  return {
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    scrape: async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text(),
  };
}

async function exercise(url: URL, listFirst: boolean) {
  const transport = new StreamableHTTPClientTransport(url);
  const client = new Client({ name: 'agent', version: '1.0.0' });
  await client.connect(transport);
  if (listFirst) await client.listTools();
  for (let i = 0; i < 3; i++) await client.callTool({ name: 'fast', arguments: {} });
  await client.callTool({ name: 'failing', arguments: {} });
  await client.callTool({ name: 'made_up', arguments: {} }).catch(() => undefined);
  await transport.terminateSession().catch(() => undefined);
  await client.close();
}

describe('fastmcp httpStream under zero-code', () => {
  for (const stateless of [false, true]) {
    it(`${stateless ? 'stateless' : 'stateful'}: real tool labels, sessions back to 0`, async () => {
      const server = await start({ STATELESS: String(stateless) });
      await exercise(server.url, true);
      await new Promise((r) => setTimeout(r, 100));
      const text = await server.scrape();
      const count = (labels: Record<string, string>) =>
        sampleSum(text, OPERATION_COUNT, { mcp_method_name: 'tools/call', ...labels });
      expect(count({ gen_ai_tool_name: 'fast' }), text).toBe(3);
      expect(count({ gen_ai_tool_name: 'failing', error_type: 'tool_error' })).toBe(1);
      expect(count({ gen_ai_tool_name: '_OTHER' })).toBe(1);
      expect(sampleSum(text, /^mcp_server_active_sessions$/, {})).toBe(0);
      expect(sampleSum(text, /^mcp_server_active_requests$/, {})).toBe(0);
    });
  }

  it('stateless, tools never listed: MCPMETER_MCP_TOOLS gives the labels', async () => {
    const server = await start({ STATELESS: 'true', MCPMETER_MCP_TOOLS: 'fast, failing' });
    await exercise(server.url, false);
    const text = await server.scrape();
    const count = (labels: Record<string, string>) =>
      sampleSum(text, OPERATION_COUNT, { mcp_method_name: 'tools/call', ...labels });
    expect(count({ gen_ai_tool_name: 'fast' }), text).toBe(3);
    expect(count({ gen_ai_tool_name: 'failing' })).toBe(1);
    expect(count({ gen_ai_tool_name: '_OTHER' })).toBe(1);
  });
});
