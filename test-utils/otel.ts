/*
 * Test harness shared by every package's tests: an SDK MeterProvider with a
 * manual reader, a tracer provider with an in-memory exporter, W3C propagators
 * and an async-hooks context manager, all registered globally.
 *
 * Tests import the SDK only through this file and `@opentelemetry/sdk-trace`
 * / `@opentelemetry/sdk-metrics`, so the SDK 2.x job (compat/sdk2) can swap the
 * SDK underneath by module aliases without touching a test.
 */
import { context, diag, metrics, propagation, trace, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type MetricData,
  type ResourceMetrics,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import {
  TracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';

export class TestMetricReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

export interface TestTelemetry {
  meterProvider: MeterProvider;
  tracerProvider: TracerProvider;
  reader: TestMetricReader;
  spans: InMemorySpanExporter;
  /** Collects and returns every metric, flattened across scopes. */
  collect(): Promise<MetricData[]>;
  collectResource(): Promise<ResourceMetrics>;
  finishedSpans(): ReadableSpan[];
  shutdown(): Promise<void>;
}

export interface SetupOptions {
  views?: ViewOptions[];
  /** Register the providers, propagator and context manager globally. @default true */
  global?: boolean;
}

export function setupTelemetry(options: SetupOptions = {}): TestTelemetry {
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader], views: options.views ?? [] });
  const spans = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  if (options.global ?? true) {
    context.setGlobalContextManager(contextManager);
    propagation.setGlobalPropagator(
      new CompositePropagator({
        propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
      }),
    );
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
  }
  const collectResource = async () => {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
    return resourceMetrics;
  };
  return {
    meterProvider,
    tracerProvider,
    reader,
    spans,
    collectResource,
    async collect() {
      const rm = await collectResource();
      return rm.scopeMetrics.flatMap((s) => s.metrics);
    },
    finishedSpans: () => spans.getFinishedSpans(),
    async shutdown() {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
      if (options.global ?? true) {
        trace.disable();
        metrics.disable();
        propagation.disable();
        context.disable();
        diag.disable();
      }
    },
  };
}

/** The metric called `name`, or undefined. */
export function findMetric(all: MetricData[], name: string): MetricData | undefined {
  return all.find((m) => m.descriptor.name === name);
}

function matches(attrs: Attributes, filter: Attributes): boolean {
  return Object.entries(filter).every(([k, v]) => attrs[k] === v);
}

/** Sum of histogram `count`s (or sum values) over points whose attributes match `filter`. */
export function countOf(metric: MetricData | undefined, filter: Attributes = {}): number {
  if (metric === undefined) return 0;
  let total = 0;
  for (const p of metric.dataPoints) {
    if (!matches(p.attributes, filter)) continue;
    if (metric.dataPointType === DataPointType.HISTOGRAM) {
      total += (p.value as { count: number }).count;
    } else if (typeof p.value === 'number') {
      total += p.value;
    }
  }
  return total;
}

/** Sum of histogram `sum`s over points whose attributes match `filter`. */
export function sumOf(metric: MetricData | undefined, filter: Attributes = {}): number {
  if (metric === undefined) return 0;
  let total = 0;
  for (const p of metric.dataPoints) {
    if (!matches(p.attributes, filter)) continue;
    const v = p.value as { sum?: number } | number;
    total += typeof v === 'number' ? v : (v.sum ?? 0);
  }
  return total;
}

/** Distinct values of attribute `key` across a metric's points. */
export function labelValues(metric: MetricData | undefined, key: string): Set<unknown> {
  return new Set((metric?.dataPoints ?? []).map((p) => p.attributes[key]));
}
