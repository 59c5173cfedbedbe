import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, context, propagation, trace } from '@opentelemetry/api';
import { setupTelemetry, type TestTelemetry } from '../../../test-utils/otel.js';
import { injectMeta, serverParent } from '../src/meta.js';

let tel: TestTelemetry;
beforeAll(() => {
  tel = setupTelemetry();
});
afterAll(() => tel.shutdown());

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const ctx = trace.setSpanContext(
  propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ k: { value: 'v' } })),
  { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 },
);

describe('injectMeta', () => {
  it('adds traceparent and baggage to a copy, keeping the caller keys', () => {
    const request = { method: 'tools/call', params: { name: 't', _meta: { baggage: 'mine' } } };
    const out = injectMeta(request, ctx);
    expect(out).not.toBe(request);
    expect(request.params._meta).toEqual({ baggage: 'mine' });
    expect(out.params).toEqual({
      name: 't',
      _meta: { baggage: 'mine', traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` },
    });
  });

  it('creates params for a request without them', () => {
    expect((injectMeta({ method: 'ping' }, ctx) as { params?: unknown }).params).toEqual({
      _meta: { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, baggage: 'k=v' },
    });
  });

  it('leaves alone what it must not touch', () => {
    for (const request of [
      { method: 'x/custom', params: {} },
      { method: 'tools/call', params: [1, 2] },
      { method: 'tools/call', params: 'str' },
      { method: 'tools/call', params: { _meta: 'str' } },
      { method: 'tools/call', params: { _meta: [1] } },
      { method: 42 },
    ]) {
      expect(injectMeta(request as never, ctx)).toBe(request);
    }
    // nothing to propagate
    const plain = { method: 'tools/call', params: {} };
    expect(injectMeta(plain, ROOT_CONTEXT)).toBe(plain);
  });
});

describe('serverParent', () => {
  it('falls back to the active context for any unusable _meta', () => {
    const active = context.active();
    for (const meta of [
      'str',
      [`00-${TRACE_ID}-${SPAN_ID}-01`],
      null,
      7,
      { traceparent: 'garbage' },
      { traceparent: 42, baggage: { a: 1 } },
      { traceparent: `00-${'a'.repeat(100_000)}` },
    ]) {
      const { parent, links } = serverParent({ _meta: meta }, active);
      expect(trace.getSpanContext(parent)).toBeUndefined();
      expect(links).toBeUndefined();
    }
  });

  it('keeps a valid traceparent and drops an oversized tracestate', () => {
    const { parent } = serverParent(
      {
        _meta: {
          traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`,
          tracestate: `k=${'x'.repeat(100_000)}`,
        },
      },
      ROOT_CONTEXT,
    );
    const sc = trace.getSpanContext(parent)!;
    expect(sc.traceId).toBe(TRACE_ID);
    expect(sc.traceState?.serialize() ?? '').toBe('');
  });
});
