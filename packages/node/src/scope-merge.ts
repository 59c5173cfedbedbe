import type { ExportResult } from '@opentelemetry/core';
import type {
  AggregationOption,
  AggregationTemporality,
  InstrumentType,
  PushMetricExporter,
  ResourceMetrics,
  ScopeMetrics,
} from '@opentelemetry/sdk-metrics';

/*
 * A reader appends what each of its metric producers gives as entries of their
 * own, after the SDK's. FastHistograms is such a producer, so without this an
 * instrumentation scope (`@mcpmeter/instrumentation-mcp`) would reach an OTLP
 * collector as two ScopeMetrics entries: the SDK's counters and gauges in one,
 * the semconv histograms in the other. OTLP allows that, but backends that
 * group by scope entry show the scope twice. One entry per scope is what the
 * SDK alone sends.
 */

/** One string per instrumentation scope: name, version and schema URL. */
export const scopeKey = (scope: { name: string; version?: string; schemaUrl?: string }): string =>
  `${scope.name}\u0000${scope.version ?? ''}\u0000${scope.schemaUrl ?? ''}`;

/** `metrics` with the entries of the same scope (name, version, schema URL) merged, in first-seen order. */
export function mergeScopeMetrics(metrics: ResourceMetrics): ResourceMetrics {
  const byScope = new Map<string, ScopeMetrics>();
  let merged = false;
  for (const entry of metrics.scopeMetrics) {
    const key = scopeKey(entry.scope);
    const first = byScope.get(key);
    if (first === undefined) {
      byScope.set(key, entry);
    } else {
      byScope.set(key, { scope: first.scope, metrics: [...first.metrics, ...entry.metrics] });
      merged = true;
    }
  }
  return merged ? { resource: metrics.resource, scopeMetrics: [...byScope.values()] } : metrics;
}

/**
 * `exporter`, sending one ScopeMetrics entry per scope: for an OTLP exporter
 * behind a reader that has `FastHistograms`' producer (`register()` does this
 * itself).
 *
 * @example
 * const reader = new PeriodicExportingMetricReader({
 *   exporter: mergingScopes(new OTLPMetricExporter()),
 *   metricProducers: [fast.producer(AggregationTemporality.CUMULATIVE)],
 * });
 */
export function mergingScopes(exporter: PushMetricExporter): PushMetricExporter {
  const merging: PushMetricExporter = {
    export: (metrics: ResourceMetrics, done: (result: ExportResult) => void) =>
      exporter.export(mergeScopeMetrics(metrics), done),
    forceFlush: () => exporter.forceFlush(),
    shutdown: () => exporter.shutdown(),
  };
  if (exporter.selectAggregationTemporality !== undefined) {
    merging.selectAggregationTemporality = (type: InstrumentType): AggregationTemporality =>
      exporter.selectAggregationTemporality!(type);
  }
  if (exporter.selectAggregation !== undefined) {
    merging.selectAggregation = (type: InstrumentType): AggregationOption =>
      exporter.selectAggregation!(type);
  }
  return merging;
}
