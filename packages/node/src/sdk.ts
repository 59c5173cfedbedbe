import { context, diag, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { describeError, ExemplarStore, withExemplars } from '@mcpmeter/core';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
  setGlobalErrorHandler,
} from '@opentelemetry/core';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import {
  AggregationTemporality,
  InstrumentType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricReader,
} from '@opentelemetry/sdk-metrics';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { resolveConfig, type ResolvedConfig } from './config.js';
import { installDiagLogger } from './diag-logger.js';
import { lazyOtlpMetricExporter } from './lazy-exporters.js';
import { ConfigurationError } from './errors.js';
import type { MetricsServer } from '@mcpmeter/prometheus';
import { createExposition, startMetricsServer } from './exposition.js';
import { observeHeapLimit } from './heap-limit.js';
import { loadOptionalInstrumentations } from './instrumentations.js';
import { buildResource } from './resource.js';
import { installExitFlush, installSignalHandlers } from './signals.js';
import { createSpanProcessors, probeEndpoint } from './traces.js';
import { samplerFromEnv } from './sampler.js';
import { inertReason, type InertReason } from './inert.js';
import { checkEnvironment, checkOptions } from './settings.js';
import { formatLine } from './diag-logger.js';
import { SafeSampler } from './safe-sampler.js';

// Read by @mcpmeter/instrumentation-mcp's instrumentMcpServer() / instrumentMcpClient().
const MCP_REGISTER_DEFAULTS = Symbol.for('mcpmeter.register.mcp-options');
import type { MetricsRequestHandler, RegisterHandle, RegisterOptions } from './types.js';
import { PACKAGE_VERSION } from './version.js';
import { FastHistograms } from './fast-histograms.js';
import { startHubPush } from './hub-push.js';
import { mergingScopes } from './scope-merge.js';
import { bucketViews, SEMCONV_HISTOGRAMS } from './views.js';

// One registration per process, shared by the ESM and CJS builds.
const HANDLE = Symbol.for('mcpmeter.node.register-handle');
type GlobalWithHandle = typeof globalThis & { [HANDLE]?: RegisterHandle };

/**
 * Starts mcpmeter: resource, MeterProvider with semconv buckets and cardinality
 * limits, the Prometheus exposition (or OTLP push), the TracerProvider with OTLP
 * export and W3C propagation, Node runtime metrics, and the MCP / LLM
 * instrumentations that are installed. Never throws; see `handle.ready`.
 *
 * Calling it again returns the first handle.
 *
 * @example
 * import { register } from '@mcpmeter/node';
 * const telemetry = register({ serviceName: 'weather-mcp' });
 * // … start your MCP server; metrics at http://localhost:9464/metrics
 */
export function register(options?: RegisterOptions): RegisterHandle {
  const g = globalThis as GlobalWithHandle;
  try {
    const existing = g[HANDLE];
    if (existing) {
      diag.debug('mcpmeter: register() was called again; returning the first registration.');
      return existing;
    }
    const inert = inertReason();
    const handle = inert ? inertHandle(inert) : createHandle(options);
    g[HANDLE] = handle;
    return handle;
  } catch (err) {
    // A bug of ours must not become the app's: say it once and stay off.
    const handle = inertHandle({
      kind: 'unsupported',
      message: formatLine(
        `mcpmeter: register() failed (${describeError(err)}); telemetry is off in this process, the app runs on. Please report this with the line above.`,
      ),
    });
    g[HANDLE] = handle;
    return handle;
  }
}

/** A handle that records nothing and binds nothing (see inert.ts for when). */
function inertHandle(reason: InertReason): RegisterHandle {
  // Written directly: the diag logger is part of what stays off.
  if (reason.kind === 'unsupported') {
    try {
      process.stderr.write(`${reason.message}\n`);
    } catch {
      // stderr closed: nothing to tell
    }
  }
  // A mounted /metrics keeps answering, so the app's routes need no special case.
  const body = 'mcpmeter: telemetry is off in this process (see its stderr).\n';
  return {
    ready: Promise.resolve(),
    shutdown: () => Promise.resolve(),
    meterProvider: new MeterProvider(),
    tracerProvider: new TracerProvider(),
    metricsHandler: (_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
    },
    fetchMetricsHandler: () =>
      Promise.resolve(
        new Response(body, {
          status: 503,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        }),
      ),
  };
}

