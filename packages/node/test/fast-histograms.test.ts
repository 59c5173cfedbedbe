import {
  ROOT_CONTEXT,
  TraceFlags,
  diag,
  trace,
  type Attributes,
  type MeterProvider as ApiMeterProvider,
} from '@opentelemetry/api';
import { ExemplarStore, MCP_DURATION_BUCKETS, semconv } from '@mcpmeter/core';
import { PrometheusReader } from '@mcpmeter/prometheus';
import {
  AggregationTemporality,
  AggregationType,
  DataPointType,
  InMemoryMetricExporter,
  InstrumentType,
  MeterProvider,
  MetricReader,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startOtlpReceiver } from '../../../test-utils/otlp-receiver.js';
import {
  FastHistograms,
  mergingScopes,
  register,
  SEMCONV_HISTOGRAMS,
  type RegisterHandle,
} from '../src/index.js';
import { bucketViews } from '../src/views.js';

const NAME = semconv.METRIC_MCP_SERVER_OPERATION_DURATION;
const frozen = (a: Attributes): Attributes => Object.freeze(a);

class DeltaReader extends MetricReader {
  constructor(fast: FastHistograms) {
    super({
      aggregationTemporalitySelector: () => AggregationTemporality.DELTA,
      metricProducers: [fast.producer(AggregationTemporality.DELTA)],
    });
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** An SDK-only provider and a fast one, each with its own Prometheus reader, same limits and views. */
function twoProviders(limit = 2000, views: ViewOptions[] = [], exemplars?: ExemplarStore) {
  const sdkReader = new PrometheusReader({ cardinalitySelector: () => limit });
  const sdk = new MeterProvider({
    readers: [sdkReader],
    views: [...bucketViews(limit), ...views],
  });
  const fast = new FastHistograms({
    histograms: SEMCONV_HISTOGRAMS,
    cardinalityLimit: limit,
    views,
    exemplars,
  });
  const fastReader = new PrometheusReader({
    cardinalitySelector: () => limit,
    metricProducers: [fast.producer()],
    exemplars,
  });
  const fastProvider = fast.wrap(
    new MeterProvider({ readers: [fastReader], views: [...bucketViews(limit), ...views] }),
  );
  return { sdk, sdkReader, fast, fastProvider, fastReader };
}

/** Sample lines of a text exposition, sorted (scopes may come in another order). */
async function samples(reader: PrometheusReader, format: 'text' | 'openmetrics' = 'text') {
  const text = (await reader.scrape(format)).text();
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .sort();
}

function recordSame(
  providers: ApiMeterProvider[],
  record: (h: { record: (v: number, a?: Attributes) => void }) => void,
) {
  for (const p of providers) {
    const meter = p.getMeter('@mcpmeter/instrumentation-mcp', '0.1.0');
    const h = meter.createHistogram(NAME, {
      unit: 's',
      description: 'Duration of MCP requests handled by the server.',
      advice: { explicitBucketBoundaries: [...MCP_DURATION_BUCKETS] },
    });
    record(h);
  }
}

describe('FastHistograms', () => {
  it('exposes exactly what the SDK would for the same records', async () => {
    const { sdk, sdkReader, fastProvider, fastReader, fast } = twoProviders();
    const ok = frozen({ 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'echo' });
    const err = frozen({ 'mcp.method.name': 'tools/call', 'error.type': 'tool_error' });
    recordSame([sdk, fastProvider], (h) => {
      for (const v of [0, 0.002, 0.01, 0.01, 0.3, 4, 400]) h.record(v, ok);
      h.record(0.5, err);
      h.record(0.25, { 'mcp.method.name': 'tools/list' }); // not frozen: found by content
      h.record(0.75, { 'mcp.method.name': 'tools/list' });
      h.record(1); // no attributes
    });
    // The fast provider's histogram did not come from the SDK.
    expect([...fast.instruments()].map((h) => h.name)).toEqual([NAME]);
    const expected = await samples(sdkReader);
    expect(expected.some((l) => l.startsWith('mcp_server_operation_duration_seconds_bucket'))).toBe(
      true,
    );
    expect(await samples(fastReader)).toEqual(expected);
    expect(await samples(fastReader, 'openmetrics')).toEqual(
      await samples(sdkReader, 'openmetrics'),
    );
  });

  it('keeps the cardinality limit with an overflow series, as the SDK does', async () => {
    const { sdk, sdkReader, fastProvider, fastReader } = twoProviders(3);
    recordSame([sdk, fastProvider], (h) => {
      for (let i = 0; i < 10; i++) h.record(i / 10, frozen({ 'gen_ai.tool.name': `t${i % 5}` }));
    });
    const lines = await samples(fastReader);
    expect(lines.filter((l) => l.includes('_count{')).length).toBe(3);
    expect(lines.some((l) => l.includes('otel_metric_overflow="true"'))).toBe(true);
    expect(lines).toEqual(await samples(sdkReader));
  });

  it('reports deltas to a delta reader: only what changed since its last collection', async () => {
    const fast = new FastHistograms({ histograms: SEMCONV_HISTOGRAMS, cardinalityLimit: 100 });
    const reader = new DeltaReader(fast);
    const provider = fast.wrap(new MeterProvider({ readers: [reader] }));
    const h = provider.getMeter('m').createHistogram(NAME, { unit: 's' });
    const a = frozen({ 'gen_ai.tool.name': 'a' });
    const b = frozen({ 'gen_ai.tool.name': 'b' });
    const histogramOf = async () => {
      const { resourceMetrics } = await reader.collect();
      const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
      return metrics.find((m) => m.descriptor.name === NAME) as HistogramMetricData | undefined;
    };
    h.record(0.001, a);
    h.record(0.2, a);
    h.record(3, b);
    const first = (await histogramOf())!;
    expect(first.aggregationTemporality).toBe(AggregationTemporality.DELTA);
    expect(first.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(
      first.dataPoints.map((p) => [
        p.attributes['gen_ai.tool.name'],
        p.value.count,
        p.value.min,
        p.value.max,
      ]),
    ).toEqual([
      ['a', 2, 0.001, 0.2],
      ['b', 1, 3, 3],
    ]);
    h.record(0.2, a);
    h.record(0.05, a);
    const second = (await histogramOf())!;
    expect(second.dataPoints).toHaveLength(1); // b did not change
    const p = second.dataPoints[0]!;
    expect(p.value.count).toBe(2);
    expect(p.value.sum).toBeCloseTo(0.25);
    // The interval's own min and max, not the cumulative ones (0.001).
    expect([p.value.min, p.value.max]).toEqual([0.05, 0.2]);
    expect(p.value.buckets.counts.reduce((x, y) => x + y, 0)).toBe(2);
    // The interval starts where the previous one ended.
    expect(p.startTime).toEqual(first.dataPoints[0]!.endTime);
    expect(await histogramOf()).toBeUndefined();
  });

  it('gives each delta reader its own interval min/max, none for an interval it did not see begin', async () => {
    const fast = new FastHistograms({ histograms: SEMCONV_HISTOGRAMS, cardinalityLimit: 100 });
    const early = new DeltaReader(fast);
    const provider = fast.wrap(new MeterProvider({ readers: [early] }));
    const h = provider.getMeter('m').createHistogram(NAME, { unit: 's' });
    const a = frozen({ 'gen_ai.tool.name': 'a' });
    h.record(0.5, a);
    // A second delta reader joins after the series exists (its own provider:
    // the producer reads the same histograms).
    const late = new DeltaReader(fast);
    void new MeterProvider({ readers: [late] });
    const pointOf = async (reader: MetricReader) => {
      const { resourceMetrics } = await reader.collect();
      const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
      const m = metrics.find((x) => x.descriptor.name === NAME) as HistogramMetricData | undefined;
      return m?.dataPoints[0]?.value;
    };
    h.record(2, a);
    expect(await pointOf(early)).toMatchObject({ count: 2, min: 0.5, max: 2 });
    const lateFirst = await pointOf(late);
    expect(lateFirst?.count).toBe(2);
    expect(lateFirst?.min).toBeUndefined();
    expect(lateFirst?.max).toBeUndefined();
    h.record(1, a);
    expect(await pointOf(late)).toMatchObject({ count: 1, min: 1, max: 1 });
    h.record(4, a);
    // The early reader's interval holds both records since its last collection.
    expect(await pointOf(early)).toMatchObject({ count: 2, min: 1, max: 4 });
  });

  it('tracks the interval min/max of series that existed before any delta reader', async () => {
    const fast = new FastHistograms({ histograms: SEMCONV_HISTOGRAMS, cardinalityLimit: 100 });
    const provider = fast.wrap(new MeterProvider());
    const h = provider.getMeter('m').createHistogram(NAME, { unit: 's' });
    const a = frozen({ 'gen_ai.tool.name': 'a' });
    h.record(0.5, a); // no delta reader yet: the series has no interval slots
    const late = new DeltaReader(fast);
    void new MeterProvider({ readers: [late] });
    const pointOf = async () => {
      const { resourceMetrics } = await late.collect();
      const metrics = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
      const m = metrics.find((x) => x.descriptor.name === NAME) as HistogramMetricData | undefined;
      return m?.dataPoints[0]?.value;
    };
    const first = await pointOf();
    expect(first?.count).toBe(1);
    expect(first?.min).toBeUndefined();
    h.record(3, a);
    h.record(2, a);
    expect(await pointOf()).toMatchObject({ count: 2, min: 2, max: 3 });
  });

  it('keeps a frozen attribute object as it is and one boundaries array per instrument', async () => {
    const fast = new FastHistograms({ histograms: SEMCONV_HISTOGRAMS, cardinalityLimit: 100 });
    const reader = new PrometheusReader({ metricProducers: [fast.producer()] });
    const provider = fast.wrap(new MeterProvider({ readers: [reader] }));
    const h = provider.getMeter('m').createHistogram(NAME, { unit: 's' });
    const a = frozen({ 'gen_ai.tool.name': 'a' });
    const b = { 'gen_ai.tool.name': 'b' };
    h.record(0.5, a);
    h.record(0.5, b);
    b['gen_ai.tool.name'] = 'changed';
    const { resourceMetrics } = await reader.collect();
    const m = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((x) => x.descriptor.name === NAME) as HistogramMetricData;
    const [pa, pb] = m.dataPoints;
    expect(pa?.attributes).toBe(a);
    // an object that may change is copied, as before
    expect(pb?.attributes).toEqual({ 'gen_ai.tool.name': 'b' });
    expect(pa?.value.buckets.boundaries).toEqual([...MCP_DURATION_BUCKETS]);
    expect(pa?.value.buckets.boundaries).toBe(pb?.value.buckets.boundaries);
  });

  it('leaves an instrument a user view could select to the SDK, so the view applies', async () => {
    const views: ViewOptions[] = [
      // A second stream under another name: the SDK's work, so only the SDK path shows it.
      { instrumentName: NAME, name: 'renamed.duration' },
      // Another meter: does not take the client histogram away from the fast path.
      {
        meterName: 'someone-else',
        instrumentType: InstrumentType.HISTOGRAM,
        aggregation: { type: AggregationType.DROP },
      },
    ];
    const { fastProvider, fastReader, fast } = twoProviders(2000, views);
    const meter = fastProvider.getMeter('@mcpmeter/instrumentation-mcp');
    meter.createHistogram(NAME, { unit: 's' }).record(0.1, frozen({}));
    meter
      .createHistogram(semconv.METRIC_MCP_CLIENT_OPERATION_DURATION, { unit: 's' })
      .record(0.1, frozen({}));
    expect([...fast.instruments()].map((h) => h.name)).toEqual([
      semconv.METRIC_MCP_CLIENT_OPERATION_DURATION,
    ]);
    const text = (await fastReader.scrape('text')).text();
    expect(text).toContain('renamed_duration_seconds_count');
    expect(text).toContain('mcp_server_operation_duration_seconds_count');
    expect(text).toContain('mcp_client_operation_duration_seconds_count');
  });

  it('reads a non-frozen attribute object afresh on every record', async () => {
    const { fastProvider, fastReader } = twoProviders();
    const h = fastProvider.getMeter('m').createHistogram(NAME);
    const attrs: Attributes = { 'gen_ai.tool.name': 'first' };
    h.record(0.1, attrs);
    attrs['gen_ai.tool.name'] = 'second';
    h.record(0.1, attrs);
    const counts = (await samples(fastReader)).filter((l) => l.includes('_count{'));
    expect(counts).toHaveLength(2);
    expect(counts.join()).toContain('gen_ai_tool_name="first"');
    expect(counts.join()).toContain('gen_ai_tool_name="second"');
  });

  it('captures exemplars from a sampled span, as withExemplars does', async () => {
    const store = new ExemplarStore();
    const { fastProvider, fastReader } = twoProviders(2000, [], store);
    const h = fastProvider.getMeter('m').createHistogram(NAME, { unit: 's' });
    const span = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    });
    h.record(0.02, frozen({ 'gen_ai.tool.name': 'echo' }), trace.setSpan(ROOT_CONTEXT, span));
    const om = (await fastReader.scrape('openmetrics')).text();
    expect(om).toMatch(
      /mcp_server_operation_duration_seconds_bucket\{[^}]*le="0.02"\} 1 # \{trace_id="0af7651916cd43dd8448eb211c80319c",span_id="b7ad6b7169203331"\} 0.02/,
    );
  });

  it('drops negative and NaN values with one warning and never throws', async () => {
    const warn = vi.spyOn(diag, 'warn');
    const { fastProvider, fastReader } = twoProviders();
    const h = fastProvider.getMeter('m').createHistogram(NAME);
    expect(() => {
      h.record(-1, frozen({}));
      h.record(Number.NaN, frozen({}));
      h.record('x' as unknown as number, frozen({}));
    }).not.toThrow();
    h.record(0.5, frozen({}));
    const count = (await samples(fastReader)).find((l) =>
      l.startsWith('mcp_server_operation_duration_count'),
    );
    expect(count).toMatch(/ 1$/);
    expect(warn.mock.calls.filter((c) => String(c[0]).includes(NAME))).toHaveLength(1);
    warn.mockRestore();
  });
});

