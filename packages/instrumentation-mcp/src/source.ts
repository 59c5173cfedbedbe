import type { Tracer } from '@opentelemetry/api';
import type { ClientInstruments } from './client/instruments.js';
import type { ContentCapture } from './content.js';
import type { ServerInstruments } from './server/instruments.js';

/**
 * Where an instrumented server or client gets its telemetry. The manual APIs
 * give a fixed source; `McpInstrumentation` gives one whose getters follow
 * enable/disable and provider changes, so instances instrumented earlier see
 * them too.
 */
export interface TelemetrySource {
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** Instruments of the receiving side (`mcp.server.*`). */
  readonly instruments: ServerInstruments;
  /** Instruments of the sending side (`mcp.client.*`). */
  readonly clientInstruments: ClientInstruments;
  readonly content: ContentCapture;
  readonly toolNames: readonly string[];
  /** Add MCP attributes to an active GenAI `execute_tool` span instead of starting a CLIENT span. */
  readonly reuseExecuteToolSpan: boolean;
}
