import {
  INVALID_SPAN_CONTEXT,
  ProxyTracer,
  ProxyTracerProvider,
  trace,
  type Span,
  type Tracer,
} from '@opentelemetry/api';

/*
 * With no tracer provider registered (register() with OTEL_TRACES_EXPORTER=none,
 * or no SDK at all), every startSpan goes through the global ProxyTracer to the
 * API's NoopTracer and allocates a span that records nothing. On a metrics-only
 * hot path that is wasted work (issue 4 counts every call): this tells, per
 * request, whether a tracer would start such a span right now. The check follows
 * a provider registered later (the proxy gets a delegate), and anything it does
 * not recognise (another copy of the API, a real SDK tracer) counts as tracing.
 */

/** The API's no-op provider: what a ProxyTracerProvider delegates to before a provider is registered. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();
const NoopTracer = NOOP_PROVIDER.getTracer('mcpmeter').constructor;

/** A span that records nothing and carries no span context. */
export const NON_RECORDING_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

interface ProxyTracerInternals {
  _delegate?: unknown;
  _provider?: unknown;
}

/**
 * Whether `tracer` would start only non-recording spans that add nothing to
 * their parent context (the API's no-op tracer, or a proxy still without a
 * delegate). Cheap enough to ask on every request.
 */
export function tracesNothing(tracer: Tracer): boolean {
  if (tracer instanceof ProxyTracer) {
    const proxy = tracer as unknown as ProxyTracerInternals;
    const provider = proxy._provider;
    return (
      proxy._delegate === undefined &&
      provider instanceof ProxyTracerProvider &&
      provider.getDelegate() === NOOP_PROVIDER
    );
  }
  return tracer instanceof NoopTracer;
}
