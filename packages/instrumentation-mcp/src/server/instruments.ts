import type { Attributes, Histogram, Meter, ObservableResult } from '@opentelemetry/api';
import {
  AttributeSetCache,
  MCP_SERVER_ACTIVE_REQUESTS,
  MCP_SERVER_ACTIVE_SESSIONS,
  MCP_SERVER_OPERATION_KEYS,
  MCP_SERVER_SESSION_KEYS,
  mcpServerHistograms,
  semconv,
} from '@mcpmeter/core';
import type { ActiveCount, SeriesInstruments } from '../series.js';
import { ActiveRequests, instrumentsFor } from '../shared-instruments.js';
import { ATTR_MCP_CLIENT_NAME, SignalInstruments } from '../signals/instruments.js';

/**
 * The server's metric instruments on one Meter, shared by every instrumented
 * server that uses that Meter (the SDK hands out one Meter per name and
 * version), so the active-request and active-session gauges are one count
 * whether servers were instrumented by hand or by `McpInstrumentation`.
 *
 * Hot path: one SDK call per request (the duration histogram, with a cached
 * attribute set). Active counts are plain integers reported by observable
 * callbacks at collection time, which saves two `add` calls per request.
 */
export class ServerInstruments implements SeriesInstruments {
  readonly duration: Histogram;
  readonly sessionDuration: Histogram;
  /** Tool catalog and repeated-call signals (issue 21). */
  readonly signals: SignalInstruments;
  /** Keys: method, tool, prompt, error.type, operation, protocol version, transport. */
  readonly operationAttrs = new AttributeSetCache([...MCP_SERVER_OPERATION_KEYS]);
  /** Keys: error.type, protocol version, transport, client name (bounded to known hosts). */
  readonly sessionAttrs = new AttributeSetCache([...MCP_SERVER_SESSION_KEYS, ATTR_MCP_CLIENT_NAME]);
  private readonly transportAttrs = new AttributeSetCache([semconv.ATTR_NETWORK_TRANSPORT]);
  private readonly activeRequests: ActiveRequests;
  private readonly activeSessions = new Map<string | undefined, number>();

  constructor(meter: Meter) {
    this.signals = SignalInstruments.for(meter, 'server');
    ({ duration: this.duration, sessionDuration: this.sessionDuration } =
      mcpServerHistograms(meter));
    this.activeRequests = new ActiveRequests(
      meter,
      MCP_SERVER_ACTIVE_REQUESTS.name,
      MCP_SERVER_ACTIVE_REQUESTS.description,
    );
    const { name, description, unit } = MCP_SERVER_ACTIVE_SESSIONS;
    meter
      .createObservableUpDownCounter(name, { description, unit })
      .addCallback((result: ObservableResult) => {
        for (const [transport, n] of this.activeSessions) {
          result.observe(n, this.transportAttrs.get(transport));
        }
      });
  }

  /** The in-flight count of `method` (already bounded): a request does `n++` and `n--` on it. */
  activeCount(method: string): ActiveCount {
    return this.activeRequests.count(method);
  }

  sessionStarted(transport: string | undefined): void {
    this.activeSessions.set(transport, (this.activeSessions.get(transport) ?? 0) + 1);
  }

  sessionEnded(transport: string | undefined, seconds: number, attrs: Attributes): void {
    this.activeSessions.set(transport, (this.activeSessions.get(transport) ?? 1) - 1);
    this.sessionDuration.record(seconds, attrs);
  }

  /** The instruments for `meter`, created on first use. */
  static for(meter: Meter): ServerInstruments {
    return instrumentsFor(
      'mcpmeter.instrumentation-mcp.server-instruments.v3',
      meter,
      (m) => new ServerInstruments(m),
    );
  }
}
