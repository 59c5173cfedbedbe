import { metrics, trace, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import { ClientInstruments } from './client/instruments.js';
import { resolveContentCapture } from './content.js';
import { ServerInstruments } from './server/instruments.js';
import type { TelemetrySource } from './source.js';
import type { McpClientTelemetryOptions, McpServerTelemetryOptions } from './types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

type ManualConfig = McpServerTelemetryOptions &
  McpClientTelemetryOptions & { tracerProvider?: TracerProvider; meterProvider?: MeterProvider };

/*
 * `register({ mcp: {...} })` of @mcpmeter/node leaves its MCP options here, so that
 * an explicit instrumentMcpServer() / instrumentMcpClient() call need not repeat
 * them: the call's own options win, register's fill in the rest.
 */
const REGISTER_DEFAULTS = Symbol.for('mcpmeter.register.mcp-options');

function withRegisterDefaults(config: ManualConfig): ManualConfig {
  const defaults = (globalThis as { [REGISTER_DEFAULTS]?: unknown })[REGISTER_DEFAULTS];
  if (defaults === null || typeof defaults !== 'object') return config;
  return { ...(defaults as ManualConfig), ...config };
}

/** The fixed telemetry source of `instrumentMcpServer` / `instrumentMcpClient`. */
export function manualSource(given: ManualConfig): TelemetrySource {
  const config = withRegisterDefaults(given);
  const meter = (config.meterProvider ?? metrics.getMeterProvider()).getMeter(
    PACKAGE_NAME,
    PACKAGE_VERSION,
  );
  return Object.freeze({
    enabled: true,
    tracer: (config.tracerProvider ?? trace.getTracerProvider()).getTracer(
      PACKAGE_NAME,
      PACKAGE_VERSION,
    ),
    instruments: ServerInstruments.for(meter),
    clientInstruments: ClientInstruments.for(meter),
    content: resolveContentCapture(config),
    toolNames: [...(config.toolNames ?? [])],
    reuseExecuteToolSpan: config.reuseExecuteToolSpan ?? true,
  });
}
