import type { Histogram, Meter } from '@opentelemetry/api';
import { AttributeSetCache, semconv } from '@mcpmeter/core';
import type { ActiveCount, SeriesInstruments } from '../series.js';
import { ActiveRequests, durationHistogram, instrumentsFor } from '../shared-instruments.js';
import { SignalInstruments } from '../signals/instruments.js';

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
  /** Tool catalog and repeated-call signals (issue 21). */
  readonly signals: SignalInstruments;
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
  private readonly active: ActiveRequests;

  constructor(meter: Meter) {
    this.signals = SignalInstruments.for(meter, 'client');
    this.duration = durationHistogram(
      meter,
      semconv.METRIC_MCP_CLIENT_OPERATION_DURATION,
      'Duration of MCP requests as seen by their sender.',
    );
    this.sessionDuration = durationHistogram(
      meter,
      semconv.METRIC_MCP_CLIENT_SESSION_DURATION,
      'Duration of MCP sessions as seen by the client.',
    );
    this.active = new ActiveRequests(
      meter,
      semconv.METRIC_MCP_CLIENT_ACTIVE_REQUESTS,
      'MCP requests sent and not yet answered (not in semconv).',
    );
  }

  /** The in-flight count of `method` (already bounded): a request does `n++` and `n--` on it. */
  activeCount(method: string): ActiveCount {
    return this.active.count(method);
  }

  /** The instruments for `meter`, created on first use. */
  static for(meter: Meter): ClientInstruments {
    return instrumentsFor(
      'mcpmeter.instrumentation-mcp.client-instruments.v3',
      meter,
      (m) => new ClientInstruments(m),
    );
  }
}