function createHandle(given: unknown): RegisterHandle {
  // Every option reaches a check: a value of the wrong shape is said once and
  // its default used; register() never throws (issue 15).
  const checked = checkOptions(given);
  const options = checked.options as RegisterOptions;
  const { config, errors } = resolveConfig(options);
  installDiagLogger(config.logLevel);
  installErrorHandler();
  for (const p of [...checked.problems, ...checkEnvironment(process.env)]) diag.error(p.message);
  for (const err of errors) diag.error(err.message);
  // Problems that leave something asked for unserved; `ready` rejects with them.
  const unserved: ConfigurationError[] = [];
  if (options.mcp !== false) {
    (globalThis as Record<symbol, unknown>)[MCP_REGISTER_DEFAULTS] = options.mcp ?? {};
  }

  const resource = buildResource(config, options.resourceAttributes);
  const spanProcessors = config.disabled ? [] : createSpanProcessors(config, options.traces);
  const tracerProvider = new TracerProvider({
    resource,
    sampler: new SafeSampler(options.traces?.sampler ?? samplerFromEnv()),
    spanProcessors,
  });

  const readers: MetricReader[] = [];
  let metricsHandler: MetricsRequestHandler | undefined;
  let fetchMetricsHandler: RegisterHandle['fetchMetricsHandler'];
  let exemplars: ExemplarStore | undefined;
  // Exemplars are captured only for the Prometheus exposition of mcpmeter's engine.
  const wantsExemplars =
    config.metricsExporter === 'prometheus' &&
    config.prometheusEngine === 'mcpmeter' &&
    config.exemplars;
  if (wantsExemplars) exemplars = new ExemplarStore();
  const fast = config.fastHistograms
    ? new FastHistograms({
        histograms: SEMCONV_HISTOGRAMS,
        cardinalityLimit: config.cardinalityLimit,
        views: options.metrics?.views,
        exemplars,
      })
    : undefined;
  if (!config.disabled && config.metricsExporter === 'prometheus') {
    try {
      const exposition = createExposition(config, options.prometheus, {
        exemplars,
        metricProducers: fast ? [fast.producer(AggregationTemporality.CUMULATIVE)] : [],
      });
      readers.push(exposition.reader);
      if (config.hub)
        startHubPush(exposition.reader, {
          endpoint: config.otlpMetricsEndpoint,
          headers: config.otlpHeaders,
        });
      metricsHandler = exposition.handler;
      fetchMetricsHandler = exposition.fetchHandler;
    } catch (err) {
      // Only a malformed auth option gets here: serve nothing rather than serve openly.
      const e = err as ConfigurationError;
      diag.error(e.message);
      unserved.push(e);
    }
  } else if (!config.disabled && config.metricsExporter === 'otlp') {
    const exporter = lazyOtlpMetricExporter(config.otlpMetricsProtocol, {
      url: config.otlpMetricsEndpoint,
      headers: config.otlpHeaders,
    });
    readers.push(
      new PeriodicExportingMetricReader({
        // FastHistograms' data would otherwise reach the collector as a second entry for the same scope.
        exporter: fast ? mergingScopes(exporter) : exporter,
        exportIntervalMillis: config.exportIntervalMillis,
        cardinalityLimits: { default: config.cardinalityLimit },
        metricProducers: fast
          ? [fast.producer(exporter.selectAggregationTemporality(InstrumentType.HISTOGRAM))]
          : [],
      }),
    );
  }
  const sdkMeterProvider = new MeterProvider({
    resource,
    readers,
    views: [...bucketViews(config.cardinalityLimit), ...(options.metrics?.views ?? [])],
  });
  const withCapture = exemplars ? withExemplars(sdkMeterProvider, exemplars) : sdkMeterProvider;
  const meterProvider = fast ? fast.wrap(withCapture) : withCapture;

  const handle: RegisterHandle = {
    ready: Promise.resolve(),
    shutdown: () => Promise.resolve(),
    meterProvider,
    tracerProvider,
    metricsHandler,
    fetchMetricsHandler,
  };
  if (config.disabled) {
    diag.info('mcpmeter: OTEL_SDK_DISABLED=true; telemetry is off.');
    return handle;
  }

  const propagator = new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
  // With nowhere to send spans (OTEL_TRACES_EXPORTER=none), recording them is
  // pure cost on every request: keep the API's no-op tracer, whose spans carry
  // an incoming trace context through unchanged, and keep context propagation.
  const tracing = spanProcessors.length > 0;
  // SDK 3.x has no NodeTracerProvider.register(): set the three globals it used to.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(propagator);
  if (tracing) trace.setGlobalTracerProvider(tracerProvider);
  if (!metrics.setGlobalMeterProvider(meterProvider)) {
    diag.warn(
      "mcpmeter: another MeterProvider was already registered globally; instrumentations use mcpmeter's own.",
    );
  }

  const instrumentations: Instrumentation[] = [];
  if (config.runtimeMetrics) {
    instrumentations.push(new RuntimeNodeInstrumentation());
    observeHeapLimit(meterProvider, PACKAGE_VERSION);
  }
  instrumentations.push(
    ...loadOptionalInstrumentations(options),
    ...(options.instrumentations ?? []),
  );
  const unregisterInstrumentations = registerInstrumentations({
    instrumentations,
    tracerProvider: tracing ? tracerProvider : trace.getTracerProvider(),
    meterProvider,
  });

  let server: MetricsServer | undefined;
  // A span exporter of the user's own replaces OTLP: no collector to probe then.
  const probeOtlp = config.tracesExporter === 'otlp' && !options.traces?.spanExporter;
  const startup = start(config, metricsHandler, unserved, probeOtlp).then((s) => {
    server = s;
    if (s) handle.metricsUrl = s.url;
  });

  let shuttingDown: Promise<void> | undefined;
  const uninstallSignals = config.handleSignals
    ? installSignalHandlers(() => handle.shutdown())
    : () => {};
  const uninstallExitFlush = installExitFlush(() =>
    Promise.allSettled([tracerProvider.forceFlush(), meterProvider.forceFlush()]),
  );
  handle.shutdown = () =>
    (shuttingDown ??= (async () => {
      uninstallSignals();
      uninstallExitFlush();
      await startup.catch(() => {});
      unregisterInstrumentations();
      const results = await Promise.allSettled([
        tracerProvider.shutdown(),
        meterProvider.shutdown(),
        server?.close(),
      ]);
      for (const r of results) {
        if (r.status === 'rejected') diag.error(`mcpmeter: shutdown: ${describeError(r.reason)}`);
      }
      // Leave the globals as a fresh process has them, so register() can run again.
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
      const g = globalThis as GlobalWithHandle;
      if (g[HANDLE] === handle) delete g[HANDLE];
      delete (globalThis as Record<symbol, unknown>)[MCP_REGISTER_DEFAULTS];
    })());

  handle.ready = startup;
  // `ready` is for callers who want to fail fast; nobody awaiting it must not
  // turn a configuration problem into an unhandled rejection that ends the app.
  handle.ready.catch(() => {});
  return handle;
}

