import {
  context as apiContext,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Counter,
  type Histogram,
  type MeterProvider,
  type MetricOptions,
} from '@opentelemetry/api';
import { wrapMeterProvider, type WrappedMeterProvider } from './meter-wrapper.js';

/*
 * Exemplars: the trace behind a metric sample. Captured at record time (the SDK
 * has no exemplar support), read by the exposition (OpenMetrics `# {trace_id=…}`).
 *
 * Cost model: with no sampled span active, a record adds one span lookup and
 * returns. With one, it adds a WeakMap lookup by attribute-object identity
 * (instrumentations pass cached frozen attribute sets), a bucket search and four
 * field writes into a preallocated slot; a new attribute object falls back to a
 * content hash once.
 */

/** One exemplar; slots are reused, so copy the fields if you keep them. */
export interface Exemplar {
  traceId: string;
  spanId: string;
  value: number;
  /** Unix epoch milliseconds. */
  timeMs: number;
}

/** OTel's default explicit-bucket boundaries, used when an instrument gives no advice. */
const SDK_DEFAULT_BOUNDARIES: readonly number[] = [
  0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000,
];
const EMPTY: Attributes = Object.freeze({});

/** The exemplar slots of one attribute set: one per bucket (histograms) or one (counters). */
export type ExemplarSlots = readonly (Exemplar | undefined)[];

/** Exemplars of one instrument, by attribute set. */
export class InstrumentExemplars {
  private readonly byObject = new WeakMap<Attributes, (Exemplar | undefined)[]>();
  private readonly byHash = new Map<string, (Exemplar | undefined)[]>();
  private readonly slotCount: number;

  constructor(
    /** Upper bounds used to spread exemplars over slots; undefined for counters. */
    readonly boundaries: readonly number[] | undefined,
    private readonly maxSeries: number,
  ) {
    this.slotCount = boundaries === undefined ? 1 : boundaries.length + 1;
  }

