import type {
  Attributes,
  Meter,
  ObservableResult,
  ObservableUpDownCounter,
} from '@opentelemetry/api';
import { hashAttributes, warnOnce } from '@mcpmeter/core';
import { METRIC_GEN_AI_CLIENT_ACTIVE_REQUESTS } from './semconv.js';

/** What `add` needs of an up-down counter: {@link ObservedSums} or an SDK UpDownCounter. */
export interface Sums {
  add(value: number, attributes: Attributes): void;
}

/** Most attribute sets one observed sum keeps (the caches behind them are bounded too). */
const MAX_SUM_SERIES = 10_000;

/**
 * The running sums of an up-down counter added to twice on every call
 * (`gen_ai.client.active_requests`), kept here and reported through an
 * observable instrument at collection: the SDK's `UpDownCounter.add` hashes
 * the attribute set on every call (sorted keys, JSON.stringify, a string-keyed
 * lookup). The cost counter stays an SDK Counter, for its exemplars.
 * Attribute sets come from AttributeSetCaches (frozen, one object per
 * combination), so a series is found by identity; another object with the
 * same attributes (another client's cache) finds the same series by value.
 * The values reported are what the SDK's counter would hold; a delta reader
 * gets differences from the SDK as for any observable instrument. One per
 * meter, shared by every LlmTelemetry and every copy of this package (ESM and
 * CJS): two observable instruments of one name would overwrite each other's
 * points.
 */
export class ObservedSums implements Sums {
  private readonly byObject = new WeakMap<Attributes, { value: number }>();
  private readonly byValue = new Map<string, { attributes: Attributes; value: number }>();

  add(value: number, attributes: Attributes): void {
    const s = this.byObject.get(attributes) ?? this.seriesOf(attributes);
    if (s !== undefined) s.value += value;
  }

  private seriesOf(attributes: Attributes): { value: number } | undefined {
    const key = hashAttributes(attributes);
    let s = this.byValue.get(key);
    if (s === undefined) {
      if (this.byValue.size >= MAX_SUM_SERIES) {
        warnOnce(
          'instrumentation-llm:observed-sums-full',
          `mcpmeter: gen_ai.client.active_requests keeps ${MAX_SUM_SERIES} attribute sets at most and leaves calls of further ones out; ` +
            'lower maxModels or list the models (the models option) so fewer combinations reach it',
        );
        return undefined;
      }
      s = { attributes: Object.freeze({ ...attributes }), value: 0 };
      this.byValue.set(key, s);
    }
    if (Object.isFrozen(attributes)) this.byObject.set(attributes, s);
    return s;
  }

  observe(result: ObservableResult): void {
    for (const s of this.byValue.values()) result.observe(s.value, s.attributes);
  }
}

interface SharedSums {
  active: Sums;
}
const SHARED_SUMS = Symbol.for('mcpmeter.instrumentation-llm.observed-sums');
type SumsRegistry = WeakMap<Meter, SharedSums>;

/** The observed sums of `meter`, made (and their instruments registered) on first use. */
export function sharedSums(meter: Meter): SharedSums {
  const g = globalThis as { [SHARED_SUMS]?: SumsRegistry };
  const registry = (g[SHARED_SUMS] ??= new WeakMap());
  let sums = registry.get(meter);
  if (sums === undefined) {
    sums = {
      active: observed(
        meter.createObservableUpDownCounter(METRIC_GEN_AI_CLIENT_ACTIVE_REQUESTS, {
          description: 'GenAI requests in flight (not in semconv).',
          unit: '{request}',
        }),
      ),
    };
    registry.set(meter, sums);
  }
  return sums;
}

function observed(instrument: ObservableUpDownCounter): ObservedSums {
  const sums = new ObservedSums();
  instrument.addCallback((result) => sums.observe(result));
  return sums;
}
