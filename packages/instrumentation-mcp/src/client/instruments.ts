import type { Histogram, Meter, ObservableResult } from '@opentelemetry/api';
import { AttributeSetCache, MCP_DURATION_BUCKETS, semconv } from '@mcpmeter/core';
import type { ActiveCount, SeriesInstruments } from '../series.js';

// Shared by every copy of this package in the process that has the same
// instruments shape; bump the suffix when that shape changes, so that two
// versions side by side never call each other's methods.
const INSTRUMENTS = Symbol.for('mcpmeter.instrumentation-mcp.client-instruments.v2');
type GlobalWithInstruments = typeof globalThis & {
  [INSTRUMENTS]?: WeakMap<Meter, ClientInstruments>;
};

/**
 * The sending side's instruments on one Meter (`mcp.client.*`), shared by every
 * instrumented client (and by servers sending sampling, elicitation and roots
 * requests: the conventions measure a request on its sender).
 *
 * Hot path: one histogram record per request, with a cached attribute set;
 * requests in flight are a plain integer per method, observed at collection time.
 */
export class ClientInstruments implements SeriesInstruments {
  readonly duration: Histogram;
  readonly sessionDuration: Histogram;
  /** Keys: method, tool, prompt, error.type, operation, protocol version, transport, server.address. */
  readonly operationAttrs = new AttributeSetCache([
    semconv.ATTR_MCP_METHOD_NAME,
    semconv.ATTR_GEN_AI_TOOL_NAME,
    semconv.ATTR_GEN_AI_PROMPT_NAME,
    semconv.ATTR_ERROR_TYPE,
    semconv.ATTR_GEN_AI_OPERATION_NAME,
    semconv.ATTR_MCP_PROTOCOL_VERSION,
    semconv.ATTR_NETWORK_TRANSPORT,
    semconv.ATTR_SERVER_ADDRESS,
  ]);
  /** Keys: error.type, protocol version, transport, server.address. */
  readonly sessionAttrs = new AttributeSetCache([
    semconv.ATTR_ERROR_TYPE,
    semconv.ATTR_MCP_PROTOCOL_VERSION,
    semconv.ATTR_NETWORK_TRANSPORT,
    semconv.ATTR_SERVER_ADDRESS,
  ]);
  private readonly methodAttrs = new AttributeSetCache([semconv.ATTR_MCP_METHOD_NAME]);
  private readonly active = new Map<string, ActiveCount>();

  constructor(meter: Meter) {
    this.duration = meter.createHistogram(semconv.METRIC_MCP_CLIENT_OPERATION_DURATION, {
      description: 'Duration of MCP requests as seen by their sender.',
      unit: 's',
      advice: { explicitBucketBoundaries: [...MCP_DURATION_BUCKETS] },
    });
    this.sessionDuration = meter.createHistogram(semconv.METRIC_MCP_CLIENT_SESSION_DURATION, {
      description: 'Duration of MCP sessions as seen by the client.',
      unit: 's',
      advice: { explicitBucketBoundaries: [...MCP_DURATION_BUCKETS] },
    });
    meter
      .createObservableUpDownCounter(semconv.METRIC_MCP_CLIENT_ACTIVE_REQUESTS, {
        description: 'MCP requests sent and not yet answered (not in semconv).',
        unit: '{request}',
      })
      .addCallback((result: ObservableResult) => {
        for (const [method, count] of this.active) {
          result.observe(count.n, this.methodAttrs.get(method));
        }
      });
  }

  /** The in-flight count of `method` (already bounded): a request does `n++` and `n--` on it. */
  activeCount(method: string): ActiveCount {
    let count = this.active.get(method);
    if (count === undefined) {
      count = { n: 0 };
      this.active.set(method, count);
    }
    return count;
  }

  /** The instruments for `meter`, created on first use. */
  static for(meter: Meter): ClientInstruments {
    const g = globalThis as GlobalWithInstruments;
    const all = (g[INSTRUMENTS] ??= new WeakMap());
    let instruments = all.get(meter);
    if (instruments === undefined) {
      instruments = new ClientInstruments(meter);
      all.set(meter, instruments);
    }
    return instruments;
  }
}