  /** Keeps (value, span) as the latest exemplar of its bucket when `ctx` holds a sampled span. */
  offer(value: number, attributes: Attributes | undefined, ctx: Context | undefined): void {
    const span = trace.getSpan(ctx ?? apiContext.active());
    if (span === undefined) return;
    const sc = span.spanContext();
    if ((sc.traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.put(value, attributes ?? EMPTY, sc.traceId, sc.spanId, Date.now());
  }

  /** Stores an exemplar for `attributes` (no span check). */
  put(
    value: number,
    attributes: Attributes,
    traceId: string,
    spanId: string,
    timeMs: number,
  ): void {
    if (value !== value) return; // NaN belongs to no bucket
    const slots = this.byObject.get(attributes) ?? this.seriesByHash(attributes, true);
    if (slots === undefined) return;
    let i = 0;
    const b = this.boundaries;
    if (b !== undefined) {
      const n = b.length;
      while (i < n && value > (b[i] as number)) i++;
    }
    const slot = slots[i];
    if (slot === undefined) {
      slots[i] = { traceId, spanId, value, timeMs };
    } else {
      slot.traceId = traceId;
      slot.spanId = spanId;
      slot.value = value;
      slot.timeMs = timeMs;
    }
  }

  /** The slots of an attribute set (by identity, then by content), or undefined. */
  get(attributes: Attributes): ExemplarSlots | undefined {
    return this.byObject.get(attributes) ?? this.seriesByHash(attributes, false);
  }

  /** Number of attribute sets holding exemplars. */
  get size(): number {
    return this.byHash.size;
  }

  private seriesByHash(
    attributes: Attributes,
    create: boolean,
  ): (Exemplar | undefined)[] | undefined {
    const key = hashAttributes(attributes);
    let slots = this.byHash.get(key);
    if (slots === undefined) {
      if (!create || this.byHash.size >= this.maxSeries) return undefined;
      slots = new Array<Exemplar | undefined>(this.slotCount).fill(undefined);
      this.byHash.set(key, slots);
    }
    if (create) this.byObject.set(attributes, slots);
    return slots;
  }
}

/** A content key for an attribute set, independent of key order. */
export function hashAttributes(attributes: Attributes): string {
  const keys = Object.keys(attributes);
  if (keys.length === 0) return '';
  keys.sort();
  // Built as parts and joined: the key is kept (a Map key per series), and `+=`
  // would keep it as a tree of ~16 concatenation nodes, ~1 KB per series at
  // 10,000 series instead of one flat ~100-byte string (issue 20).
  const parts: string[] = [];
  for (const k of keys)
    parts.push(JSON.stringify(k) + ':' + JSON.stringify(attributes[k] ?? null) + ',');
  return parts.join('');
}

export interface ExemplarStoreOptions {
  /** Attribute sets per instrument that may hold exemplars; further sets get none. @default 2000 */
  maxSeriesPerInstrument?: number;
}

/**
 * Holds the latest exemplars of every wrapped instrument. One store is shared by
 * the capture side (`withExemplars`) and the exposition (`PrometheusReader`'s
 * `exemplars` option).
 */
export class ExemplarStore {
  private readonly instruments = new Map<string, InstrumentExemplars>();
  private readonly maxSeries: number;

  constructor(options: ExemplarStoreOptions = {}) {
    this.maxSeries = Math.max(1, options.maxSeriesPerInstrument ?? 2000);
  }

  /** Gets or creates the exemplars of an instrument (`boundaries` undefined for counters). */
  instrument(
    scopeName: string,
    scopeVersion: string | undefined,
    name: string,
    boundaries?: readonly number[],
  ): InstrumentExemplars {
    const key = instrumentKey(scopeName, scopeVersion, name);
    let found = this.instruments.get(key);
    if (found === undefined) {
      found = new InstrumentExemplars(boundaries, this.maxSeries);
      this.instruments.set(key, found);
    }
    return found;
  }

  /** The exemplars of an instrument, as the exposition looks them up from collected data. */
  find(
    scopeName: string,
    scopeVersion: string | undefined,
    name: string,
  ): InstrumentExemplars | undefined {
    return this.instruments.get(instrumentKey(scopeName, scopeVersion, name));
  }
}

function instrumentKey(scopeName: string, scopeVersion: string | undefined, name: string): string {
  return `${scopeName}\u0000${scopeVersion ?? ''}\u0000${name.toLowerCase()}`;
}

class ExemplarHistogram implements Histogram {
  constructor(
    private readonly inner: Histogram,
    private readonly ex: InstrumentExemplars,
  ) {}
  record(value: number, attributes?: Attributes, ctx?: Context): void {
    this.inner.record(value, attributes, ctx);
    this.ex.offer(value, attributes, ctx);
  }
}

class ExemplarCounter implements Counter {
  constructor(
    private readonly inner: Counter,
    private readonly ex: InstrumentExemplars,
  ) {}
  add(value: number, attributes?: Attributes, ctx?: Context): void {
    this.inner.add(value, attributes, ctx);
    this.ex.offer(value, attributes, ctx);
  }
}

/** A MeterProvider that captures exemplars; `forceFlush` / `shutdown` reach the wrapped provider. */
export type ExemplarMeterProvider = WrappedMeterProvider;

/**
 * A MeterProvider whose histograms and counters also keep exemplars in `store`
 * when recorded inside a sampled span. Everything else is delegated to
 * `meterProvider`; keep the original for views and readers.
 *
 * @example
 * const store = new ExemplarStore();
 * const reader = new PrometheusReader({ exemplars: store });
 * metrics.setGlobalMeterProvider(withExemplars(new MeterProvider({ readers: [reader] }), store));
 */
export function withExemplars(
  meterProvider: MeterProvider,
  store: ExemplarStore,
): ExemplarMeterProvider {
  return wrapMeterProvider(meterProvider, (inner, scope) => ({
    createHistogram: (name: string, options?: MetricOptions) =>
      new ExemplarHistogram(
        inner.createHistogram(name, options),
        store.instrument(
          scope.name,
          scope.version,
          name,
          options?.advice?.explicitBucketBoundaries ?? SDK_DEFAULT_BOUNDARIES,
        ),
      ),
    createCounter: (name: string, options?: MetricOptions) =>
      new ExemplarCounter(
        inner.createCounter(name, options),
        store.instrument(scope.name, scope.version, name),
      ),
  }));
}
