import type {
  Attributes,
  DiagLogLevel,
  MeterProvider as ApiMeterProvider,
} from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { ViewOptions } from '@opentelemetry/sdk-metrics';
import type { Sampler, SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Where metrics go. */
export type MetricsExporterName = 'prometheus' | 'otlp' | 'none';
/** Where spans go. */
export type TracesExporterName = 'otlp' | 'console' | 'none';
/** OTLP/HTTP encodings. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** Options of the Prometheus exposition. */
export interface PrometheusOptions {
  /**
   * `server`: a standalone HTTP server on `host:port` (the usual choice, and the
   * only one for stdio MCP servers). `mount`: no server; serve `handle.metricsHandler`
   * from your own `node:http` / Express / Hono server.
   * @default 'server'
   */
  mode?: 'server' | 'mount';
  /** @default process.env.OTEL_EXPORTER_PROMETHEUS_HOST ?? 'localhost' */
  host?: string;
  /** `0` picks a free port (see `handle.metricsUrl`). @default process.env.OTEL_EXPORTER_PROMETHEUS_PORT ?? 9464 */
  port?: number;
  /** @default '/metrics' */
  path?: string;
  /**
   * `'mcpmeter'`: `@mcpmeter/prometheus` — OpenMetrics 1.0 or text 0.0.4 by content
   * negotiation, compatibility-spec names (`mcp_server_operation_duration_seconds`),
   * exemplars. `'otel'`: the official `@opentelemetry/exporter-prometheus` (text only,
   * no unit suffixes, no exemplars).
   * @default 'mcpmeter'
   */
  engine?: 'mcpmeter' | 'otel';
  /**
   * `'otel-js'` reproduces the official exporter's names with the mcpmeter engine
   * (no unit suffixes), for dashboards written against it.
   * @default MCPMETER_PROMETHEUS_NAMING ?? 'prometheus'
   */
  naming?: 'prometheus' | 'otel-js';
  /**
   * Attach `trace_id`/`span_id` exemplars (OpenMetrics only) to histogram buckets and
   * counters recorded inside sampled spans.
   * @default MCPMETER_EXEMPLARS !== 'false'
   */
  exemplars?: boolean;
  /** Leave out the `otel_scope_name` / `otel_scope_version` labels. @default false */
  withoutScopeInfo?: boolean;
  /** Resource attributes promoted to labels on every series (names or a pattern). */
  resourceConstantLabels?: RegExp | readonly string[];
  /** Require a bearer token or basic-auth credentials on the endpoint (401 without them). */
  auth?: { bearerToken: string } | { username: string; password: string };
}

/** Options of trace export. */
export interface TracesOptions {
  /** @default process.env.OTEL_TRACES_EXPORTER ?? 'otlp' */
  exporter?: TracesExporterName;
  /**
   * Full URL of the OTLP/HTTP traces endpoint.
   * @default OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + '/v1/traces', else 'http://localhost:4318/v1/traces'
   */
  endpoint?: string;
  /** @default OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf' */
  protocol?: OtlpProtocol;
  /** Extra HTTP headers for the exporter (for example an auth token). */
  headers?: Record<string, string>;
  /** A sampler; otherwise `OTEL_TRACES_SAMPLER(_ARG)` decides (default parent-based always-on). */
  sampler?: Sampler;
  /** A span exporter of your own; replaces `exporter`. */
  spanExporter?: SpanExporter;
}

/** Options of metric export. */
export interface MetricsOptions {
  /** @default process.env.OTEL_METRICS_EXPORTER ?? 'prometheus' */
  exporter?: MetricsExporterName;
  /**
   * Most distinct attribute sets one instrument keeps; beyond it data goes to the
   * `otel_metric_overflow="true"` series (alert on it).
   * @default MCPMETER_CARDINALITY_LIMIT ?? 2000
   */
  cardinalityLimit?: number;
  /** Extra views, applied after mcpmeter's bucket views. */
  views?: ViewOptions[];
  /**
   * Aggregate the semconv MCP and GenAI histograms in mcpmeter instead of the SDK
   * (same buckets, limits, temporality and exemplars; a view of yours that could
   * select one of them leaves that one to the SDK). Saves the SDK's per-record
   * attribute hashing on every request.
   * @default MCPMETER_FAST_HISTOGRAMS !== 'false'
   */
  fastHistograms?: boolean;
  /** OTLP push: URL of the metrics endpoint. @default OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + '/v1/metrics' */
  otlpEndpoint?: string;
  /** OTLP push interval. @default OTEL_METRIC_EXPORT_INTERVAL ?? 60000 */
  exportIntervalMillis?: number;
}

/** Options of {@link register}. Options given here win over environment variables. */
export interface RegisterOptions {
  /** `service.name`. @default OTEL_SERVICE_NAME, else `unknown_service:node` */
  serviceName?: string;
  /** `service.version`. @default service.version in OTEL_RESOURCE_ATTRIBUTES, else npm_package_version */
  serviceVersion?: string;
  /** Extra resource attributes (merged over OTEL_RESOURCE_ATTRIBUTES). */
  resourceAttributes?: Attributes;
  metrics?: MetricsOptions;
  prometheus?: PrometheusOptions;
  traces?: TracesOptions;
  /**
   * Node runtime metrics: event-loop delay and utilization, heap, GC.
   * @default MCPMETER_RUNTIME_METRICS !== 'false'
   */
  runtimeMetrics?: boolean;
  /**
   * Options passed to `McpInstrumentation` from `@mcpmeter/instrumentation-mcp` when
   * that package is installed; `false` leaves it off.
   */
  mcp?: Record<string, unknown> | false;
  /**
   * Options passed to `LlmInstrumentation` from `@mcpmeter/instrumentation-llm` when
   * that package is installed; `false` leaves it off.
   */
  llm?: Record<string, unknown> | false;
  /** More instrumentations to enable with the same providers. */
  instrumentations?: Instrumentation[];
  /** Diagnostics level (always written to stderr). @default OTEL_LOG_LEVEL ?? 'info' */
  logLevel?: DiagLogLevel | 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';
  /**
   * Live view with `mcpmeter ui`: while metrics go to Prometheus (the default),
   * look for a hub at the origin of the OTLP endpoint (`GET /mcpmeter/hub`, at
   * start and every 5 s while none answers; every 60 s when the endpoint is on
   * another host) and, once one answers, push the
   * metrics to the OTLP metrics endpoint (OTLP/HTTP JSON, cumulative) every 2 s
   * and at exit. A Collector or Jaeger there answers 404, and nothing is sent.
   * Silent: diagnostics at `debug` level only. Not used with
   * `metrics.exporter: 'otlp'`, where metrics already go to that endpoint.
   * @default MCPMETER_HUB is not `off` (nor `false`)
   * @example register({ hub: false }) // or MCPMETER_HUB=off
   */
  hub?: boolean;
  /**
   * Flush telemetry once on SIGTERM / SIGINT. Your own handlers still run, and the
   * process exits as it would without mcpmeter.
   * @default true
   */
  handleSignals?: boolean;
}

/** A request handler for `node:http` and Express: `(req, res) => void`. */
export type MetricsRequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** What {@link register} returns. */
export interface RegisterHandle {
  /**
   * Resolves once the Prometheus endpoint listens (server mode), or right away when
   * nothing needs to listen. Rejects with a {@link ConfigurationError} only when the
   * exposition cannot serve as asked: the port is taken, the host cannot be bound, or
   * `prometheus.auth` is malformed. A setting that fell back to its default and a
   * collector that is not up yet are said on stderr and do not reject it. Await it
   * only to fail fast.
   */
  ready: Promise<void>;
  /** Flushes spans and metrics and closes the exposition server. Idempotent. */
  shutdown(): Promise<void>;
  /**
   * The MeterProvider instruments should come from (also set as the global one). It
   * wraps the SDK provider: the semconv histograms are aggregated by mcpmeter
   * (`metrics.fastHistograms`), and histograms and counters recorded inside sampled
   * spans keep exemplars.
   */
  meterProvider: ApiMeterProvider & { forceFlush(): Promise<void>; shutdown(): Promise<void> };
  /**
   * The SDK TracerProvider, registered globally when spans have somewhere to go. With
   * `OTEL_TRACES_EXPORTER=none` (and no `spanExporter`) it is not registered: the
   * global tracer stays the API's no-op one, so spans cost nothing, and an incoming
   * trace context still passes through to outgoing calls.
   */
  tracerProvider: TracerProvider;
  /** Serves the exposition from your own server (any mode, when metrics go to Prometheus). */
  metricsHandler?: MetricsRequestHandler;
  /**
   * The exposition as a Web handler, `Request` → `Promise<Response>`, for Hono
   * (`app.get('/metrics', (c) => telemetry.fetchMetricsHandler(c.req.raw))`), Bun or
   * Next.js route handlers. Undefined with `prometheus.engine: 'otel'`.
   */
  fetchMetricsHandler?: (request: Request) => Promise<Response>;
  /** `http://host:port/metrics` once `ready` resolved in `server` mode. */
  metricsUrl?: string;
}
