/*
 * fastmcp over httpStream, stateful and stateless, started unmodified under
 * `node --import @mcpmeter/node/register` (metrics on a side port, spans to a
 * local OTLP receiver). Stateless fastmcp builds a session (a low-level SDK
 * `Server`) per HTTP request: tool labels and span names must still be the real
 * ones, and no session may stay open. Needs `pnpm build`.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { freePort } from '../../../test-utils/prometheus.js';
import { startNode, type Child } from '../../../test-utils/process.js';
import { startOtlpReceiver, type OtlpReceiver } from '../../../test-utils/otlp-receiver.js';
import { OPERATION_COUNT, sampleSum } from './fixtures/stdio.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const pkgDir = fileURLToPath(new URL('..', import.meta.url));

let child: Child | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await child?.kill();
  await receiver?.close();
  child = receiver = undefined;
});

async function start(env: Record<string, string>) {
  const port = await freePort();
  const metricsPort = await freePort();
  receiver = await startOtlpReceiver();
  child = startNode(
    ['--import', '@mcpmeter/node/register', here('./frameworks/fastmcp-server.mjs')],
    {
      cwd: pkgDir,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
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
      const spans = await receiver!.waitForSpans(
        (all) => all.filter((s) => s.name.startsWith('tools/call')).length >= 5,
      );
      const names = spans.filter((s) => s.kind === 2).map((s) => s.name);
      expect(names.filter((n) => n === 'tools/call fast')).toHaveLength(3);
      expect(names.filter((n) => n === 'tools/call failing')).toHaveLength(1);
      expect(names.filter((n) => n === 'tools/call')).toHaveLength(1); // made_up: no bounded target
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
