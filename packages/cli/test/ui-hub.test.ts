/*
 * The hub fed by the real OpenTelemetry SDK's OTLP/HTTP exporters, one process
 * in JSON and one in protobuf: the JSON API and /metrics say what they sent.
 */
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Diagnostics } from '../src/diagnostics.js';
import { startHub, type Hub } from '../src/ui/hub.js';
import { fakeProcess, getJson, type FakeProcess } from './hub-helpers.js';
import { parseProm } from './helpers.js';

let hub: Hub;
const lines: string[] = [];
let agent: FakeProcess;
let server: FakeProcess;
const t0 = Date.now() - 5_000;
const ids: Record<string, string> = {};

beforeAll(async () => {
  hub = await startHub({
    port: 0,
    otlpPort: 0,
    diagnostics: new Diagnostics((l) => lines.push(l)),
  });
  agent = fakeProcess(hub.otlpUrl, 'json', 'agent', 'agent-1');
  server = fakeProcess(hub.otlpUrl, 'proto', 'weather', 'weather-1');
  // Trace 1, the slowest: agent → MCP client → MCP server (another process) → LLM call.
  const root = agent.span('agent run', { start: t0, end: t0 + 1000 });
  const call = { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'get_weather' };
  const client = agent.span('tools/call get_weather', {
    kind: SpanKind.CLIENT,
    parent: root,
    start: t0 + 10,
    end: t0 + 900,
    attributes: call,
  });
  const srv = server.span('tools/call get_weather', {
    kind: SpanKind.SERVER,
    parent: client,
    start: t0 + 20,
    end: t0 + 800,
    attributes: { ...call, 'network.transport': 'pipe' },
  });
  const llm = server.span('chat gpt-4o', {
    kind: SpanKind.CLIENT,
    parent: srv,
    start: t0 + 30,
    end: t0 + 700,
  });
  // A sibling of the LLM call that started later: parent order puts it after.
  const later = server.span('chat gpt-4o-mini', {
    kind: SpanKind.CLIENT,
    parent: srv,
    start: t0 + 710,
    end: t0 + 790,
  });
  // Trace 2: fast and fine. Trace 3: failed, shorter than trace 1.
  const fast = server.span('tools/call get_weather', {
    kind: SpanKind.SERVER,
    start: t0 + 2000,
    end: t0 + 2005,
    attributes: call,
  });
  const failed = server.span('tools/call get_weather', {
    kind: SpanKind.SERVER,
    start: t0 + 3000,
    end: t0 + 3050,
    attributes: { ...call, 'error.type': 'tool_error' },
    error: true,
  });
  for (const [k, s] of Object.entries({ root, client, srv, llm, later, fast, failed })) {
    ids[k] = s.spanContext().spanId;
    ids[`${k}Trace`] = s.spanContext().traceId;
  }
  server.recordTool('get_weather', 0.78);
  server.recordTool('get_weather', 0.005);
  server.recordTool('get_weather', 0.05, 'tool_error');
  server.recordTool('get_weather', 0.3);
  await agent.flush();
  await server.flush();
});

afterAll(async () => {
  await agent?.shutdown();
  await server?.shutdown();
  await hub?.close();
});

