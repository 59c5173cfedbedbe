import { DiagLogLevel } from '@opentelemetry/api';
import { ConfigurationError } from './errors.js';
import { SAMPLERS } from './settings-table.js';
import type {
  MetricsExporterName,
  OtlpProtocol,
  RegisterOptions,
  TracesExporterName,
} from './types.js';

/** Every setting after options, environment and defaults were merged and checked. */
export interface ResolvedConfig {
  disabled: boolean;
  serviceName?: string;
  serviceVersion?: string;
  logLevel: DiagLogLevel;
  metricsExporter: MetricsExporterName;
  cardinalityLimit: number;
  fastHistograms: boolean;
  exportIntervalMillis: number;
  otlpMetricsEndpoint: string;
  prometheus: { mode: 'server' | 'mount'; host: string; port: number; path: string };
  prometheusEngine: 'mcpmeter' | 'otel';
  prometheusNaming: 'prometheus' | 'otel-js';
  exemplars: boolean;
  tracesExporter: TracesExporterName;
  otlpTracesEndpoint: string;
  otlpProtocol: OtlpProtocol;
  otlpMetricsProtocol: OtlpProtocol;
  otlpHeaders: Record<string, string>;
  samplerEnvError?: ConfigurationError;
  runtimeMetrics: boolean;
  handleSignals: boolean;
  /** Look for a local `mcpmeter ui` hub and push metrics to it. */
  hub: boolean;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: Record<string, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/**
 * Merges options over environment over defaults. Never throws: a bad value is
 * reported in `errors` (one message naming the setting and the fix) and the
 * default is used, so telemetry keeps working.
 */
export function resolveConfig(
  options: RegisterOptions,
  env: Env = process.env,
): { config: ResolvedConfig; errors: ConfigurationError[] } {
  const errors: ConfigurationError[] = [];
  const fail = (setting: string, message: string) =>
    errors.push(new ConfigurationError(setting, message));

  const oneOf = <T extends string>(
    setting: string,
    optionValue: T | undefined,
    envValue: string | undefined,
    allowed: readonly T[],
    fallback: T,
  ): T => {
    const raw = optionValue ?? envValue?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    // The OTel env vars take comma-separated lists; mcpmeter uses the first entry.
    const first = raw.split(',')[0]?.trim();
    if (
      envValue !== undefined &&
      optionValue === undefined &&
      first &&
      (allowed as readonly string[]).includes(first)
    ) {
      return first as T;
    }
    fail(
      setting,
      `mcpmeter: ${setting}=${JSON.stringify(raw)} is not valid; use one of ${allowed.join(', ')} (using ${fallback}).`,
    );
    return fallback;
  };

  const port = ((): number => {
    const fromOption = options.prometheus?.port;
    const raw = fromOption ?? env.OTEL_EXPORTER_PROMETHEUS_PORT;
    if (raw === undefined || raw === '') return 9464;
    const n = typeof raw === 'number' ? raw : /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (Number.isInteger(n) && n >= 0 && n <= 65535) return n;
    const setting = fromOption !== undefined ? 'prometheus.port' : 'OTEL_EXPORTER_PROMETHEUS_PORT';
    fail(
      setting,
      `mcpmeter: ${setting}=${JSON.stringify(raw)} is not a port number; set it to an integer from 0 to 65535 (for example 9464), or unset it to use 9464. Using 9464.`,
    );
    return 9464;
  })();

  const host =
    options.prometheus?.host ?? (env.OTEL_EXPORTER_PROMETHEUS_HOST?.trim() || 'localhost');
  let path = options.prometheus?.path ?? '/metrics';
  if (!path.startsWith('/')) {
    fail(
      'prometheus.path',
      `mcpmeter: prometheus.path=${JSON.stringify(path)} must start with "/" (for example "/metrics"). Using /metrics.`,
    );
    path = '/metrics';
  }
  const mode = oneOf(
    'prometheus.mode',
    options.prometheus?.mode,
    undefined,
    ['server', 'mount'] as const,
    'server',
  );

  const cardinalityLimit = positiveInt(
    'metrics.cardinalityLimit',
    options.metrics?.cardinalityLimit,
    'MCPMETER_CARDINALITY_LIMIT',
    env.MCPMETER_CARDINALITY_LIMIT,
    2000,
    fail,
  );
  const exportIntervalMillis = positiveInt(
    'metrics.exportIntervalMillis',
    options.metrics?.exportIntervalMillis,
    'OTEL_METRIC_EXPORT_INTERVAL',
    env.OTEL_METRIC_EXPORT_INTERVAL,
    60_000,
    fail,
  );

  const rawBase = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const baseEndpoint = (
    rawBase
      ? checkUrl('OTEL_EXPORTER_OTLP_ENDPOINT', rawBase, 'http://localhost:4318', fail)
      : 'http://localhost:4318'
  ).replace(/\/+$/, '');
  const endpoint = (
    optionName: string,
    optionValue: string | undefined,
    envName: string,
    signalPath: string,
  ): string => {
    if (optionValue !== undefined)
      return checkUrl(optionName, optionValue, baseEndpoint + signalPath, fail);
    const fromEnv = env[envName]?.trim();
    if (fromEnv) return checkUrl(envName, fromEnv, baseEndpoint + signalPath, fail);
    return baseEndpoint + signalPath;
  };
  const otlpTracesEndpoint = endpoint(
    'traces.endpoint',
    options.traces?.endpoint,
    'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    '/v1/traces',
  );
  const otlpMetricsEndpoint = endpoint(
    'metrics.otlpEndpoint',
    options.metrics?.otlpEndpoint,
    'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
    '/v1/metrics',
  );

  const protocolSetting = options.traces?.protocol
    ? 'traces.protocol'
    : env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL
      ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
      : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const otlpProtocol = oneOf(
    protocolSetting,
    options.traces?.protocol,
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL,
    ['http/protobuf', 'http/json'] as const,
    'http/protobuf',
  );

  // OTEL_EXPORTER_OTLP_PROTOCOL was checked above (reported once if invalid).
  const sharedProtocol = env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim().toLowerCase();
  const otlpMetricsProtocol = oneOf(
    'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
    undefined,
    env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL,
    ['http/protobuf', 'http/json'] as const,
    sharedProtocol === 'http/json' ? 'http/json' : 'http/protobuf',
  );

  let samplerEnvError: ConfigurationError | undefined;
  const sampler = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase();
  if (!options.traces?.sampler && sampler && !SAMPLERS.includes(sampler)) {
    samplerEnvError = new ConfigurationError(
      'OTEL_TRACES_SAMPLER',
      `mcpmeter: OTEL_TRACES_SAMPLER=${JSON.stringify(sampler)} is not supported; use one of ${SAMPLERS.join(', ')} (using parentbased_always_on).`,
    );
    errors.push(samplerEnvError);
  }
  const ratio = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  if (
    !options.traces?.sampler &&
    sampler?.endsWith('traceidratio') &&
    ratio !== undefined &&
    ratio !== ''
  ) {
    const r = Number(ratio);
    if (!(r >= 0 && r <= 1)) {
      fail(
        'OTEL_TRACES_SAMPLER_ARG',
        `mcpmeter: OTEL_TRACES_SAMPLER_ARG=${JSON.stringify(ratio)} must be a number from 0 to 1 (for example 0.1); using 1.`,
      );
    }
  }

  const logLevelRaw = options.logLevel ?? env.OTEL_LOG_LEVEL?.trim().toLowerCase();
  let logLevel = DiagLogLevel.INFO;
  if (typeof logLevelRaw === 'number') logLevel = logLevelRaw;
  else if (logLevelRaw) {
    const found = LOG_LEVELS[logLevelRaw];
    if (found === undefined) {
      fail(
        options.logLevel ? 'logLevel' : 'OTEL_LOG_LEVEL',
        `mcpmeter: OTEL_LOG_LEVEL=${JSON.stringify(logLevelRaw)} is not a level; use one of ${Object.keys(LOG_LEVELS).join(', ')} (using info).`,
      );
    } else logLevel = found;
  }

  return {
    errors,
    config: {
      disabled: env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true',
      serviceName: options.serviceName,
      serviceVersion: options.serviceVersion,
      logLevel,
      metricsExporter: oneOf(
        'OTEL_METRICS_EXPORTER',
        options.metrics?.exporter,
        env.OTEL_METRICS_EXPORTER,
        ['prometheus', 'otlp', 'none'] as const,
        'prometheus',
      ),
      cardinalityLimit,
      fastHistograms:
        options.metrics?.fastHistograms ??
        env.MCPMETER_FAST_HISTOGRAMS?.trim().toLowerCase() !== 'false',
      exportIntervalMillis,
      otlpMetricsEndpoint,
      prometheus: { mode, host, port, path },
      prometheusEngine: oneOf(
        'prometheus.engine',
        options.prometheus?.engine,
        undefined,
        ['mcpmeter', 'otel'] as const,
        'mcpmeter',
      ),
      prometheusNaming: oneOf(
        options.prometheus?.naming ? 'prometheus.naming' : 'MCPMETER_PROMETHEUS_NAMING',
        options.prometheus?.naming,
        env.MCPMETER_PROMETHEUS_NAMING,
        ['prometheus', 'otel-js'] as const,
        'prometheus',
      ),
      exemplars:
        options.prometheus?.exemplars ?? env.MCPMETER_EXEMPLARS?.trim().toLowerCase() !== 'false',
      tracesExporter: oneOf(
        'OTEL_TRACES_EXPORTER',
        options.traces?.exporter,
        env.OTEL_TRACES_EXPORTER,
        ['otlp', 'console', 'none'] as const,
        'otlp',
      ),
      otlpTracesEndpoint,
      otlpProtocol,
      otlpMetricsProtocol,
      otlpHeaders: {
        ...parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS),
        ...parseHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
        ...options.traces?.headers,
      },
      samplerEnvError,
      runtimeMetrics:
        options.runtimeMetrics ?? env.MCPMETER_RUNTIME_METRICS?.trim().toLowerCase() !== 'false',
      handleSignals: options.handleSignals ?? true,
      // A bad value was said by checkEnvironment(); the default (on) is used.
      hub: options.hub ?? !/^(off|false)$/i.test(env.MCPMETER_HUB?.trim() ?? ''),
    },
  };
}

