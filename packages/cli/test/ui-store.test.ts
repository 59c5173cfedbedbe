/*
 * The hub's store at and beyond its limits, and the arithmetic the API shows:
 * histogram_quantile, rates over counter resets, parent order under cycles.
 */
import { describe, expect, it } from 'vitest';
import { histogramQuantile } from '../src/ui/histogram.js';
import {
  decodeTraces,
  type DecodedMetric,
  type DecodedResource,
  type DecodedSpan,
} from '../src/ui/otlp-decode.js';
import {
  MAX_PROCESSES,
  MAX_SPANS,
  MAX_SPANS_PER_TRACE,
  MAX_STREAMS_PER_PROCESS,
  MAX_TRACES,
  Store,
  ratePerSec,
} from '../src/ui/store.js';
import { parentOrder, type StoredSpan } from '../src/ui/traces.js';

const resource = (id: string) => ({ 'service.name': 'svc', 'service.instance.id': id });
let seq = 0;
const span = (
  traceId: string,
  parentSpanId = '',
  extra: Partial<DecodedSpan> = {},
): DecodedSpan => ({
  traceId,
  spanId: (++seq).toString(16).padStart(16, '0'),
  parentSpanId,
  name: 'op',
  kind: 1,
  start: 1000,
  end: 1010,
  status: { code: 0, message: '' },
  attributes: {},
  ...extra,
});
const spans = (id: string, items: DecodedSpan[]): DecodedResource<DecodedSpan>[] => [
  { resource: resource(id), scopes: [{ scope: { name: 's', version: '' }, items }] },
];
const sum = (value: number, time: number, attributes = {}, delta = false): DecodedMetric => ({
  name: 'calls',
  description: '',
  unit: '1',
  kind: 'sum',
  monotonic: true,
  delta,
  points: [{ attributes, start: 0, time, value, count: 0 }],
});
const metrics = (id: string, items: DecodedMetric[]): DecodedResource<DecodedMetric>[] => [
  { resource: resource(id), scopes: [{ scope: { name: 's', version: '' }, items }] },
];

describe('store limits', () => {
  it('evicts the least recently seen process beyond MAX_PROCESSES', () => {
    const store = new Store();
    for (let i = 0; i < MAX_PROCESSES; i++) store.addMetrics(metrics(`p${i}`, []));
    store.addMetrics(metrics('p0', [])); // seen again: now the most recent
    store.addMetrics(metrics('new', []));
    expect(store.processes.size).toBe(MAX_PROCESSES);
    expect(store.processes.has('p0')).toBe(true);
    expect(store.processes.has('p1')).toBe(false);
    expect(store.dropped.processes).toBe(1);
  });

  it('keeps at most MAX_TRACES traces and MAX_SPANS spans, evicting whole traces', () => {
    const store = new Store();
    for (let t = 0; t < MAX_TRACES + 10; t++) store.addSpans(spans('p', [span(`t${t}`)]));
    expect(store.traces.byId.size).toBe(MAX_TRACES);
    expect(store.dropped.traces).toBe(10);
    expect(store.traces.byId.has('t0')).toBe(false);

    const big = new Store();
    const per = MAX_SPANS / 10;
    for (let t = 0; t < 12; t++) {
      big.addSpans(
        spans(
          'p',
          Array.from({ length: per }, () => span(`big${t}`)),
        ),
      );
    }
    expect(big.traces.spanCount).toBe(MAX_SPANS);
    expect(big.dropped).toMatchObject({ spans: 2 * per, traces: 2 });
    expect(big.processes.get('p')!.spans).toBe(12 * per);
  });

  it('caps one trace at MAX_SPANS_PER_TRACE spans', () => {
    const store = new Store();
    store.addSpans(
      spans(
        'p',
        Array.from({ length: MAX_SPANS_PER_TRACE + 5 }, () => span('one')),
      ),
    );
    expect(store.traces.byId.get('one')!.spans).toHaveLength(MAX_SPANS_PER_TRACE);
    expect(store.dropped.spans).toBe(5);
  });

  it('drops metric streams beyond MAX_STREAMS_PER_PROCESS', () => {
    const store = new Store();
    const many = Array.from({ length: MAX_STREAMS_PER_PROCESS + 3 }, (_, i) => sum(1, 1000, { i }));
    store.addMetrics(metrics('p', many));
    expect(store.processes.get('p')!.streams.size).toBe(MAX_STREAMS_PER_PROCESS);
    expect(store.dropped.streams).toBe(3);
  });

  it('adds delta points up into cumulative ones', () => {
    const store = new Store();
    store.addMetrics(metrics('p', [sum(2, 1000, {}, true)]));
    store.addMetrics(metrics('p', [sum(3, 3000, {}, true)]));
    const [stream] = store.processes.get('p')!.streams.values();
    expect(stream!.point.value).toBe(5);
  });
});

