/** A command-line problem: said in one line with the usage hint, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Options every subcommand shares: the telemetry side of `register()`. */
export interface TelemetryArgs {
  /** `service.name` (else OTEL_SERVICE_NAME, as register() reads it). */
  serviceName?: string;
  /** Host of /metrics (else OTEL_EXPORTER_PROMETHEUS_HOST, else localhost). */
  metricsHost?: string;
  /** Port of /metrics, 0 for a free one (else OTEL_EXPORTER_PROMETHEUS_PORT, else 9464). */
  metricsPort?: number;
}

/**
 * Reads `--name value` / `--name=value` options until `--` or the first
 * argument that is not an option; returns the options and the rest.
 */
export function readOptions(
  argv: readonly string[],
  known: Record<string, 'value' | 'flag'>,
): { options: Map<string, string>; rest: string[] } {
  const options = new Map<string, string>();
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const kind = known[name];
    if (kind === undefined) throw new UsageError(`unknown option ${JSON.stringify(name)}`);
    if (kind === 'flag') {
      if (eq !== -1) throw new UsageError(`${name} takes no value`);
      options.set(name, 'true');
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    options.set(name, value);
  }
  return { options, rest: argv.slice(i) };
}

export const TELEMETRY_OPTIONS: Record<string, 'value'> = {
  '--service-name': 'value',
  '--metrics-host': 'value',
  '--metrics-port': 'value',
};

export function telemetryArgs(options: Map<string, string>): TelemetryArgs {
  const out: TelemetryArgs = {};
  const name = options.get('--service-name');
  if (name !== undefined) out.serviceName = name;
  const host = options.get('--metrics-host');
  if (host !== undefined) out.metricsHost = host;
  const port = options.get('--metrics-port');
  if (port !== undefined) out.metricsPort = parsePort(port, '--metrics-port');
  return out;
}

export function parsePort(value: string, what: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) {
    throw new UsageError(`${what} must be a port number (0-65535), not ${JSON.stringify(value)}`);
  }
  return n;
}
