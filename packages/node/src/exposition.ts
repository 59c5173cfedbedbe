import { diag } from '@opentelemetry/api';
import type { ExemplarStore } from '@mcpmeter/core';
import {
  createFetchMetricsHandler,
  createMetricsHandler,
  PrometheusReader,
  serveMetrics,
  type FetchMetricsHandler,
  type MetricsServer,
} from '@mcpmeter/prometheus';
import type { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MetricReader, type MetricProducer } from '@opentelemetry/sdk-metrics';
import type { ResolvedConfig } from './config.js';
import { ConfigurationError } from './errors.js';
import { load } from './lazy-exporters.js';
import type { MetricsRequestHandler, PrometheusOptions } from './types.js';

/** A pull reader plus a request handler that serves what it collects. */
export interface Exposition {
  reader: MetricReader;
  handler: MetricsRequestHandler;
  /** The same exposition for Web `Request` → `Response` servers (Hono, Bun, Next.js). */
  fetchHandler?: FetchMetricsHandler;
}

/** What the exposition reads besides the SDK's own data. */
export interface ExpositionSources {
  /** Exemplars captured by `withExemplars` / fast histograms (mcpmeter engine only). */
  exemplars?: ExemplarStore;
  /** More data for the reader (fast histograms). */
  metricProducers: MetricProducer[];
}

export function createExposition(
  config: ResolvedConfig,
  options: PrometheusOptions = {},
  sources: ExpositionSources = { metricProducers: [] },
): Exposition {
  if (config.prometheusEngine === 'otel') return officialExposition(options, sources);
  const exemplars = sources.exemplars;
  const limit = config.cardinalityLimit;
  const reader = new PrometheusReader({
    naming: config.prometheusNaming,
    exemplars,
    withoutScopeInfo: options.withoutScopeInfo,
    resourceConstantLabels: options.resourceConstantLabels,
    cardinalitySelector: () => limit,
    metricProducers: sources.metricProducers,
  });
  let handler: MetricsRequestHandler;
  let fetchHandler: FetchMetricsHandler;
  try {
    handler = createMetricsHandler(reader, { auth: options.auth });
    fetchHandler = createFetchMetricsHandler(reader, { auth: options.auth });
  } catch (err) {
    throw new ConfigurationError(
      'prometheus.auth',
      `mcpmeter: prometheus.auth is not usable (${(err as Error).message}); pass { bearerToken: '…' } or { username: '…', password: '…' } with non-empty strings.`,
    );
  }
  return { reader, handler, fetchHandler };
}

/** A pull reader with the SDK's defaults (cumulative), as `PrometheusExporter` is one. */
class PullReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/*
 * The official exporter's exposition (`prometheus.engine: 'otel'`), answered as
 * its `getMetricsRequestHandler` does. Its module loads on the first scrape, not
 * at start-up (issue 20): the default engine is mcpmeter's.
 */
function officialExposition(options: PrometheusOptions, sources: ExpositionSources): Exposition {
  const reader = new PullReader({ metricProducers: sources.metricProducers });
  const constantLabels =
    options.resourceConstantLabels instanceof RegExp ? options.resourceConstantLabels : undefined;
  let serializer: Promise<PrometheusSerializer> | undefined;
  const handler: MetricsRequestHandler = (_req, res) => {
    res.statusCode = 200;
    res.setHeader('content-type', 'text/plain');
    serializer ??= load(
      '@opentelemetry/exporter-prometheus',
      () => import('@opentelemetry/exporter-prometheus'),
    ).then(
      (m) => new m.PrometheusSerializer('', false, constantLabels, false, options.withoutScopeInfo),
    );
    Promise.all([serializer, reader.collect()])
      .then(([s, { resourceMetrics, errors }]) => {
        if (errors.length) diag.error('PrometheusExporter: metrics collection errors', ...errors);
        res.end(s.serialize(resourceMetrics));
      })
      // A module that failed to load or a serializer that threw: the scrape says so, the app runs on.
      .catch((err: unknown) => {
        if (!res.writableEnded) res.end(`# failed to export metrics: ${String(err)}`);
      });
  };
  return { reader, handler };
}

/**
 * Serves `handler` on `host:port` + `path` (404 elsewhere) with the exposition
 * package's server, unref'd so it never keeps a finishing process alive. A listen
 * failure rejects once with a ConfigurationError naming the setting and the fix.
 */
export async function startMetricsServer(
  handler: MetricsRequestHandler,
  { host, port, path }: ResolvedConfig['prometheus'],
): Promise<MetricsServer> {
  try {
    return await serveMetrics(handler, { host, port, path, unref: true });
  } catch (err) {
    const code = ((err as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    const setting =
      code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EADDRNOTAVAIL'
        ? 'OTEL_EXPORTER_PROMETHEUS_HOST'
        : 'OTEL_EXPORTER_PROMETHEUS_PORT';
    throw new ConfigurationError(
      setting,
      `${(err as Error).message} The app keeps running without the metrics endpoint.`,
    );
  }
}