describe('mergingScopes()', () => {
  it("gives a push exporter one entry per scope, the producer's histograms with the SDK's instruments", async () => {
    const fast = new FastHistograms({ histograms: SEMCONV_HISTOGRAMS, cardinalityLimit: 2000 });
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({
      exporter: mergingScopes(exporter),
      exportIntervalMillis: 60_000,
      metricProducers: [
        fast.producer(exporter.selectAggregationTemporality(InstrumentType.HISTOGRAM)),
      ],
    });
    const provider = fast.wrap(new MeterProvider({ readers: [reader] }));
    try {
      const meter = provider.getMeter('scope-a', '1.0.0');
      meter.createHistogram(NAME, { unit: 's' }).record(0.02, frozen({}));
      meter.createCounter('other.calls').add(1);
      provider.getMeter('scope-b').createCounter('b.calls').add(1);
      await provider.forceFlush();
      const entries = exporter
        .getMetrics()
        .flatMap((rm) => rm.scopeMetrics)
        .map((sm) => [sm.scope.name, sm.metrics.map((m) => m.descriptor.name).sort()]);
      expect(entries).toEqual([
        ['scope-a', [NAME, 'other.calls'].sort()],
        ['scope-b', ['b.calls']],
      ]);
    } finally {
      await provider.shutdown();
    }
  });
});

