/*
 * A real Prometheus scrapes the hub's /metrics (OpenMetrics, as it negotiates)
 * and finds each process's tool series under its service_name and
 * service_instance_id — two copies of one server among them — while a process
 * with hostile names pushes too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, type RunningPrometheus } from '../../../test-utils/prometheus.js';
import { startHub, type Hub } from '../src/ui/hub.js';
import { fakeProcess, type FakeProcess } from './hub-helpers.js';

let hub: Hub;
let prom: RunningPrometheus;
const procs: FakeProcess[] = [];

beforeAll(async () => {
  hub = await startHub({ port: 0, otlpPort: 0 });
  procs.push(
    fakeProcess(hub.otlpUrl, 'json', 'weather', 'weather-a'),
    fakeProcess(hub.otlpUrl, 'proto', 'weather', 'weather-b'),
    fakeProcess(hub.otlpUrl, 'json', 'evil "svc"\nx', 'evil\\1'),
  );
  const [a, b, evil] = procs as [FakeProcess, FakeProcess, FakeProcess];
  for (let i = 0; i < 3; i++) a.recordTool('get_weather', 0.2);
  for (let i = 0; i < 5; i++) b.recordTool('get_weather', 0.02);
  b.recordTool('get_forecast', 1.5, 'tool_error');
  evil.recordTool('to"ol\n{x="1"}', 0.1);
  await Promise.all(procs.map((p) => p.flush()));
  prom = await startPrometheus({
    targets: [{ job: 'hub', target: new URL(hub.url).host }],
  });
});

afterAll(async () => {
  await prom?.stop();
  await Promise.all(procs.map((p) => p.shutdown()));
  await hub?.close();
});

describe('Prometheus scraping the hub', () => {
  it('scrapes it without error', async () => {
    const up = await prom.waitFor('up{job="hub"}', (r) => r[0]?.value[1] === '1');
    expect(up).toHaveLength(1);
  });

  it("finds each process's tool series with service_name and service_instance_id", async () => {
    const r = await prom.waitFor(
      'sum by (service_name, service_instance_id, gen_ai_tool_name) (mcp_server_operation_duration_seconds_count{job="hub"})',
      (r) => r.length >= 4,
    );
    const got = r
      .map((s) => [
        s.metric.service_name,
        s.metric.service_instance_id,
        s.metric.gen_ai_tool_name,
        s.value[1],
      ])
      .sort();
    expect(got).toEqual(
      [
        ['evil "svc"\nx', 'evil\\1', 'to"ol\n{x="1"}', '1'],
        ['weather', 'weather-a', 'get_weather', '3'],
        ['weather', 'weather-b', 'get_forecast', '1'],
        ['weather', 'weather-b', 'get_weather', '5'],
      ].sort(),
    );
    const info = await prom.waitFor('target_info{job="hub"}', (r) => r.length === 3);
    expect(info.map((s) => s.metric.service_instance_id).sort()).toEqual(
      ['evil\\1', 'weather-a', 'weather-b'].sort(),
    );
  });

  it('computes a quantile from the aggregated buckets', async () => {
    const r = await prom.waitFor(
      'histogram_quantile(0.5, sum by (le) (mcp_server_operation_duration_seconds_bucket{job="hub",service_instance_id="weather-a"}))',
    );
    // Three calls of 0.2 s: the 0.1–0.2 s bucket, interpolated to its middle.
    expect(Number(r[0]!.value[1])).toBeCloseTo(0.15, 6);
  });

  it("gives the same p50 and p95 as Prometheus's histogram_quantile in /api/overview", async () => {
    const { tools } = (await (await fetch(`${hub.url}api/overview`)).json()) as {
      tools: { process: string; tool: string; p50Ms: number; p95Ms: number }[];
    };
    for (const row of tools) {
      if (!row.process.startsWith('weather')) continue;
      for (const [q, ms] of [
        [0.5, row.p50Ms],
        [0.95, row.p95Ms],
      ] as const) {
        const r = await prom.waitFor(
          `histogram_quantile(${q}, sum by (le) (mcp_server_operation_duration_seconds_bucket{job="hub",service_instance_id="${row.process}",gen_ai_tool_name="${row.tool}"}))`,
        );
        expect(ms / 1000).toBeCloseTo(Number(r[0]!.value[1]), 9);
      }
    }
  });
});
