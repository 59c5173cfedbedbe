/*
 * SDK 3.x replaced @opentelemetry/sdk-trace-base with @opentelemetry/sdk-trace:
 * BasicTracerProvider is now TracerProvider, and span processors take an options
 * object. The tests import the 2.x names; this module maps them onto 3.x.
 */
import {
  BatchSpanProcessor as BatchSpanProcessor3,
  SimpleSpanProcessor as SimpleSpanProcessor3,
  TracerProvider,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';

export * from '@opentelemetry/sdk-trace';

export class BasicTracerProvider extends TracerProvider {}

export class SimpleSpanProcessor extends SimpleSpanProcessor3 {
  constructor(exporter: SpanExporter) {
    super({ exporter });
  }
}

export class BatchSpanProcessor extends BatchSpanProcessor3 {
  constructor(exporter: SpanExporter, config: Record<string, unknown> = {}) {
    super({ exporter, ...config });
  }
}
