/*
 * The tests are written against SDK 3.x's @opentelemetry/sdk-trace (TracerProvider,
 * span processors that take an options object). SDK 2.x ships the same pieces as
 * @opentelemetry/sdk-trace-base with the older shapes; this module maps 3.x names
 * onto 2.x so the same tests run against a user's SDK 2.x.
 */
import {
  BasicTracerProvider,
  BatchSpanProcessor as BatchSpanProcessor2,
  SimpleSpanProcessor as SimpleSpanProcessor2,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

export * from '@opentelemetry/sdk-trace-base';

export class TracerProvider extends BasicTracerProvider {}

export class SimpleSpanProcessor extends SimpleSpanProcessor2 {
  constructor(options: { exporter: SpanExporter }) {
    super(options.exporter);
  }
}

export class BatchSpanProcessor extends BatchSpanProcessor2 {
  constructor({ exporter, ...config }: { exporter: SpanExporter } & Record<string, unknown>) {
    super(exporter, config);
  }
}
