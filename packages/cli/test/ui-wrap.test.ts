/*
 * The hub with real processes and no per-process configuration beyond the OTLP
 * endpoint: two copies of one stdio server under `mcpmeter wrap` (register()
 * inside) find the hub, push their metrics and send their spans; the API shows
 * each copy as its own process with the calls made, and its traces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../src/ui/hub.js';
import { PY_SERVER, connectWrapped, waitFor, wrapEnv, type Wrapped } from './helpers.js';
import { getJson } from './hub-helpers.js';

let hub: Hub;
const copies: Wrapped[] = [];
const CALLS = [3, 5];

beforeAll(async () => {
  hub = await startHub({ port: 0, otlpPort: 0 });
  for (let i = 0; i < 2; i++) {
    const env = wrapEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: hub.otlpUrl, OTEL_TRACES_EXPORTER: 'otlp' });
    const w = await connectWrapped(['python3', PY_SERVER], env, {
      wrapArgs: ['--service-name', 'py-weather'],
    });
    copies.push(w);
    // Tool labels are bounded by the server's own tools/list (an unlisted tool counts as _OTHER).
    await w.client.listTools();
    for (let n = 0; n < CALLS[i]!; n++) {
      await w.client.callTool({ name: 'echo', arguments: { text: `call ${n}` } });
    }
  }
});

afterAll(async () => {
  await Promise.all(copies.map((w) => w.client.close()));
  await hub?.close();
});

interface Overview {
  processes: { id: string; service: string; up: boolean; transport: string; spans: number }[];
  tools: { process: string; tool: string; side: string; calls: number }[];
}

describe('wrapped stdio servers and the hub', () => {
  it('shows each copy as its own process with its calls, within 10 s', async () => {
    const overview = await waitFor(
      async () => {
        const { body } = await getJson<Overview>(`${hub.url}api/overview`);
        const calls = body.tools.filter((t) => t.tool === 'echo').map((t) => t.calls);
        return calls.sort().join() === [...CALLS].sort().join() ? body : undefined;
      },
      () => 'no echo rows with the calls made',
      10_000,
    );
    const ours = overview.processes.filter((p) => p.service === 'py-weather');
    expect(ours).toHaveLength(2);
    expect(new Set(ours.map((p) => p.id)).size).toBe(2);
    for (const p of ours) expect(p).toMatchObject({ up: true, transport: 'pipe' });
    const byProcess = Object.fromEntries(
      overview.tools.filter((t) => t.tool === 'echo').map((t) => [t.process, t.calls]),
    );
    expect(Object.values(byProcess).sort()).toEqual([...CALLS].sort());
  });

  it("lists their tools/call spans as traces, each with the series of its process's row", async () => {
    const traces = await waitFor(async () => {
      const { body } = await getJson<{ traceId: string; root: string }[]>(
        `${hub.url}api/traces?limit=100`,
      );
      const echo = body.filter((t) => t.root === 'tools/call echo');
      return echo.length >= CALLS[0]! + CALLS[1]! ? echo : undefined;
    });
    const { body } = await getJson(`${hub.url}api/traces/${traces[0]!.traceId}`);
    const server = body.spans.find((s: any) => s.kind === 2);
    expect(server.series).toMatchObject({
      metric: 'mcp_server_operation_duration_seconds',
      tool: 'echo',
      labels: { gen_ai_tool_name: 'echo', service_name: 'py-weather' },
    });
    const tool = await getJson(
      `${hub.url}api/tools/${encodeURIComponent(server.process.id)}/echo?side=server`,
    );
    expect(tool.status).toBe(200);
    const exemplars = tool.body.buckets.filter((b: any) => b.exemplar !== null);
    expect(exemplars.length).toBeGreaterThan(0);
  });
});
