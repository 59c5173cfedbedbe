import {
  ValueType,
  type Attributes,
  type Context,
  type HrTime,
  type Histogram,
  type MeterProvider,
  type MetricOptions,
} from '@opentelemetry/api';
import {
  hashAttributes,
  warnOnce,
  wrapMeterProvider,
  type ExemplarStore,
  type InstrumentExemplars,
  type MeterScope,
  type WrappedMeterProvider,
} from '@mcpmeter/core';
import { hrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  InstrumentType,
  type CollectionResult,
  type DataPoint,
  type Histogram as HistogramValue,
  type HistogramMetricData,
  type MetricProducer,
  type ScopeMetrics,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import { scopeKey } from './scope-merge.js';

/*
 * Histograms aggregated by mcpmeter itself instead of the SDK, for the few
 * instruments recorded on every request (issue 4: count every SDK call on the
 * hot path). The SDK's `Histogram.record` re-hashes the attribute set on every
 * call (sorted keys, JSON.stringify, a string-keyed map lookup): 1.4 µs in a
 * tight loop here and several µs inside a real request. Instrumentations
 * record with cached frozen attribute objects, so a series is found by object
 * identity; the data reaches every reader through a `MetricProducer`, next to
 * the SDK's own, in the same `HistogramMetricData` shape.
 *
 * What the SDK would apply is applied here: explicit bucket boundaries, the
 * cardinality limit with an `otel.metric.overflow` series, cumulative or delta
 * temporality per reader, exemplars (through the same `ExemplarStore`). A
 * user view that could select an instrument sends that instrument back to the
 * SDK, so views keep their meaning.
 */

/** A histogram mcpmeter aggregates itself, and its bucket boundaries. */
export interface FastHistogramSpec {
  name: string;
  boundaries: readonly number[];
}

export interface FastHistogramsOptions {
  /** The instruments (by name, in any meter) aggregated here. */
  histograms: readonly FastHistogramSpec[];
  /** Most attribute sets per instrument, the overflow series included (as the SDK's `aggregationCardinalityLimit`). */
  cardinalityLimit: number;
  /** The user's views: an instrument any of them could select is left to the SDK. */
  views?: readonly ViewOptions[];
  /** Capture exemplars into this store (the exposition reads them). */
  exemplars?: ExemplarStore;
}

/** A MeterProvider whose listed histograms are aggregated by mcpmeter; `forceFlush` / `shutdown` reach the wrapped one. */
export type FastMeterProvider = WrappedMeterProvider;

const EMPTY: Attributes = Object.freeze({});
const OVERFLOW: Attributes = Object.freeze({ 'otel.metric.overflow': true });
/** The interval min/max of a series when there are no delta readers (never written). */
const NO_SLOTS = Object.freeze([]) as unknown as number[];

/** How many delta readers there are: each keeps its own interval min/max in every series. */
interface DeltaSlots {
  n: number;
}

/** One attribute set's cumulative state, and its min/max since each delta reader's last collection. */
class Series {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  readonly counts: number[];
  /**
   * By delta reader slot; the shared empty NO_SLOTS (nothing to update per
   * record, and two arrays fewer per series) without delta readers.
   */
  intervalMin: number[];
  intervalMax: number[];

  constructor(
    readonly attributes: Attributes,
    readonly startTime: HrTime,
    buckets: number,
    deltaSlots: number,
  ) {
    this.counts = new Array<number>(buckets).fill(0);
    this.intervalMin = deltaSlots === 0 ? NO_SLOTS : new Array<number>(deltaSlots).fill(Infinity);
    this.intervalMax = deltaSlots === 0 ? NO_SLOTS : new Array<number>(deltaSlots).fill(-Infinity);
  }
}

class FastHistogram implements Histogram {
  /** Frozen attribute objects seen before → their series. */
  private readonly byObject = new WeakMap<Attributes, Series>();
  private readonly byHash = new Map<string, Series>();
  private overflow: Series | undefined;
  /**
   * The boundaries every data point carries: one array per instrument, as the
   * SDK's histogram aggregator shares one (a copy per point and collection was
   * ~120 B of garbage per series per scrape, and defeated the exposition's
   * `le` text cache, keyed by the array).
   */
  readonly pointBoundaries: number[];

  constructor(
    readonly scope: MeterScope,
    readonly name: string,
    readonly description: string,
    readonly unit: string,
    readonly valueType: ValueType,
    readonly boundaries: readonly number[],
    private readonly limit: number,
    private readonly exemplars: InstrumentExemplars | undefined,
    private readonly deltaSlots: DeltaSlots,
  ) {
    this.pointBoundaries = [...boundaries];
  }

  record(value: number, attributes?: Attributes, ctx?: Context): void {
    // Negative, NaN and non-number values are dropped, as the SDK drops negatives.
    if (!(value >= 0)) {
      warnOnce(
        `fast-histogram-value:${this.name}`,
        `mcpmeter: ${this.name} got a value that is not a non-negative number (${String(value)}); dropped.`,
      );
      return;
    }
    const attrs = attributes ?? EMPTY;
    const series = this.byObject.get(attrs) ?? this.seriesOf(attrs);
    const b = this.boundaries;
    const n = b.length;
    let i = 0;
    while (i < n && value > (b[i] as number)) i++;
    (series.counts[i] as number)++;
    series.count++;
    series.sum += value;
    if (value < series.min) series.min = value;
    if (value > series.max) series.max = value;
    const mins = series.intervalMin;
    for (let k = 0; k < mins.length; k++) {
      if (value < (mins[k] as number)) mins[k] = value;
      if (value > (series.intervalMax[k] as number)) series.intervalMax[k] = value;
    }
    if (this.exemplars !== undefined) this.exemplars.offer(value, attrs, ctx);
  }

  /** Every series, the overflow series last. */
  *allSeries(): IterableIterator<Series> {
    yield* this.byHash.values();
    if (this.overflow !== undefined) yield this.overflow;
  }

  private seriesOf(attrs: Attributes): Series {
    const key = hashAttributes(attrs);
    let series = this.byHash.get(key);
    if (series === undefined) {
      if (this.byHash.size >= this.limit - 1) {
        // Not cached by identity: the overflow series is the slow path by design.
        return (this.overflow ??= new Series(
          OVERFLOW,
          hrTime(),
          this.boundaries.length + 1,
          this.deltaSlots.n,
        ));
      }
      series = new Series(
        // A frozen object cannot change: kept as it is (instrumentations pass
        // cached frozen sets), so a series costs no copy of its attributes.
        Object.isFrozen(attrs) ? attrs : Object.freeze({ ...attrs }),
        hrTime(),
        this.boundaries.length + 1,
        this.deltaSlots.n,
      );
      this.byHash.set(key, series);
    }
    // Only a frozen object is sure to hold the same attributes next time.
    if (Object.isFrozen(attrs)) this.byObject.set(attrs, series);
    return series;
  }
}

/** What a delta reader reported last for one series. */
interface Reported {
  count: number;
  sum: number;
  counts: number[];
  time: HrTime;
}

class FastHistogramProducer implements MetricProducer {
  private readonly reported = new WeakMap<Series, Reported>();

  constructor(
    private readonly hub: FastHistograms,
    private readonly temporality: AggregationTemporality,
    /** This reader's interval min/max slot in every series (delta readers only). */
    private readonly slot: number,
  ) {}

  collect(): Promise<CollectionResult> {
    const now = hrTime();
    const delta = this.temporality === AggregationTemporality.DELTA;
    const scopes = new Map<string, ScopeMetrics>();
    for (const h of this.hub.instruments()) {
      const dataPoints: DataPoint<HistogramValue>[] = [];
      for (const s of h.allSeries()) {
        const point = delta ? this.deltaPoint(h, s, now) : cumulativePoint(h, s, now);
        if (point !== undefined) dataPoints.push(point);
      }
      if (dataPoints.length === 0) continue;
      const key = scopeKey(h.scope);
      let scope = scopes.get(key);
      if (scope === undefined) {
        scope = { scope: h.scope, metrics: [] };
        scopes.set(key, scope);
      }
      const metric: HistogramMetricData = {
        descriptor: {
          name: h.name,
          description: h.description,
          unit: h.unit,
          valueType: h.valueType,
        },
        aggregationTemporality: this.temporality,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints,
      };
      scope.metrics.push(metric);
    }
    return Promise.resolve({
      // The reader keeps the SDK's resource and ignores this one.
      resourceMetrics: { resource: emptyResource(), scopeMetrics: [...scopes.values()] },
      errors: [],
    });
  }

  /**
   * The change since this reader's last collection, with the interval's min
   * and max (unknown, so left out, for an interval that began before this
   * reader existed).
   */
  private deltaPoint(
    h: FastHistogram,
    s: Series,
    now: HrTime,
  ): DataPoint<HistogramValue> | undefined {
    const last = this.reported.get(s);
    const count = s.count - (last?.count ?? 0);
    let min: number | undefined;
    let max: number | undefined;
    const k = this.slot;
    if (k < s.intervalMin.length) {
      min = s.intervalMin[k];
      max = s.intervalMax[k];
      s.intervalMin[k] = Infinity;
      s.intervalMax[k] = -Infinity;
    } else {
      // A series older than this reader: tracked from now on.
      if (s.intervalMin === NO_SLOTS) {
        s.intervalMin = [];
        s.intervalMax = [];
      }
      while (s.intervalMin.length <= k) {
        s.intervalMin.push(Infinity);
        s.intervalMax.push(-Infinity);
      }
    }
    if (count === 0) return undefined;
    const counts = s.counts.map((c, i) => c - (last?.counts[i] ?? 0));
    const sum = s.sum - (last?.sum ?? 0);
    const startTime = last?.time ?? s.startTime;
    this.reported.set(s, { count: s.count, sum: s.sum, counts: [...s.counts], time: now });
    return {
      attributes: s.attributes,
      startTime,
      endTime: now,
      value: {
        buckets: { boundaries: h.pointBoundaries, counts },
        count,
        sum,
        ...(min !== undefined && Number.isFinite(min) ? { min, max } : {}),
      },
    };
  }
}

function cumulativePoint(h: FastHistogram, s: Series, now: HrTime): DataPoint<HistogramValue> {
  return {
    attributes: s.attributes,
    startTime: s.startTime,
    endTime: now,
    value: {
      buckets: { boundaries: h.pointBoundaries, counts: [...s.counts] },
      count: s.count,
      sum: s.sum,
      min: s.min,
      max: s.max,
    },
  };
}

/**
 * The histograms mcpmeter aggregates itself. `wrap(meterProvider)` hands them
 * out from `createHistogram` (every other instrument comes from the provider);
 * `producer()` feeds them to one reader, through the reader's `metricProducers`.
 *
 * @example
 * const fast = new FastHistograms({ histograms: [{ name: 'mcp.server.operation.duration', boundaries }], cardinalityLimit: 2000 });
 * const reader = new PrometheusReader({ metricProducers: [fast.producer()] });
 * const meterProvider = fast.wrap(new MeterProvider({ readers: [reader] }));
 */
export class FastHistograms {
  private readonly specs = new Map<string, readonly number[]>();
  private readonly byKey = new Map<string, FastHistogram>();
  private readonly limit: number;
  private readonly views: readonly ViewOptions[];
  private readonly exemplars: ExemplarStore | undefined;
  private readonly deltaSlots: DeltaSlots = { n: 0 };

  constructor(options: FastHistogramsOptions) {
    for (const h of options.histograms) this.specs.set(h.name.toLowerCase(), [...h.boundaries]);
    this.limit = Math.max(1, Math.floor(options.cardinalityLimit));
    this.views = options.views ?? [];
    this.exemplars = options.exemplars;
  }

  /** A producer for one reader; `temporality` is that reader's choice for histograms. */
  producer(
    temporality: AggregationTemporality = AggregationTemporality.CUMULATIVE,
  ): MetricProducer {
    const slot =
      temporality === AggregationTemporality.DELTA ? this.deltaSlots.n++ : Number.MAX_SAFE_INTEGER;
    return new FastHistogramProducer(this, temporality, slot);
  }

  /** `meterProvider`, except that the histograms named in the options come from here. */
  wrap(meterProvider: MeterProvider): FastMeterProvider {
    return wrapMeterProvider(meterProvider, (inner, scope) => ({
      createHistogram: (name: string, options?: MetricOptions) =>
        this.histogram(scope, name, options) ?? inner.createHistogram(name, options),
    }));
  }

  /** @internal */
  instruments(): IterableIterator<FastHistogram> {
    return this.byKey.values();
  }

  private histogram(
    scope: MeterScope,
    name: string,
    options: MetricOptions | undefined,
  ): FastHistogram | undefined {
    const boundaries = this.specs.get(name.toLowerCase());
    if (boundaries === undefined) return undefined;
    if (this.views.some((v) => viewMaySelect(v, scope, name, options?.unit ?? '')))
      return undefined;
    const key = `${scopeKey(scope)}\u0000${name.toLowerCase()}`;
    let h = this.byKey.get(key);
    if (h === undefined) {
      h = new FastHistogram(
        scope,
        name,
        options?.description ?? '',
        options?.unit ?? '',
        options?.valueType ?? ValueType.DOUBLE,
        boundaries,
        this.limit,
        this.exemplars?.instrument(scope.name, scope.version, name, boundaries),
        this.deltaSlots,
      );
      this.byKey.set(key, h);
    }
    return h;
  }
}

/**
 * Whether `view` could select this histogram. Conservative: a criterion the
 * view leaves out matches anything, and name patterns match case-insensitively.
 */
function viewMaySelect(view: ViewOptions, scope: MeterScope, name: string, unit: string): boolean {
  if (view.instrumentType !== undefined && view.instrumentType !== InstrumentType.HISTOGRAM) {
    return false;
  }
  if (view.instrumentName !== undefined && !wildcard(view.instrumentName).test(name)) return false;
  if (view.instrumentUnit !== undefined && view.instrumentUnit !== unit) return false;
  if (view.meterName !== undefined && view.meterName !== scope.name) return false;
  if (view.meterVersion !== undefined && view.meterVersion !== scope.version) return false;
  if (view.meterSchemaUrl !== undefined && view.meterSchemaUrl !== scope.schemaUrl) return false;
  return true;
}

function wildcard(pattern: string): RegExp {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()|[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'i');
}