describe('register() with fast histograms', () => {
  let handle: RegisterHandle | undefined;
  const saved = { ...process.env };
  afterEach(async () => {
    await handle?.shutdown();
    handle = undefined;
    process.env = { ...saved };
  });

  /** register() pushing metrics as OTLP/JSON to `url`, flushed by hand only. */
  const registerOtlpJson = (url: string): RegisterHandle => {
    process.env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL = 'http/json';
    return register({
      metrics: {
        exporter: 'otlp',
        otlpEndpoint: `${url}/v1/metrics`,
        exportIntervalMillis: 60_000,
      },
      traces: { exporter: 'none' },
      runtimeMetrics: false,
      handleSignals: false,
    });
  };

  for (const fastHistograms of [true, false]) {
    it(`serves the MCP duration histogram with semconv buckets (fastHistograms: ${fastHistograms})`, async () => {
      handle = register({
        prometheus: { mode: 'mount' },
        metrics: { fastHistograms },
        traces: { exporter: 'none' },
        runtimeMetrics: false,
        handleSignals: false,
      });
      const h = handle.meterProvider
        .getMeter('@mcpmeter/instrumentation-mcp')
        .createHistogram(NAME, { unit: 's' });
      h.record(0.02, frozen({ 'gen_ai.tool.name': 'echo' }));
      const res = await handle.fetchMetricsHandler!(new Request('http://x/metrics'));
      const body = await res.text();
      expect(body).toMatch(/mcp_server_operation_duration_seconds_bucket\{[^}]*le="0.02"[^}]*\} 1/);
      expect(body).toMatch(
        /mcp_server_operation_duration_seconds_count\{[^}]*gen_ai_tool_name="echo"[^}]*\} 1/,
      );
    });
  }

  it('feeds the official exporter engine too, one metric family per histogram', async () => {
    handle = register({
      prometheus: { mode: 'mount', engine: 'otel' },
      traces: { exporter: 'none' },
      runtimeMetrics: false,
      handleSignals: false,
    });
    const meter = handle.meterProvider.getMeter('@mcpmeter/instrumentation-mcp');
    meter.createHistogram(NAME, { unit: 's' }).record(0.02, frozen({ 'gen_ai.tool.name': 'echo' }));
    // An SDK instrument in the same scope: the scope appears twice in the collection.
    meter.createCounter('other.calls').add(1);
    const server = createServer((req, res) => handle!.metricsHandler!(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const { port } = server.address() as AddressInfo;
      const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(body.match(/^# TYPE mcp_server_operation_duration histogram$/gm)).toHaveLength(1);
      expect(body).toMatch(
        /mcp_server_operation_duration_count\{[^}]*gen_ai_tool_name="echo"[^}]*\} 1/,
      );
      expect(body).toMatch(/other_calls_total\{[^}]*\} 1/);
    } finally {
      server.close();
    }
  });

  it('sends a scope to the collector as one entry: its histograms and its other instruments together', async () => {
    const receiver = await startOtlpReceiver();
    try {
      handle = registerOtlpJson(receiver.url);
      const a = handle.meterProvider.getMeter('scope-a', '1.0.0');
      a.createHistogram(NAME, { unit: 's' }).record(0.02, frozen({}));
      a.createCounter('other.calls').add(1);
      // Same name, another version: another scope, so another entry.
      handle.meterProvider.getMeter('scope-a', '2.0.0').createCounter('v2.calls').add(1);
      const before = receiver.metricPosts.length;
      await handle.meterProvider.forceFlush();
      const body = JSON.parse(receiver.metricPosts[before]!.body.toString('utf8')) as {
        resourceMetrics: {
          scopeMetrics: {
            scope: { name: string; version?: string };
            metrics: { name: string }[];
          }[];
        }[];
      };
      const entries = body.resourceMetrics
        .flatMap((r) => r.scopeMetrics)
        .filter((s) => s.scope.name === 'scope-a')
        .map((s) => ({ version: s.scope.version, names: s.metrics.map((m) => m.name).sort() }));
      expect(entries).toEqual([
        { version: '1.0.0', names: [NAME, 'other.calls'].sort() },
        { version: '2.0.0', names: ['v2.calls'] },
      ]);
    } finally {
      await handle?.shutdown();
      handle = undefined;
      await receiver.close();
    }
  });

  it('pushes delta histograms over OTLP when the exporter prefers delta', async () => {
    const receiver = await startOtlpReceiver();
    try {
      process.env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE = 'delta';
      handle = registerOtlpJson(receiver.url);
      const h = handle.meterProvider.getMeter('scope-a').createHistogram(NAME, { unit: 's' });
      const points = async () => {
        const before = receiver.metricPosts.length;
        await handle!.meterProvider.forceFlush();
        const post = receiver.metricPosts[before];
        if (post === undefined) return [];
        const body = JSON.parse(post.body.toString('utf8')) as {
          resourceMetrics: {
            scopeMetrics: {
              scope: { name: string };
              metrics: {
                name: string;
                histogram?: {
                  aggregationTemporality: number;
                  dataPoints: {
                    count: string | number;
                    bucketCounts: (string | number)[];
                    explicitBounds: number[];
                    min?: number;
                    max?: number;
                  }[];
                };
              }[];
            }[];
          }[];
        };
        return body.resourceMetrics
          .flatMap((r) => r.scopeMetrics)
          .filter((s) => s.scope.name === 'scope-a')
          .flatMap((s) => s.metrics)
          .filter((m) => m.name === NAME);
      };
      h.record(0.02, frozen({}));
      h.record(0.03, frozen({}));
      const [first] = await points();
      expect(first!.histogram!.aggregationTemporality).toBe(1); // AGGREGATION_TEMPORALITY_DELTA
      expect(Number(first!.histogram!.dataPoints[0]!.count)).toBe(2);
      expect(first!.histogram!.dataPoints[0]!.explicitBounds).toEqual([...MCP_DURATION_BUCKETS]);
      expect(first!.histogram!.dataPoints[0]).toMatchObject({ min: 0.02, max: 0.03 });
      h.record(0.5, frozen({}));
      const [second] = await points();
      expect(Number(second!.histogram!.dataPoints[0]!.count)).toBe(1);
      expect(second!.histogram!.dataPoints[0]).toMatchObject({ min: 0.5, max: 0.5 });
    } finally {
      await handle?.shutdown();
      handle = undefined;
      await receiver.close();
    }
  });
});
