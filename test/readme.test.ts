/*
 * The README's "Use it in your app" snippets, run as written: the stdio server as
 * a child process under a real MCP client, and the same server over Streamable
 * HTTP with the last line swapped for the HTTP block, as the README says.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startNode } from '../test-utils/process.js';
import { freePort } from '../test-utils/prometheus.js';

const root = fileURLToPath(new URL('..', import.meta.url));
// examples/mcp-server depends on everything the snippets import.
const dir = join(root, 'examples/mcp-server');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The first ```ts block after `heading`. */
function blockAfter(heading: string): string {
  const at = readme.indexOf(heading);
  expect(at, heading).toBeGreaterThan(-1);
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m?.[1]) throw new Error(`no ts block after "${heading}"`);
  return m[1];
}

const stdio = blockAfter('A complete stdio MCP server');
const lastLine = 'await weatherServer().connect(new StdioServerTransport());';
expect(stdio).toContain(lastLine);
const http = stdio.replace(lastLine, blockAfter('The same server over Streamable HTTP'));
const files = { stdio: join(dir, '.readme-stdio.mjs'), http: join(dir, '.readme-http.mjs') };
writeFileSync(files.stdio, stdio);
writeFileSync(files.http, http);
afterAll(() => Object.values(files).forEach((f) => rmSync(f, { force: true })));

async function toolCalls(metricsUrl: string): Promise<number> {
  const body = await fetch(metricsUrl).then((r) => r.text());
  const m =
    /^mcp_server_operation_duration_seconds_count\{[^}]*gen_ai_tool_name="get_weather"[^}]*\} (\d+)$/m.exec(
      body,
    );
  return Number(m?.[1] ?? 0);
}

const env = (metricsPort: number) => ({
  ...(process.env as Record<string, string>),
  OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
  OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
  OTEL_TRACES_EXPORTER: 'none',
});

describe("the README's snippets", () => {
  it('stdio: a tool call is a metric on /metrics', async () => {
    const metricsPort = await freePort();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [files.stdio],
      cwd: dir,
      env: env(metricsPort),
      stderr: 'pipe',
    });
    const client = new Client({ name: 'readme', version: '1.0.0' });
    await client.connect(transport);
    try {
      const r = await client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } });
      expect(r.content).toEqual([{ type: 'text', text: 'Sunny in Oslo' }]);
      expect(await toolCalls(`http://127.0.0.1:${metricsPort}/metrics`)).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('Streamable HTTP: tool calls from two clients are metrics on /metrics', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const server = startNode([files.http], {
      cwd: dir,
      env: { ...env(metricsPort), PORT: String(port) },
    });
    try {
      const url = new URL(`http://127.0.0.1:${port}/mcp`);
      for (let attempt = 0; ; attempt++) {
        const ok = await fetch(url, { method: 'GET' }).then(
          () => true,
          () => false,
        );
        if (ok) break;
        if (attempt > 200 || server.process.exitCode !== null) throw new Error(server.stderr());
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const city of ['Oslo', 'Lima']) {
        const client = new Client({ name: 'readme', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(url));
        const r = await client.callTool({ name: 'get_weather', arguments: { city } });
        expect(r.content).toEqual([{ type: 'text', text: `Sunny in ${city}` }]);
        await client.close();
      }
      expect(await toolCalls(`http://127.0.0.1:${metricsPort}/metrics`)).toBe(2);
      expect(server.stderr()).toBe('');
    } finally {
      await server.kill();
    }
  });
});
