import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, describe, expect, it } from 'vitest';
import {
  freePort,
  startPrometheus,
  type RunningPrometheus,
} from '../../../test-utils/prometheus.js';

const dir = fileURLToPath(new URL('..', import.meta.url));
const baseEnv = (metricsPort: number) => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
  OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
  OTEL_TRACES_EXPORTER: 'none',
});
// Series names with or without the unit suffix (compatibility-spec naming adds `_seconds`).
const OP = 'mcp_server_operation_duration(_seconds)?';
const lines = (text: string, re: RegExp) => text.split('\n').filter((l) => re.test(l));

describe('examples/mcp-server', () => {
  it('serves the claw tools over stdio with per-tool series and the custom metric', async () => {
    const metricsPort = await freePort();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['stdio.mjs'],
      cwd: dir,
      env: baseEnv(metricsPort),
      stderr: 'pipe',
    });
    const client = new Client({ name: 'example-test', version: '1.0.0' });
    await client.connect(transport);
    const names = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(['failing', 'fast', 'sharpen_claw', 'slow', 'throwing']);
    await client.callTool({ name: 'fast', arguments: {} });
    await client.callTool({ name: 'slow', arguments: { ms: 20 } });
    expect((await client.callTool({ name: 'failing', arguments: {} })).isError).toBe(true);
    expect((await client.callTool({ name: 'throwing', arguments: {} })).isError).toBe(true);
    await client.callTool({ name: 'sharpen_claw', arguments: { times: 4 } });
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    await client.close();
    const count = new RegExp(`^${OP}_count\\{`);
    expect(
      lines(text, count).filter((l) => l.includes('gen_ai_tool_name="fast"')),
      text,
    ).toHaveLength(1);
    expect(
      lines(text, count).some(
        (l) => /error_type="RangeError"/.test(l) && /network_transport="pipe"/.test(l),
      ),
    ).toBe(true);
    expect(
      lines(text, count).some(
        (l) => /gen_ai_tool_name="failing"/.test(l) && /error_type="tool_error"/.test(l),
      ),
    ).toBe(true);
    const claw = lines(text, /^claw_sharpness_level\w*_count\{/);
    expect(claw).toHaveLength(1);
    expect(claw[0]).toContain('gen_ai_tool_name="sharpen_claw"');
  });

  describe('over Streamable HTTP, scraped by a real Prometheus under load', () => {
    let server: ChildProcess | undefined;
    let prom: RunningPrometheus | undefined;
    afterAll(async () => {
      await prom?.stop();
      server?.kill('SIGTERM');
    });

    it('answers per-tool rate, error ratio and p95 queries', async () => {
      const [mcpPort, metricsPort] = [await freePort(), await freePort()];
      server = spawn(process.execPath, ['http.mjs'], {
        cwd: dir,
        env: { ...baseEnv(metricsPort), PORT: String(mcpPort) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise<void>((resolve, reject) => {
        server!.stderr!.on('data', (d: Buffer) => d.toString().includes('MCP at') && resolve());
        server!.once('exit', (code) => reject(new Error(`http.mjs exited with ${code}`)));
      });
      prom = await startPrometheus({
        targets: [{ job: 'claws', target: `127.0.0.1:${metricsPort}` }],
      });

      const client = new Client({ name: 'load', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${mcpPort}/mcp`)),
      );
      // Bounded load: 8 s, at most 4 calls in flight, a fixed mix of tools.
      const deadline = Date.now() + 8_000;
      const mix = [
        { name: 'fast', arguments: {} },
        { name: 'fast', arguments: {} },
        { name: 'failing', arguments: {} },
        { name: 'slow', arguments: { ms: 120 } },
      ];
      let calls = 0;
      // The longest round trip the client saw per tool: the server's own time is inside it.
      const slowest: Record<string, number> = {};
      await Promise.all(
        [0, 1, 2, 3].map(async (lane) => {
          for (let i = lane; Date.now() < deadline && calls < 4_000; i++) {
            calls++;
            const call = mix[i % mix.length]!;
            const t0 = performance.now();
            await client.callTool(call);
            const s = (performance.now() - t0) / 1000;
            slowest[call.name] = Math.max(slowest[call.name] ?? 0, s);
            await new Promise((r) => setTimeout(r, 5));
          }
        }),
      );
      await client.close();

      const name = (suffix: string) => `{__name__=~"${OP}_${suffix}", job="claws"}`;
      const byTool = (r: { metric: Record<string, string>; value: [number, string] }[]) =>
        Object.fromEntries(r.map((s) => [s.metric.gen_ai_tool_name, Number(s.value[1])]));
      const rate = await prom.waitFor(
        `sum by (gen_ai_tool_name) (rate(${name('count')}[1m]))`,
        (r) => r.length >= 3,
      );
      const rates = byTool(rate);
      expect(rates.fast).toBeGreaterThan(0);
      expect(rates.failing).toBeGreaterThan(0);
      expect(rates.slow).toBeGreaterThan(0);
      const ratio = byTool(
        await prom.query(
          `sum by (gen_ai_tool_name) (rate(${name('count').replace('}', ', error_type!=""}')}[1m])) / ` +
            `sum by (gen_ai_tool_name) (rate(${name('count')}[1m]))`,
        ),
      );
      expect(ratio.failing).toBe(1);
      expect(ratio.fast).toBeUndefined(); // no errors: no series in the numerator
      const p95 = byTool(
        await prom.query(
          `histogram_quantile(0.95, sum by (le, gen_ai_tool_name) (rate(${name('bucket')}[1m])))`,
        ),
      );
      // A 120 ms sleep cannot take less; how much more depends on the machine's load (a loaded
      // 2-core machine saw 0.43 s), so the upper bound is the bucket that holds the slowest round
      // trip the client measured, not a wall-clock figure: histogram_quantile interpolates
      // within a bucket, never past its upper bound.
      expect(p95.slow).toBeGreaterThanOrEqual(0.1);
      expect(p95.slow).toBeLessThanOrEqual(bucketAbove(slowest.slow!));
      expect(p95.fast).toBeLessThanOrEqual(bucketAbove(slowest.fast!));
      expect(out).toBe(''); // nothing on stdout
    });
  });
});

/** The upper bound of the mcp.server.operation.duration bucket (semconv boundaries) holding `s`. */
function bucketAbove(s: number): number {
  const bounds = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
  return bounds.find((b) => b >= s) ?? Infinity;
}
