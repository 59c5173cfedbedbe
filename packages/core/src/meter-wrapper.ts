import type { Meter, MeterOptions, MeterProvider } from '@opentelemetry/api';

/** The instrumentation scope a meter was asked for. */
export interface MeterScope {
  name: string;
  version?: string;
  schemaUrl?: string;
}

/** A wrapping MeterProvider; `forceFlush` / `shutdown` reach the wrapped provider. */
export interface WrappedMeterProvider extends MeterProvider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The instrument factories a wrapper replaces; the rest are delegated. */
export type MeterOverrides = Partial<Pick<Meter, 'createHistogram' | 'createCounter'>>;

type Flushable = MeterProvider & {
  forceFlush?: () => Promise<void>;
  shutdown?: () => Promise<void>;
};

/**
 * `meterProvider` with some instrument factories replaced: `overrides` is
 * called once per scope (meters are cached by name, version and schema URL)
 * with the wrapped provider's meter; everything it leaves out is delegated.
 */
export function wrapMeterProvider(
  meterProvider: MeterProvider,
  overrides: (inner: Meter, scope: MeterScope) => MeterOverrides,
): WrappedMeterProvider {
  const inner = meterProvider as Flushable;
  const meters = new Map<string, Meter>();
  return {
    getMeter(name: string, version?: string, options?: MeterOptions): Meter {
      const key = `${name}\u0000${version ?? ''}\u0000${options?.schemaUrl ?? ''}`;
      let meter = meters.get(key);
      if (meter === undefined) {
        const m = inner.getMeter(name, version, options);
        meter = delegatingMeter(m, overrides(m, { name, version, schemaUrl: options?.schemaUrl }));
        meters.set(key, meter);
      }
      return meter;
    },
    forceFlush: () => (inner.forceFlush ? inner.forceFlush() : Promise.resolve()),
    shutdown: () => (inner.shutdown ? inner.shutdown() : Promise.resolve()),
  };
}

function delegatingMeter(inner: Meter, o: MeterOverrides): Meter {
  // Explicit delegation (no prototype tricks: SDK classes may use private fields).
  return {
    createHistogram: o.createHistogram ?? ((name, options) => inner.createHistogram(name, options)),
    createCounter: o.createCounter ?? ((name, options) => inner.createCounter(name, options)),
    createGauge: (name, options) => inner.createGauge(name, options),
    createUpDownCounter: (name, options) => inner.createUpDownCounter(name, options),
    createObservableGauge: (name, options) => inner.createObservableGauge(name, options),
    createObservableCounter: (name, options) => inner.createObservableCounter(name, options),
    createObservableUpDownCounter: (name, options) =>
      inner.createObservableUpDownCounter(name, options),
    addBatchObservableCallback: (cb, observables) =>
      inner.addBatchObservableCallback(cb, observables),
    removeBatchObservableCallback: (cb, observables) =>
      inner.removeBatchObservableCallback(cb, observables),
  };
}
