import type {
  Attributes,
  Counter,
  Histogram,
  Meter,
  MeterProvider,
  ObservableResult,
} from '@opentelemetry/api';
import {
  AttributeSetCache,
  MCP_SERVER_ACTIVE_REQUESTS,
  MCP_SERVER_ACTIVE_SESSIONS,
  MCP_SERVER_OPERATION_KEYS,
  MCP_SERVER_SESSION_KEYS,
  ToolCatalogInstruments,
  mcpServerHistograms,
  semconv,
} from '@mcpmeter/core';
import { ATTR_NETWORK_IO_DIRECTION, METRIC_MALFORMED_MESSAGES } from './names.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';

/**
 * The server-side MCP instruments, with the names, units, buckets and labels
 * of `@mcpmeter/instrumentation-mcp` (docs/mcp-server.md), so that the mixin's
 * rules and dashboards read a wrapped server like an instrumented one.
 */
export class WireInstruments {
  readonly duration: Histogram;
  readonly sessionDuration: Histogram;
  /** The tool catalog the server announces, as `@mcpmeter/instrumentation-mcp` reports it. */
  readonly catalog: ToolCatalogInstruments;
  private readonly malformedCounter: Counter;
  /** Keys: method, tool, prompt, error.type, operation, protocol version, transport. */
  readonly operationAttrs = new AttributeSetCache([...MCP_SERVER_OPERATION_KEYS]);
  /** Keys: error.type, protocol version, transport. */
  readonly sessionAttrs = new AttributeSetCache([...MCP_SERVER_SESSION_KEYS]);
  private readonly methodAttrs = new AttributeSetCache([semconv.ATTR_MCP_METHOD_NAME]);
  private readonly transportAttrs = new AttributeSetCache([semconv.ATTR_NETWORK_TRANSPORT]);
  private readonly directionAttrs = new AttributeSetCache([ATTR_NETWORK_IO_DIRECTION]);
  /** In flight by (bounded) method. */
  readonly activeRequests = new Map<string, number>();
  private activeSessions = 0;

  constructor(
    meterProvider: MeterProvider,
    private readonly transport: string,
  ) {
    const meter: Meter = meterProvider.getMeter(PACKAGE_NAME, PACKAGE_VERSION);
    ({ duration: this.duration, sessionDuration: this.sessionDuration } =
      mcpServerHistograms(meter));
    this.catalog = new ToolCatalogInstruments(meter, 'server');
    const requests = MCP_SERVER_ACTIVE_REQUESTS;
    meter
      .createObservableUpDownCounter(requests.name, {
        description: requests.description,
        unit: requests.unit,
      })
      .addCallback((result: ObservableResult) => {
        for (const [method, n] of this.activeRequests) {
          result.observe(n, this.methodAttrs.get(method));
        }
      });
    const sessions = MCP_SERVER_ACTIVE_SESSIONS;
    meter
      .createObservableUpDownCounter(sessions.name, {
        description: sessions.description,
        unit: sessions.unit,
      })
      .addCallback((result: ObservableResult) => {
        result.observe(this.activeSessions, this.transportAttrs.get(this.transport));
      });
    this.malformedCounter = meter.createCounter(METRIC_MALFORMED_MESSAGES, {
      description:
        'Lines or events on the wire that are not JSON-RPC, passed through unchanged (not in semconv).',
      unit: '{message}',
    });
  }

  requestStarted(method: string): void {
    this.activeRequests.set(method, (this.activeRequests.get(method) ?? 0) + 1);
  }

  requestEnded(method: string): void {
    this.activeRequests.set(method, (this.activeRequests.get(method) ?? 1) - 1);
  }

  sessionStarted(): void {
    this.activeSessions++;
  }

  sessionEnded(seconds: number, attrs: Attributes): void {
    this.activeSessions--;
    this.sessionDuration.record(seconds, attrs);
  }

  malformed(direction: 'receive' | 'transmit'): void {
    this.malformedCounter.add(1, this.directionAttrs.get(direction));
  }
}
