import { context, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { DataPointType, MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestMetricReader } from '../../../test-utils/otel.js';
import { ExemplarStore, hashAttributes, withExemplars } from '../src/index.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

function spanCtx(sampled: boolean, traceId = TRACE, spanId = SPAN): Context {
  return trace.setSpanContext(context.active(), {
    traceId,
    spanId,
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
  });
}

describe('ExemplarStore', () => {
  it('keeps the latest exemplar per bucket of a histogram series', () => {
    const store = new ExemplarStore();
    const ex = store.instrument('scope', '1.0', 'h', [0.1, 1]);
    const attrs = Object.freeze({ m: 'tools/call' });
    ex.put(0.05, attrs, 'a'.repeat(32), '1'.repeat(16), 1000);
    ex.put(0.07, attrs, 'b'.repeat(32), '2'.repeat(16), 2000);
    ex.put(5, attrs, 'c'.repeat(32), '3'.repeat(16), 3000);
    const slots = ex.get(attrs)!;
    expect(slots).toHaveLength(3);
    expect(slots[0]).toEqual({
      traceId: 'b'.repeat(32),
      spanId: '2'.repeat(16),
      value: 0.07,
      timeMs: 2000,
    });
    expect(slots[1]).toBeUndefined();
    expect(slots[2]?.value).toBe(5);
  });

  it('finds a series by content when the attribute object differs', () => {
    const store = new ExemplarStore();
    const ex = store.instrument('scope', undefined, 'c');
    ex.put(1, { b: 2, a: 'x' }, TRACE, SPAN, 1);
    expect(ex.get({ a: 'x', b: 2 })?.[0]?.traceId).toBe(TRACE);
    expect(ex.get({ a: 'y', b: 2 })).toBeUndefined();
    expect(hashAttributes({ a: 1, b: 'x' })).toBe(hashAttributes({ b: 'x', a: 1 }));
    expect(hashAttributes({ a: '1' })).not.toBe(hashAttributes({ a: 1 }));
  });

  it('bounds the attribute sets per instrument and ignores NaN', () => {
    const store = new ExemplarStore({ maxSeriesPerInstrument: 3 });
    const ex = store.instrument('scope', undefined, 'c');
    for (let i = 0; i < 10; i++) ex.put(1, { i }, TRACE, SPAN, i);
    expect(ex.size).toBe(3);
    expect(ex.get({ i: 9 })).toBeUndefined();
    ex.put(NaN, { i: 0 }, 'f'.repeat(32), SPAN, 99);
    expect(ex.get({ i: 0 })?.[0]?.traceId).toBe(TRACE);
  });

  it('looks instruments up case-insensitively by scope, version and name', () => {
    const store = new ExemplarStore();
    const a = store.instrument('s', '1', 'My.Counter');
    expect(store.find('s', '1', 'my.counter')).toBe(a);
    expect(store.find('s', '2', 'my.counter')).toBeUndefined();
    expect(store.instrument('s', '1', 'my.counter')).toBe(a);
  });
});

describe('withExemplars', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => context.disable());

  it('captures from the active sampled span, skips unsampled ones and delegates every instrument', async () => {
    const reader = new TestMetricReader();
    const sdk = new MeterProvider({ readers: [reader] });
    const store = new ExemplarStore();
    const provider = withExemplars(sdk, store);
    const meter = provider.getMeter('test-scope', '2.0');
    expect(provider.getMeter('test-scope', '2.0')).toBe(meter);

    const h = meter.createHistogram('op.duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: [0.1, 1] },
    });
    const c = meter.createCounter('op.count');
    const attrs = Object.freeze({ 'mcp.method.name': 'tools/call' });

    context.with(spanCtx(false), () => {
      h.record(0.5, attrs);
      c.add(1, attrs);
    });
    expect(store.find('test-scope', '2.0', 'op.duration')?.get(attrs)).toBeUndefined();

    context.with(spanCtx(true), () => {
      h.record(0.5, attrs);
      c.add(2, attrs);
    });
    // an explicit context argument wins over the active one
    h.record(3, attrs, spanCtx(true, 'e'.repeat(32), 'd'.repeat(16)));
    h.record(0.05, attrs); // no span at all

    const hs = store.find('test-scope', '2.0', 'op.duration')!.get(attrs)!;
    expect(hs[0]).toBeUndefined();
    expect(hs[1]).toMatchObject({ traceId: TRACE, spanId: SPAN, value: 0.5 });
    expect(hs[2]).toMatchObject({ traceId: 'e'.repeat(32), value: 3 });
    expect(store.find('test-scope', '2.0', 'op.count')!.get(attrs)![0]).toMatchObject({ value: 2 });

    meter.createUpDownCounter('active').add(1);
    meter.createGauge('g').record(7);
    meter.createObservableGauge('og').addCallback((r) => r.observe(3));

    const { resourceMetrics } = await reader.collect();
    const byName = new Map(
      resourceMetrics.scopeMetrics[0]!.metrics.map((m) => [m.descriptor.name, m]),
    );
    const hist = byName.get('op.duration')!;
    expect(hist.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect((hist.dataPoints[0]!.value as { count: number }).count).toBe(4);
    expect(byName.get('op.count')!.dataPoints[0]!.value).toBe(3);
    expect(byName.get('active')!.dataPoints[0]!.value).toBe(1);
    expect(byName.get('g')!.dataPoints[0]!.value).toBe(7);
    expect(byName.get('og')!.dataPoints[0]!.value).toBe(3);
    await provider.shutdown();
  });
});
