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
 * not recognise (a real SDK tracer, an unknown object) counts as tracing.
 *
 * The proxy or no-op tracer of another copy of the API is recognised by its class
 * names: `@mcpmeter/node`'s ESM build hands its ESM ProxyTracer to instrumentations
 * loaded as CJS (register() from ESM, the instrumentations then require()d), whose
 * `instanceof` checks see the CJS classes. Without this each request of such a
 * metrics-only server started a no-op span (issue 20: ~15 µs per call over HTTP).
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
  return tracer instanceof NoopTracer || tracesNothingForeign(tracer);
}

type Named = { constructor?: { name?: unknown } } | null | undefined;
const nameOf = (value: unknown): unknown =>
  typeof value === 'object' && value !== null ? (value as Named)?.constructor?.name : undefined;

/** The same question for the ProxyTracer / NoopTracer of another copy of the API. */
function tracesNothingForeign(tracer: unknown): boolean {
  const name = nameOf(tracer);
  if (name === 'NoopTracer') return true;
  if (name !== 'ProxyTracer') return false;
  const proxy = tracer as ProxyTracerInternals;
  if (proxy._delegate !== undefined) return false;
  const provider = proxy._provider as { getDelegate?: unknown } | undefined;
  if (nameOf(provider) !== 'ProxyTracerProvider' || typeof provider?.getDelegate !== 'function') {
    return false;
  }
  return nameOf((provider.getDelegate as () => unknown).call(provider)) === 'NoopTracerProvider';
}
