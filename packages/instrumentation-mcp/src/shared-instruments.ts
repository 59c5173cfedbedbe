import type { Meter, ObservableResult } from '@opentelemetry/api';
import { AttributeSetCache, mcpDurationHistogram, semconv } from '@mcpmeter/core';
import type { ActiveCount } from './series.js';

/**
 * One set of instruments per Meter, kept under `Symbol.for(key)` so that every
 * copy of this package in the process (ESM and CJS builds, two installs) with
 * the same instruments shape shares them. Bump the key's version suffix when
 * the shape changes, so two versions side by side never call each other's methods.
 */
export function instrumentsFor<T>(key: string, meter: Meter, create: (meter: Meter) => T): T {
  const symbol = Symbol.for(key);
  const g = globalThis as typeof globalThis & { [k: symbol]: WeakMap<Meter, T> | undefined };
  const all = (g[symbol] ??= new WeakMap<Meter, T>());
  let instruments = all.get(meter);
  if (instruments === undefined) {
    instruments = create(meter);
    all.set(meter, instruments);
  }
  return instruments;
}

/** An MCP duration histogram in seconds with the semconv bucket boundaries as advice. */
export const durationHistogram = mcpDurationHistogram;

/**
 * Requests in flight per (bounded) method, as plain integers that an observable
 * up-down counter reports at collection time: a request does `n++` and `n--` on
 * its count, which costs no SDK call on the hot path (two `add`s would).
 */
export class ActiveRequests {
  private readonly counts = new Map<string, ActiveCount>();
  private readonly attrs = new AttributeSetCache([semconv.ATTR_MCP_METHOD_NAME]);

  constructor(meter: Meter, name: string, description: string) {
    meter
      .createObservableUpDownCounter(name, { description, unit: '{request}' })
      .addCallback((result: ObservableResult) => {
        for (const [method, count] of this.counts) result.observe(count.n, this.attrs.get(method));
      });
  }

  /** The in-flight count of `method` (already bounded). */
  count(method: string): ActiveCount {
    let count = this.counts.get(method);
    if (count === undefined) {
      count = { n: 0 };
      this.counts.set(method, count);
    }
    return count;
  }
}
