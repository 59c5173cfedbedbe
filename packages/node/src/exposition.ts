import { diag } from '@opentelemetry/api';
import { ExemplarStore } from '@mcpmeter/core';
import {
  createFetchMetricsHandler,
  createMetricsHandler,
  PrometheusReader,
  type FetchMetricsHandler,
} from '@mcpmeter/prometheus';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResolvedConfig } from './config.js';
import { ConfigurationError } from './errors.js';
import type { MetricsRequestHandler, PrometheusOptions } from './types.js';

/** A pull reader plus a request handler that serves what it collects. */
export interface Exposition {
  reader: MetricReader;
  handler: MetricsRequestHandler;
  /** The same exposition for Web `Request` → `Response` servers (Hono, Bun, Next.js). */
  fetchHandler?: FetchMetricsHandler;
  /** Set when exemplars are on: wrap the MeterProvider with `withExemplars(provider, store)`. */
  exemplars?: ExemplarStore;
}

export function createExposition(
  config: ResolvedConfig,
  options: PrometheusOptions = {},
): Exposition {
  if (config.prometheusEngine === 'otel') {
    const exporter = new PrometheusExporter({
      preventServerStart: true,
      withoutScopeInfo: options.withoutScopeInfo,
      withResourceConstantLabels:
        options.resourceConstantLabels instanceof RegExp
          ? options.resourceConstantLabels
          : undefined,
    });
    return { reader: exporter, handler: (req, res) => exporter.getMetricsRequestHandler(req, res) };
  }
  const exemplars = config.exemplars ? new ExemplarStore() : undefined;
  const limit = config.cardinalityLimit;
  const reader = new PrometheusReader({
    naming: config.prometheusNaming,
    exemplars,
    withoutScopeInfo: options.withoutScopeInfo,
    resourceConstantLabels: options.resourceConstantLabels,
    cardinalitySelector: () => limit,
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
  return { reader, handler, fetchHandler, exemplars };
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `handler` on `host:port` + `path`. The server is unref'd so it never
 * keeps a finishing process alive. A listen failure rejects once with a message
 * that names the setting and the fix.
 */
export function startMetricsServer(
  handler: MetricsRequestHandler,
  { host, port, path }: ResolvedConfig['prometheus'],
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    if (pathname !== path) {
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`Not found: the metrics are at ${path}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    handler(req, res);
  });
  server.unref();
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(listenError(err, host, port));
    });
    server.listen({ host, port }, () => {
      const addr = server.address() as AddressInfo;
      const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      const url = `http://${host === 'localhost' ? 'localhost' : shownHost}:${addr.port}${path}`;
      server.on('error', (err) => diag.error(`mcpmeter: metrics server error: ${err.message}`));
      resolve({
        url,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections?.();
          }),
      });
    });
  });
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): ConfigurationError {
  switch (err.code) {
    case 'EADDRINUSE':
      return new ConfigurationError(
        'OTEL_EXPORTER_PROMETHEUS_PORT',
        `mcpmeter: cannot serve /metrics: port ${port} on ${host} is already in use. Set OTEL_EXPORTER_PROMETHEUS_PORT (or prometheus.port) to a free port, or 0 for any free port. The app keeps running without the metrics endpoint.`,
      );
    case 'EACCES':
      return new ConfigurationError(
        'OTEL_EXPORTER_PROMETHEUS_PORT',
        `mcpmeter: cannot serve /metrics: no permission to listen on port ${port}. Use a port above 1023 in OTEL_EXPORTER_PROMETHEUS_PORT (default 9464). The app keeps running without the metrics endpoint.`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EADDRNOTAVAIL':
      return new ConfigurationError(
        'OTEL_EXPORTER_PROMETHEUS_HOST',
        `mcpmeter: cannot serve /metrics: host ${JSON.stringify(host)} is not an address of this machine (${err.code}). Set OTEL_EXPORTER_PROMETHEUS_HOST to localhost, 127.0.0.1 or 0.0.0.0. The app keeps running without the metrics endpoint.`,
      );
    default:
      return new ConfigurationError(
        'OTEL_EXPORTER_PROMETHEUS_PORT',
        `mcpmeter: cannot serve /metrics on ${host}:${port}: ${err.code ?? err.message}. Check OTEL_EXPORTER_PROMETHEUS_HOST and OTEL_EXPORTER_PROMETHEUS_PORT. The app keeps running without the metrics endpoint.`,
      );
  }
}
