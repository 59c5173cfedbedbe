import { metrics, trace, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import { ClientInstruments } from './client/instruments.js';
import { resolveContentCapture } from './content.js';
import { ServerInstruments } from './server/instruments.js';
import type { TelemetrySource } from './source.js';
import { resolveToolNames } from './tool-names.js';
import type { McpClientTelemetryOptions, McpServerTelemetryOptions } from './types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** The fixed telemetry source of `instrumentMcpServer` / `instrumentMcpClient`. */
export function manualSource(
  config: McpServerTelemetryOptions &
    McpClientTelemetryOptions & { tracerProvider?: TracerProvider; meterProvider?: MeterProvider },
): TelemetrySource {
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
    toolNames: resolveToolNames(config.toolNames),
    reuseExecuteToolSpan: config.reuseExecuteToolSpan ?? true,
  });
}
