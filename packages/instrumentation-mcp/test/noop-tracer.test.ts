/*
 * tracesNothing() on the ProxyTracer of another copy of @opentelemetry/api: what an
 * instrumentation loaded as CJS gets from @mcpmeter/node's ESM build (issue 20: a
 * metrics-only server otherwise started a no-op span per request).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { trace, type Tracer } from '@opentelemetry/api';
import type * as Api from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { tracesNothing } from '../src/noop-tracer.js';

/** Stand-ins named as the API's classes, as another copy of it has them. */
function foreignProxy(delegateName: string, proxyDelegate?: unknown): Tracer {
  const classes = {
    NoopTracerProvider: class {},
    BasicTracerProvider: class {},
  };
  const Delegate = classes[delegateName as keyof typeof classes];
  class ProxyTracerProvider {
    getDelegate(): unknown {
      return new Delegate();
    }
  }
  class ProxyTracer {
    _delegate = proxyDelegate;
    _provider = new ProxyTracerProvider();
  }
  return new ProxyTracer() as unknown as Tracer;
}

describe('tracesNothing across copies of the API', () => {
  it('recognises a proxy of another copy without a delegate, and its no-op tracer', () => {
    expect(tracesNothing(foreignProxy('NoopTracerProvider'))).toBe(true);
    class NoopTracer {}
    expect(tracesNothing(new NoopTracer() as unknown as Tracer)).toBe(true);
  });

  it('counts as tracing once that proxy or its provider has a real delegate', () => {
    expect(tracesNothing(foreignProxy('NoopTracerProvider', {}))).toBe(false);
    expect(tracesNothing(foreignProxy('BasicTracerProvider'))).toBe(false);
    expect(tracesNothing({} as Tracer)).toBe(false);
  });

  it('follows the CJS copy of the API as it does its own', () => {
    const cjs = createRequire(import.meta.url)('@opentelemetry/api') as typeof Api;
    expect(tracesNothing(cjs.trace.getTracer('x'))).toBe(true);
    expect(tracesNothing(trace.getTracer('x'))).toBe(true);
    const provider = new TracerProvider();
    expect(tracesNothing(provider.getTracer('x'))).toBe(false);
    cjs.trace.setGlobalTracerProvider(provider);
    try {
      expect(tracesNothing(cjs.trace.getTracer('x'))).toBe(false);
      expect(tracesNothing(trace.getTracer('x'))).toBe(false);
    } finally {
      cjs.trace.disable();
    }
  });
});
