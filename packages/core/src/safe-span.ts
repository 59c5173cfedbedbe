import {
  INVALID_SPAN_CONTEXT,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { describeError, warnOnce } from './safe.js';

/*
 * A span pipeline of the user's (a processor, sampler or id generator that
 * throws) must cost at most the spans: metrics are recorded around these calls,
 * never through them. The failure is said once per process.
 */

const NON_RECORDING = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** `tracer.startSpan`, or a non-recording span when the tracer throws. */
export function startSpanSafely(
  tracer: Tracer,
  name: string,
  options: SpanOptions | undefined,
  ctx: Context,
): Span {
  try {
    return tracer.startSpan(name, options, ctx);
  } catch (err) {
    warnOnce(
      'span-pipeline-start',
      `mcpmeter: the tracer threw while starting a span (${describeError(err)}); spans it cannot start are skipped, metrics are still recorded. Check the span processors and sampler given to your TracerProvider; see docs/troubleshooting.md#a-span-processor-or-sampler-throws`,
    );
    return NON_RECORDING;
  }
}

/** `span.end()`, said once when a span processor's onEnd throws. */
export function endSpanSafely(span: Span): void {
  try {
    span.end();
  } catch (err) {
    warnOnce(
      'span-pipeline-end',
      `mcpmeter: a span processor threw while ending a span (${describeError(err)}); that span may be lost, metrics are still recorded. See docs/troubleshooting.md#a-span-processor-or-sampler-throws`,
    );
  }
}