function positiveInt(
  option: string,
  optionValue: number | undefined,
  envName: string,
  envValue: string | undefined,
  fallback: number,
  fail: (setting: string, message: string) => void,
): number {
  const raw = optionValue ?? envValue?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = typeof raw === 'number' ? raw : /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (Number.isInteger(n) && n > 0) return n;
  const setting = optionValue !== undefined ? option : envName;
  fail(
    setting,
    `mcpmeter: ${setting}=${JSON.stringify(raw)} must be a positive integer; unset it to use ${fallback}. Using ${fallback}.`,
  );
  return fallback;
}

function checkUrl(
  setting: string,
  value: string,
  fallback: string,
  fail: (setting: string, message: string) => void,
): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return value;
  } catch {
    // reported below
  }
  fail(
    setting,
    `mcpmeter: ${setting}=${JSON.stringify(value)} is not an http(s) URL; set it like http://localhost:4318 (Jaeger and the Collector listen for OTLP/HTTP on 4318). Using ${fallback}.`,
  );
  return fallback;
}

/** `key=value,key2=value2` with percent-encoding, as in OTEL_EXPORTER_OTLP_HEADERS. */
export function parseHeaders(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const part of raw.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    try {
      out[decodeURIComponent(part.slice(0, i).trim())] = decodeURIComponent(
        part.slice(i + 1).trim(),
      );
    } catch {
      // a malformed escape: skip the pair rather than fail the whole list
    }
  }
  return out;
}
