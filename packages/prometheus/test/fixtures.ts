import { context, trace, TraceFlags, ValueType, type Context } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  type ResourceMetrics,
  type ScopeMetrics,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import { ExemplarStore, withExemplars } from '@mcpmeter/core';
import { TestMetricReader } from '../../../test-utils/otel.js';

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const SPAN_ID = '00f067aa0ba902b7';

export function sampledContext(traceId = TRACE_ID, spanId = SPAN_ID): Context {
  return trace.setSpanContext(context.active(), {
    traceId,
    spanId,
    traceFlags: TraceFlags.SAMPLED,
  });
}

export interface Fixture {
  provider: MeterProvider;
  reader: TestMetricReader;
  store: ExemplarStore;
  collect(): Promise<ResourceMetrics>;
}

export function fixture(views: ViewOptions[] = []): Fixture {
  const reader = new TestMetricReader();
  const provider = new MeterProvider({
    readers: [reader],
    views,
    resource: resourceFromAttributes({
      'service.name': 'golden',
      'service.version': '1.2.3',
      'deployment.environment.name': 'test',
    }),
  });
  const store = new ExemplarStore();
  return {
    provider,
    reader,
    store,
    async collect() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length) throw new AggregateError(errors);
      return resourceMetrics;
    },
  };
}

/**
 * Every kind of point the exposition writes: counters, up-down counters,
 * gauges, histograms (one empty), hostile label values, NaN/±Inf, the overflow
 * series and exemplars (fixed trace ids).
 */
export async function goldenData(): Promise<{ rm: ResourceMetrics; store: ExemplarStore }> {
  const f = fixture([{ instrumentName: 'test.bounded', aggregationCardinalityLimit: 3 }]);
  const meter = withExemplars(f.provider, f.store).getMeter('mcpmeter-golden', '0.1.0');
  const duration = meter.createHistogram('mcp.server.operation.duration', {
    unit: 's',
    description: 'Duration of MCP requests as observed by the server.',
    advice: { explicitBucketBoundaries: [0.01, 0.1, 1, 10] },
  });
  const call = Object.freeze({
    'mcp.method.name': 'tools/call',
    'gen_ai.tool.name': 'get_weather',
  });
  const ctx = sampledContext();
  duration.record(0.05, call, ctx);
  duration.record(
    2.5,
    call,
    sampledContext('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'),
  );
  duration.record(0.2, { 'mcp.method.name': 'tools/list' });

  const tokens = meter.createHistogram('gen_ai.client.token.usage', {
    unit: '{token}',
    description: 'Tokens used.',
    advice: { explicitBucketBoundaries: [1, 100] },
  });
  tokens.record(42, { 'gen_ai.token.type': 'input', 'gen_ai.request.model': 'gpt-4o' });

  const cost = meter.createCounter('gen_ai.client.cost.usd', {
    unit: '{USD}',
    description: 'Cost in USD.',
  });
  cost.add(0.25, { 'gen_ai.provider.name': 'openai', 'mcpmeter.price_source': 'catalog' }, ctx);

  const active = meter.createUpDownCounter('mcp.server.active_requests', { unit: '{request}' });
  active.add(2, { 'mcp.method.name': 'tools/call' });
  active.add(-1, { 'mcp.method.name': 'tools/call' });

  const gauge = meter.createGauge('test.values', { description: 'Line one\nline "two" \\ three' });
  gauge.record(NaN, { case: 'nan' });
  gauge.record(Infinity, { case: 'pos_inf' });
  gauge.record(-Infinity, { case: 'neg_inf' });

  const labels = meter.createCounter('test.labels');
  labels.add(1, {
    quote: 'say "hi"',
    backslash: 'C:\\path',
    newline: 'a\nb',
    utf8: 'Größe 東京 🚀',
  });
  labels.add(1, { 'http.request.method': 'GET', flag: true, n: 3, list: ['a', 'b'] });

  // cardinality limit 3: the 4th and 5th series go to the overflow series
  const bounded = meter.createCounter('test.bounded', { unit: '1' });
  for (const v of ['a', 'b', 'c', 'd', 'e']) bounded.add(1, { v });

  meter.createGauge('process.cpu.utilization', { unit: '1' }).record(0.5);
  meter.createCounter('network.io', { unit: 'By' }).add(1024);

  const rm = await f.collect();
  rm.scopeMetrics.push(emptyHistogramScope());
  return { rm, store: f.store };
}

/**
 * Histograms with no observations (an SDK never exports one for a cumulative
 * reader, but a delta source or a bridge can): all-zero buckets, and one with
 * no boundaries at all (only +Inf).
 */
export function emptyHistogramScope(): ScopeMetrics {
  const t: [number, number] = [1_700_000_000, 0];
  const point = (boundaries: number[]) => ({
    startTime: t,
    endTime: t,
    attributes: { 'gen_ai.operation.name': 'chat' },
    value: { count: 0, sum: 0, buckets: { boundaries, counts: boundaries.map(() => 0).concat(0) } },
  });
  const descriptor = (name: string) => ({
    name,
    description: '',
    unit: 's',
    valueType: ValueType.DOUBLE,
  });
  return {
    scope: { name: 'synthetic', version: '' },
    metrics: [
      {
        descriptor: descriptor('gen_ai.client.operation.time_to_first_chunk'),
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: [point([0.1, 1])],
      },
      {
        descriptor: descriptor('gen_ai.client.operation.time_per_output_chunk'),
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: [point([])],
      },
    ],
  };
}