describe('rates', () => {
  it('measures the increase over the last 30 s, across a counter reset', () => {
    const store = new Store(() => 40_000);
    for (const [v, t] of [
      [10, 0],
      [20, 10_000],
      [30, 20_000],
      [5, 30_000], // reset: counts from 0
      [15, 40_000],
    ]) {
      store.addMetrics(metrics('p', [sum(v!, t!)]));
    }
    const [stream] = store.processes.get('p')!.streams.values();
    // From t=10 s to 40 s: +10, +5 (after the reset), +10 = 25 in 30 s.
    expect(ratePerSec(stream!, 40_000)).toBeCloseTo(25 / 30, 9);
    expect(ratePerSec(stream!, 80_000)).toBe(0);
  });

  it('counts a new stream from zero at its start time', () => {
    const store = new Store(() => 20_000);
    const first = sum(4, 10_000);
    first.points[0]!.start = 2_000;
    store.addMetrics(metrics('p', [first]));
    const [stream] = store.processes.get('p')!.streams.values();
    expect(ratePerSec(stream!, 20_000)).toBeCloseTo(4 / 8, 9);
    store.addMetrics(
      metrics('p', [{ ...first, points: [{ ...first.points[0]!, value: 8, time: 12_000 }] }]),
    );
    expect(ratePerSec(stream!, 20_000)).toBeCloseTo(8 / 10, 9);
  });
});

describe('histogramQuantile', () => {
  const bounds = [0.1, 0.5, 1];
  it('interpolates inside the bucket as PromQL does', () => {
    expect(histogramQuantile(0.5, bounds, [0, 4, 0, 0])).toBeCloseTo(0.3, 12);
    expect(histogramQuantile(0.25, bounds, [4, 0, 0, 0])).toBeCloseTo(0.025, 12);
    expect(histogramQuantile(0.99, bounds, [1, 0, 0, 9])).toBe(1);
    expect(histogramQuantile(0.5, bounds, [0, 0, 0, 0])).toBeNull();
    expect(histogramQuantile(0.5, undefined, [])).toBeNull();
  });
});

describe('parentOrder', () => {
  const s = (spanId: string, parentSpanId: string, start: number) =>
    ({ ...span('t', parentSpanId, { start, end: start + 1 }), spanId }) as StoredSpan;
  it('goes depth first, siblings by start; orphans and cycles become roots', () => {
    const order = parentOrder([
      s('c2', 'root', 20),
      s('root', '', 0),
      s('c1', 'root', 10),
      s('g1', 'c1', 11),
      s('orphan', 'missing', 5),
      s('x', 'y', 30),
      s('y', 'x', 31),
    ]);
    expect(order.map((o) => `${o.span.spanId}@${o.depth}`)).toEqual([
      'root@0',
      'c1@1',
      'g1@2',
      'c2@1',
      'orphan@0',
      'x@0',
      'y@1',
    ]);
  });
});

describe('timestamps', () => {
  it('turns nanoseconds past 2^53 into milliseconds without rounding a whole millisecond', () => {
    // 1796118024478 ms as a double divided by 1e6 gave 1796118024478.0002 (found in CI).
    const span = (start: string, end: string) => ({
      traceId: '6a411b711bd4130ffe6f071fdf59b475',
      spanId: 'd1c8658708c4fe1b',
      name: 's',
      kind: 2,
      startTimeUnixNano: start,
      endTimeUnixNano: end,
    });
    const body = Buffer.from(
      JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [] },
            scopeSpans: [
              {
                scope: { name: 't' },
                spans: [
                  span('1796118024478000000', '1796118025278000000'),
                  span('1796118024497999800', '1796118024498000250'),
                ],
              },
            ],
          },
        ],
      }),
    );
    const [whole, fraction] = decodeTraces(body, 'json')[0]!.scopes[0]!.items;
    expect(whole).toMatchObject({ start: 1796118024478, end: 1796118025278 });
    expect(whole!.end - whole!.start).toBe(800);
    expect(fraction!.start).toBeCloseTo(1796118024497.9998, 4);
    expect(fraction!.end - fraction!.start).toBeCloseTo(0.00045, 3);
  });
});
