import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { TracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../../../test-utils/otlp-receiver.js';
import { startPrometheus, type RunningPrometheus } from '../../../test-utils/prometheus.js';
import {
  ExemplarStore,
  PrometheusReader,
  startMetricsServer,
  withExemplars,
  type MetricsServer,
} from '../src/index.js';

/*
 * The whole path with real parts: sampled spans exported over OTLP/HTTP to a
 * local receiver; metrics recorded inside them served by our endpoint; a real
 * Prometheus (exemplar storage on) scraping it with OpenMetrics.
 */

interface ExemplarResult {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
}

describe('real Prometheus scrape with exemplars', () => {
  let receiver: OtlpReceiver;
  let prom: RunningPrometheus;
  let server: MetricsServer;
  let authServer: MetricsServer;
  let basicServer: MetricsServer;
  let meterProvider: MeterProvider;
  let tracerProvider: TracerProvider;
  let timer: NodeJS.Timeout;
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable());
    receiver = await startOtlpReceiver();
    tracerProvider = new TracerProvider({
      spanProcessors: [
        new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: receiver.tracesUrl }) }),
      ],
    });
    const store = new ExemplarStore();
    const reader = new PrometheusReader({ exemplars: store });
    meterProvider = new MeterProvider({
      readers: [reader],
      resource: resourceFromAttributes({ 'service.name': 'e2e' }),
    });
    const meter = withExemplars(meterProvider, store).getMeter('@mcpmeter/e2e', '0.1.0');
    const duration = meter.createHistogram('mcp.server.operation.duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: [0.01, 0.1, 1, 10] },
    });
    const cost = meter.createCounter('gen_ai.client.cost.usd', { unit: '{USD}' });
    const active = meter.createUpDownCounter('mcp.server.active_requests', { unit: '{request}' });
    const tracer = tracerProvider.getTracer('e2e');
    const attrs = Object.freeze({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'get_weather',
    });
    let n = 0;
    const work = () => {
      tracer.startActiveSpan('tools/call get_weather', (span) => {
        active.add(1, { 'mcp.method.name': 'tools/call' });
        duration.record([0.005, 0.05, 0.5, 5][n++ % 4]!, attrs);
        cost.add(0.01, { 'gen_ai.provider.name': 'openai' });
        active.add(-1, { 'mcp.method.name': 'tools/call' });
        span.end();
      });
    };
    work();
    timer = setInterval(work, 200);
    server = await startMetricsServer(reader, { host: '127.0.0.1', port: 0 });
    authServer = await startMetricsServer(reader, {
      host: '127.0.0.1',
      port: 0,
      auth: { bearerToken: 'tok-123' },
    });
    basicServer = await startMetricsServer(reader, {
      host: '127.0.0.1',
      port: 0,
      path: '/custom',
      auth: { username: 'prom', password: 'pw' },
    });
    prom = await startPrometheus({
      targets: [
        { job: 'e2e', target: new URL(server.url).host },
        {
          job: 'bearer',
          target: new URL(authServer.url).host,
          extra: '    authorization:\n      credentials: tok-123\n',
        },
        {
          job: 'basic',
          target: new URL(basicServer.url).host,
          metricsPath: '/custom',
          extra: '    basic_auth:\n      username: prom\n      password: pw\n',
        },
      ],
      enableExemplars: true,
    });
  });

  afterAll(async () => {
    clearInterval(timer);
    await prom?.stop();
    await server?.close();
    await authServer?.close();
    await basicServer?.close();
    await meterProvider?.shutdown();
    await tracerProvider?.shutdown();
    await receiver?.close();
    context.disable();
  });

  it('scrapes OpenMetrics cleanly and answers queries by the spec names', async () => {
    await prom.waitFor(
      'mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call",job="e2e"}',
    );
    await prom.waitFor('up{job="e2e"}', (r) => r[0]?.value[1] === '1');
    const targets = await prom.api<{
      activeTargets: { health: string; lastError: string; labels: Record<string, string> }[];
    }>('/api/v1/targets');
    const e2e = targets.activeTargets.find((t) => t.labels.job === 'e2e');
    expect(e2e).toMatchObject({ health: 'up', lastError: '' });
    const buckets = await prom.query(
      'mcp_server_operation_duration_seconds_bucket{gen_ai_tool_name="get_weather",job="e2e"}',
    );
    expect(new Set(buckets.map((s) => s.metric.le))).toEqual(
      new Set(['0.01', '0.1', '1', '10', '+Inf']),
    );
    expect(await prom.waitFor('gen_ai_client_cost_usd_total')).not.toHaveLength(0);
    const active = await prom.waitFor('mcp_server_active_requests{job="e2e"}');
    expect(active[0]!.value[1]).toBe('0');
    expect(await prom.waitFor('target_info{service_name="e2e",job="e2e"}')).toHaveLength(1);
  });

  it('scrapes endpoints protected by a bearer token and by basic auth', async () => {
    for (const job of ['bearer', 'basic']) {
      const up = await prom.waitFor(`up{job="${job}"}`, (r) => r[0]?.value[1] === '1');
      expect(up[0]!.value[1]).toBe('1');
      expect(
        await prom.waitFor(`mcp_server_operation_duration_seconds_count{job="${job}"}`),
      ).not.toHaveLength(0);
    }
  });

  it('stores exemplars whose trace ids are the exported traces', async () => {
    const end = Date.now() / 1000 + 60;
    const start = end - 600;
    const fetchExemplars = (q: string) =>
      prom.api<ExemplarResult[]>(
        `/api/v1/query_exemplars?query=${encodeURIComponent(q)}&start=${start}&end=${end}`,
      );
    let results: ExemplarResult[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      results = await fetchExemplars('mcp_server_operation_duration_seconds_bucket');
      if (results.flatMap((r) => r.exemplars).length >= 4) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const exemplars = results.flatMap((r) => r.exemplars);
    expect(exemplars.length).toBeGreaterThanOrEqual(4);
    const traceIds = new Set(exemplars.map((e) => e.labels.trace_id));
    await receiver.waitForSpans((spans) =>
      [...traceIds].every((id) => spans.some((s) => s.traceId === id)),
    );
    for (const id of traceIds) expect(id).toMatch(/^[0-9a-f]{32}$/);
    // every exemplar sits in the bucket its value belongs to
    for (const r of results) {
      const le = r.seriesLabels.le === '+Inf' ? Infinity : Number(r.seriesLabels.le);
      for (const e of r.exemplars) expect(Number(e.value)).toBeLessThanOrEqual(le);
    }
    const counter = await fetchExemplars('gen_ai_client_cost_usd_total');
    const counterIds = counter.flatMap((r) => r.exemplars.map((e) => e.labels.trace_id));
    expect(counterIds.length).toBeGreaterThan(0);
    expect(counterIds.every((id) => receiver.spans.some((s) => s.traceId === id))).toBe(true);
  });
});