describe('the hub fed by the OTel SDK exporters (JSON and protobuf)', () => {
  it('answers the probe', async () => {
    const probe = await getJson(`${hub.otlpUrl}/mcpmeter/hub`);
    expect(probe.status).toBe(200);
    expect(probe.body).toMatchObject({ mcpmeter: 'hub', version: expect.any(String) });
  });

  it('lists both processes and the tool row in /api/overview', async () => {
    const { body } = await getJson(`${hub.url}api/overview`);
    expect(body.hub).toMatchObject({
      otlpUrl: hub.otlpUrl,
      limits: { processes: 200, spans: 100_000, traces: 5_000 },
      dropped: { spans: 0, traces: 0, processes: 0 },
    });
    expect(body.processes.map((p: any) => [p.service, p.id, p.up])).toEqual([
      ['agent', 'agent-1', true],
      ['weather', 'weather-1', true],
    ]);
    const weather = body.processes[1];
    expect(weather).toMatchObject({
      transport: 'pipe',
      runtime: `nodejs ${process.versions.node}`,
      spans: 5,
      pid: expect.any(Number),
    });
    expect(body.tools).toHaveLength(1);
    const row = body.tools[0];
    expect(row).toMatchObject({
      process: 'weather-1',
      service: 'weather',
      tool: 'get_weather',
      side: 'server',
      calls: 4,
      errors: { tool_error: 1 },
      errorRatio: 0.25,
      active: 0,
    });
    // Buckets ≤10ms:1, ≤50ms:1, ≤500ms:1, ≤1s:1 → p50 is the top of the ≤50ms bucket.
    expect(row.p50Ms).toBeCloseTo(50, 6);
    // rank 3.8 of 4: 0.8 of the way through the 0.5–1 s bucket.
    expect(row.p95Ms).toBeCloseTo(900, 6);
  });

  it('lists traces failed first, then slowest first', async () => {
    const { body } = await getJson(`${hub.url}api/traces?limit=50`);
    expect(body.map((t: any) => t.traceId)).toEqual([
      ids.failedTrace,
      ids.rootTrace,
      ids.fastTrace,
    ]);
    expect(body[1]).toMatchObject({
      root: 'agent run',
      service: 'agent',
      start: t0,
      durationMs: 1000,
      error: false,
      spanCount: 5,
      processes: 2,
    });
    expect(body[0].error).toBe(true);
    const one = await getJson(`${hub.url}api/traces?limit=1`);
    expect(one.body).toHaveLength(1);
  });

  it('gives a trace in parent order with depths and the series of the server span', async () => {
    const { status, body } = await getJson(`${hub.url}api/traces/${ids.rootTrace}`);
    expect(status).toBe(200);
    expect(body.spans.map((s: any) => [s.spanId, s.depth])).toEqual([
      [ids.root, 0],
      [ids.client, 1],
      [ids.srv, 2],
      [ids.llm, 3],
      [ids.later, 3],
    ]);
    const srv = body.spans[2];
    expect(srv).toMatchObject({
      parentSpanId: ids.client,
      name: 'tools/call get_weather',
      kind: 2,
      start: t0 + 20,
      end: t0 + 800,
      durationMs: 780,
      status: { code: 0, message: '' },
      process: { id: 'weather-1', service: 'weather' },
      series: {
        metric: 'mcp_server_operation_duration_seconds',
        tool: 'get_weather',
        side: 'server',
        process: 'weather-1',
        labels: {
          mcp_method_name: 'tools/call',
          gen_ai_tool_name: 'get_weather',
          network_transport: 'pipe',
          service_name: 'weather',
          service_instance_id: 'weather-1',
        },
      },
    });
    expect(body.spans[0].series).toBeUndefined();
    expect(body.spans[1].series.metric).toBe('mcp_client_operation_duration_seconds');
    expect((await getJson(`${hub.url}api/traces/0123`)).status).toBe(404);
  });

  it('gives a tool its buckets, each with the latest span that fell in it', async () => {
    const { status, body } = await getJson(`${hub.url}api/tools/weather-1/get_weather?side=server`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ process: 'weather-1', tool: 'get_weather', calls: 4 });
    const byLe = Object.fromEntries(body.buckets.map((b: any) => [String(b.le), b]));
    expect(body.buckets).toHaveLength(15);
    expect(body.buckets[14].le).toBeNull();
    expect(byLe['10']).toMatchObject({
      count: 1,
      exemplar: { spanId: ids.fast, traceId: ids.fastTrace },
    });
    expect(byLe['1000']).toMatchObject({
      count: 1,
      exemplar: { spanId: ids.srv, traceId: ids.rootTrace, durationMs: 780 },
    });
    expect(byLe['50']).toMatchObject({ count: 1, exemplar: { spanId: ids.failed } });
    expect(byLe['500']).toMatchObject({ count: 1, exemplar: null });
    expect(byLe['100']).toMatchObject({ count: 0, exemplar: null });
    expect((await getJson(`${hub.url}api/tools/weather-1/nope`)).status).toBe(404);
    expect((await getJson(`${hub.url}api/tools/weather-1/get_weather?side=x`)).status).toBe(400);
  });

  it('serves every process in one /metrics with service labels, one family per name', async () => {
    const text = await (await fetch(`${hub.url}metrics`)).text();
    const samples = parseProm(text);
    const count = samples.filter(
      (s) =>
        s.name === 'mcp_server_operation_duration_seconds_count' &&
        s.labels.service_name === 'weather' &&
        s.labels.service_instance_id === 'weather-1',
    );
    expect(count.map((s) => [s.labels.error_type ?? '', s.value]).sort()).toEqual([
      ['', 3],
      ['tool_error', 1],
    ]);
    expect(text.match(/^# TYPE mcp_server_operation_duration_seconds /gm)).toHaveLength(1);
    const info = samples.filter((s) => s.name === 'target_info');
    expect(info.map((s) => s.labels.service_instance_id).sort()).toEqual(['agent-1', 'weather-1']);
    const om = await fetch(`${hub.url}metrics`, {
      headers: { accept: 'application/openmetrics-text;version=1.0.0' },
    });
    expect(om.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
    const omText = await om.text();
    expect(omText.endsWith('# EOF\n')).toBe(true);
    expect(omText.match(/# EOF/g)).toHaveLength(1);
  });

  it('serves the page and 404s unknown routes', async () => {
    const page = await fetch(hub.url);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<!doctype html>/i);
    expect((await fetch(`${hub.url}nope`)).status).toBe(404);
    expect((await fetch(`${hub.url}api/nope`)).status).toBe(404);
    expect((await fetch(`${hub.otlpUrl}/v1/logs`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${hub.url}api/overview`, { method: 'POST' })).status).toBe(405);
    expect(lines).toEqual([]);
  });
});
