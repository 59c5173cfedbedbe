/*
 * OTLP for the hub tests, made by the real OpenTelemetry SDK and its OTLP/HTTP
 * exporters (JSON or protobuf), as a process would push it: one "process" is a
 * resource with its own service.instance.id, a MeterProvider and a TracerProvider.
 */
import {
  context,
  trace,
  SpanKind,
  SpanStatusCode,
  type Histogram,
  type Span,
} from '@opentelemetry/api';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { MCP_DURATION_BUCKETS } from '@mcpmeter/core';

export type Encoding = 'json' | 'proto';

export interface FakeProcess {
  id: string;
  service: string;
  meterProvider: MeterProvider;
  tracerProvider: TracerProvider;
  /** Records a tools/call on the server histogram. */
  recordTool(tool: string, seconds: number, errorType?: string): void;
  /** A span of this process, ended at once with the given times (ms). */
  span(
    name: string,
    opts: {
      kind?: SpanKind;
      parent?: Span;
      start: number;
      end: number;
      attributes?: Record<string, string | number>;
      error?: boolean;
    },
  ): Span;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function fakeProcess(
  otlpUrl: string,
  encoding: Encoding,
  service: string,
  id: string,
  extra: Record<string, string | number> = {},
): FakeProcess {
  const resource = resourceFromAttributes({
    'service.name': service,
    'service.instance.id': id,
    'process.pid': 1000 + Math.floor(Math.random() * 1000),
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    ...extra,
  });
  const metricExporter =
    encoding === 'json'
      ? new JsonMetricExporter({
          url: `${otlpUrl}/v1/metrics`,
          temporalityPreference: AggregationTemporality.CUMULATIVE,
        })
      : new ProtoMetricExporter({
          url: `${otlpUrl}/v1/metrics`,
          temporalityPreference: AggregationTemporality.CUMULATIVE,
        });
  const traceExporter =
    encoding === 'json'
      ? new JsonTraceExporter({ url: `${otlpUrl}/v1/traces` })
      : new ProtoTraceExporter({ url: `${otlpUrl}/v1/traces` });
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ resource, readers: [reader] });
  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor({ exporter: traceExporter, scheduledDelayMillis: 3_600_000 }),
    ],
  });
  const meter = meterProvider.getMeter('@mcpmeter/instrumentation-mcp', '0.1.0');
  const duration: Histogram = meter.createHistogram('mcp.server.operation.duration', {
    unit: 's',
    description: 'Duration of MCP requests handled by the server.',
    advice: { explicitBucketBoundaries: [...MCP_DURATION_BUCKETS] },
  });
  const tracer = tracerProvider.getTracer('@mcpmeter/instrumentation-mcp');
  return {
    id,
    service,
    meterProvider,
    tracerProvider,
    recordTool(tool, seconds, errorType) {
      duration.record(seconds, {
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': tool,
        'network.transport': 'pipe',
        ...(errorType === undefined ? {} : { 'error.type': errorType }),
      });
    },
    span(name, opts) {
      const ctx =
        opts.parent === undefined ? context.active() : trace.setSpan(context.active(), opts.parent);
      const span = tracer.startSpan(
        name,
        {
          kind: opts.kind ?? SpanKind.INTERNAL,
          startTime: opts.start,
          attributes: opts.attributes,
        },
        ctx,
      );
      if (opts.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
      span.end(opts.end);
      return span;
    },
    async flush() {
      await tracerProvider.forceFlush();
      await meterProvider.forceFlush();
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

export async function getJson<T = any>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}
