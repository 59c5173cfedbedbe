import type { ExemplarStore } from '@mcpmeter/core';
import {
  createFetchMetricsHandler,
  createMetricsHandler,
  PrometheusReader,
  serveMetrics,
  type FetchMetricsHandler,
  type MetricsServer,
} from '@mcpmeter/prometheus';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { MetricProducer, MetricReader } from '@opentelemetry/sdk-metrics';
import type { ResolvedConfig } from './config.js';
import { ConfigurationError } from './errors.js';
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
  if (config.prometheusEngine === 'otel') {
    const exporter = new PrometheusExporter({
      preventServerStart: true,
      metricProducers: sources.metricProducers,
      withoutScopeInfo: options.withoutScopeInfo,
      withResourceConstantLabels:
        options.resourceConstantLabels instanceof RegExp
          ? options.resourceConstantLabels
          : undefined,
    });
    return { reader: exporter, handler: (req, res) => exporter.getMetricsRequestHandler(req, res) };
  }
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
