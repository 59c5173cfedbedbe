import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  AggregationTemporality,
  AggregationType,
  InstrumentType,
  type AggregationOption,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { createRequire } from 'node:module';
import type { OtlpProtocol } from './types.js';

/*
 * The OTLP exporters are imported on their first export, not at start-up
 * (issue 20: ~40 ms of a cold start that the default configuration, Prometheus
 * and no OTLP metrics, never uses). The reader and the batch processor need an
 * exporter object when register() runs; these stand in for it and hand every
 * call to the real one once its module has loaded. A module that cannot load
 * fails the export with its error, which the callers already report.
 */

/**
 * `esm()` in the ESM build; `require(name)` in the CJS build (where `__filename`
 * exists), so that the exporter shares the process's CJS copies of the SDK.
 */
export function load<T>(name: string, esm: () => Promise<T>): Promise<T> {
  if (typeof __filename !== 'string') return esm();
  return new Promise((resolve) => resolve(createRequire(__filename)(name) as T));
}

interface ExporterOptions {
  url: string;
  headers: Record<string, string>;
}

/** Loads the real exporter once; later calls share the promise. */
class Deferred<T> {
  private promise: Promise<T> | undefined;
  constructor(private readonly create: () => Promise<T>) {}
  get(): Promise<T> {
    return (this.promise ??= this.create());
  }
  /** The exporter if it was ever asked for, without loading it. */
  started(): Promise<T> | undefined {
    return this.promise;
  }
}

const failed = (error: unknown): ExportResult => ({
  code: ExportResultCode.FAILED,
  error: error instanceof Error ? error : new Error(String(error)),
});

/** An OTLP/HTTP span exporter (protobuf or JSON) whose module loads on the first export. */
export function lazyOtlpSpanExporter(
  protocol: OtlpProtocol,
  options: ExporterOptions,
): SpanExporter {
  const inner = new Deferred<SpanExporter>(async () => {
    const { OTLPTraceExporter } =
      protocol === 'http/json'
        ? await load(
            '@opentelemetry/exporter-trace-otlp-http',
            () => import('@opentelemetry/exporter-trace-otlp-http'),
          )
        : await load(
            '@opentelemetry/exporter-trace-otlp-proto',
            () => import('@opentelemetry/exporter-trace-otlp-proto'),
          );
    return new OTLPTraceExporter(options);
  });
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
      inner.get().then(
        (exporter) => exporter.export(spans, done),
        (err: unknown) => done(failed(err)),
      );
    },
    shutdown: () => settle(inner.started(), (e) => e.shutdown()),
    forceFlush: () => settle(inner.started(), (e) => e.forceFlush?.()),
  };
}

/** Temporality preference values of the OTLP metric exporters' options. */
const PREFERENCE = { delta: 0, cumulative: 1, lowmemory: 2 } as const;

/**
 * The temporality the OTLP metric exporter picks from
 * OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, read (and an unknown value
 * said, in the exporter's own words) once, when register() runs.
 */
function temporalityPreference(): 0 | 1 | 2 {
  const raw = (process.env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE ?? '').trim();
  const value = (raw === '' ? 'cumulative' : raw).toLowerCase();
  if (value in PREFERENCE) return PREFERENCE[value as keyof typeof PREFERENCE];
  diag.warn(
    `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE is set to '${value}', but only 'cumulative' and 'delta' are allowed. Using default ('cumulative') instead.`,
  );
  return PREFERENCE.cumulative;
}

/** The exporters' selectors for each preference (OTLPMetricExporterBase). */
function temporalityFor(preference: 0 | 1 | 2, type: InstrumentType): AggregationTemporality {
  if (preference === PREFERENCE.cumulative) return AggregationTemporality.CUMULATIVE;
  switch (type) {
    case InstrumentType.COUNTER:
    case InstrumentType.HISTOGRAM:
      return AggregationTemporality.DELTA;
    case InstrumentType.GAUGE:
    case InstrumentType.OBSERVABLE_COUNTER:
    case InstrumentType.OBSERVABLE_GAUGE:
      return preference === PREFERENCE.delta
        ? AggregationTemporality.DELTA
        : AggregationTemporality.CUMULATIVE;
    default:
      return AggregationTemporality.CUMULATIVE;
  }
}

const DEFAULT_AGGREGATION: AggregationOption = Object.freeze({ type: AggregationType.DEFAULT });

/** An OTLP/HTTP metric exporter (protobuf or JSON) whose module loads on the first export. */
export function lazyOtlpMetricExporter(
  protocol: OtlpProtocol,
  options: ExporterOptions,
): Required<PushMetricExporter> {
  const preference = temporalityPreference();
  const inner = new Deferred<PushMetricExporter>(async () => {
    const { OTLPMetricExporter } =
      protocol === 'http/json'
        ? await load(
            '@opentelemetry/exporter-metrics-otlp-http',
            () => import('@opentelemetry/exporter-metrics-otlp-http'),
          )
        : await load(
            '@opentelemetry/exporter-metrics-otlp-proto',
            () => import('@opentelemetry/exporter-metrics-otlp-proto'),
          );
    return new OTLPMetricExporter({ ...options, temporalityPreference: preference });
  });
  return {
    export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
      inner.get().then(
        (exporter) => exporter.export(metrics, done),
        (err: unknown) => done(failed(err)),
      );
    },
    selectAggregationTemporality: (type) => temporalityFor(preference, type),
    selectAggregation: () => DEFAULT_AGGREGATION,
    shutdown: () => settle(inner.started(), (e) => e.shutdown()),
    forceFlush: () => settle(inner.started(), (e) => e.forceFlush()),
  };
}

/** Runs `fn` on the exporter if it was ever loaded; a module that failed to load has nothing to flush. */
async function settle<T>(
  pending: Promise<T> | undefined,
  fn: (exporter: T) => Promise<void> | undefined,
): Promise<void> {
  if (pending === undefined) return;
  let exporter: T;
  try {
    exporter = await pending;
  } catch {
    return;
  }
  await fn(exporter);
}