async function start(
  config: ResolvedConfig,
  handler: MetricsRequestHandler | undefined,
  unserved: ConfigurationError[],
  probeOtlp: boolean,
): Promise<MetricsServer | undefined> {
  const problems: ConfigurationError[] = [...unserved];
  let server: MetricsServer | undefined;
  if (probeOtlp) {
    // A collector that starts after the app is normal: said once, never a rejection of `ready`.
    void probeEndpoint(config.otlpTracesEndpoint, 'OTEL_EXPORTER_OTLP_ENDPOINT').then((down) => {
      if (down) diag.warn(down.message);
    });
  }
  if (handler && config.prometheus.mode === 'server') {
    try {
      server = await startMetricsServer(handler, config.prometheus);
      diag.debug(`mcpmeter: metrics at ${server.url}`);
    } catch (err) {
      const e =
        err instanceof ConfigurationError
          ? err
          : new ConfigurationError('OTEL_EXPORTER_PROMETHEUS_PORT', String(err));
      diag.error(e.message);
      problems.push(e);
    }
  }
  const [first] = problems;
  if (first && problems.length === 1) throw first;
  if (first) throw new ConfigurationError(first.setting, problems.map((p) => p.message).join('\n'));
  return server;
}

/**
 * The SDK reports export and collection failures through its global error
 * handler, once per batch. Repeat messages are counted, not reprinted.
 */
function installErrorHandler(): void {
  const seen = new Map<string, number>();
  setGlobalErrorHandler((ex) => {
    const message = describeError(ex);
    // Said once per outage, with the endpoint, by ReportingSpanExporter.
    if (/BatchSpanProcessor: span export failed/.test(message)) return;
    const n = seen.get(message) ?? 0;
    if (seen.size < 1000) seen.set(message, n + 1);
    if (n === 0) diag.error(`mcpmeter: ${message}`);
  });
}
