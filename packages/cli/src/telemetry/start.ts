import { trace } from '@opentelemetry/api';
import { register, type RegisterHandle } from '@mcpmeter/node';
import type { TelemetryArgs } from '../args.js';
import type { Diagnostics } from '../diagnostics.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';
import { WireTelemetry } from './wire-telemetry.js';

export interface StartedTelemetry {
  handle: RegisterHandle;
  telemetry: WireTelemetry;
  /** Flushes and stops, within `timeoutMs`; never rejects. */
  shutdown(timeoutMs?: number): Promise<void>;
}

/**
 * register() as an instrumented server would call it — same providers,
 * exposition, OTLP export and environment variables — minus what only makes
 * sense inside the server: the MCP / LLM library patches and the signal
 * handling (the command forwards signals and flushes when the server is done).
 */
export function startTelemetry(
  args: TelemetryArgs,
  transport: 'pipe' | 'tcp',
  diagnostics: Diagnostics,
  label: string,
): StartedTelemetry {
  const prometheus: { host?: string; port?: number } = {};
  if (args.metricsHost !== undefined) prometheus.host = args.metricsHost;
  if (args.metricsPort !== undefined) prometheus.port = args.metricsPort;
  const handle = register({
    ...(args.serviceName !== undefined ? { serviceName: args.serviceName } : {}),
    prometheus,
    mcp: false,
    llm: false,
    handleSignals: false,
  });
  handle.ready.then(
    () => {
      if (handle.metricsUrl !== undefined)
        diagnostics.say(`${label}: metrics at ${handle.metricsUrl}`);
    },
    () => {
      // register() said what went wrong; telemetry keeps working with what started.
    },
  );
  const telemetry = new WireTelemetry(
    handle.meterProvider,
    trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION),
    transport,
    diagnostics,
  );
  return {
    handle,
    telemetry,
    shutdown: (timeoutMs = 5000) =>
      Promise.race([
        handle.shutdown().catch(() => {}),
        new Promise<void>((r) => setTimeout(r, timeoutMs).unref()),
      ]),
  };
}
