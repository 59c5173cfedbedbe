import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { diag } from '@opentelemetry/api';
import { describeError } from '@mcpmeter/core';
import { createAuthCheck, type MetricsAuth } from './auth.js';
import type { PrometheusReader } from './reader.js';
import { writeResponse, type NodeMetricsHandler } from './node-handler.js';
import { respondToScrape } from './respond.js';

/*
 * `node:http` as the CJS builtin, not an ES import: the ESM facade of a builtin
 * reads every export, and node:http's lazy WebSocket/undici getters then load
 * undici (~75 ms CPU and ~16 MiB RSS at start-up, issue 20) in a process that
 * may never use it.
 */
const nodeHttp = () => process.getBuiltinModule('node:http');

export interface MetricsServerOptions {
  /** Interface to listen on. @default process.env.OTEL_EXPORTER_PROMETHEUS_HOST ?? 'localhost' */
  host?: string;
  /** Port (0 picks a free one). @default process.env.OTEL_EXPORTER_PROMETHEUS_PORT ?? 9464 */
  port?: number;
  /** Path of the endpoint; other paths answer 404. @default '/metrics' */
  path?: string;
  /** Require a bearer token or basic-auth credentials. @default undefined (open) */
  auth?: MetricsAuth;
  /** Let the process exit while the server is listening (telemetry should not keep an app alive). @default false */
  unref?: boolean;
}

export interface MetricsServer {
  /** e.g. `http://localhost:9464/metrics` */
  url: string;
  close(): Promise<void>;
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  let fix: string;
  switch (err.code) {
    case 'EADDRINUSE':
      fix = `the port is in use by another process. Set OTEL_EXPORTER_PROMETHEUS_PORT (or the "port" option) to a free port, or stop the other process (see docs/troubleshooting.md#the-metrics-port-is-in-use)`;
      break;
    case 'EACCES':
    case 'EPERM':
      fix = `this process may not listen there (ports below 1024 need privileges). Set OTEL_EXPORTER_PROMETHEUS_PORT (or "port") to a port of 1024 or more`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EADDRNOTAVAIL':
      fix = `"${host}" is not an address of this machine. Set OTEL_EXPORTER_PROMETHEUS_HOST (or "host") to localhost, 0.0.0.0 or an address this machine has`;
      break;
    default:
      fix = `check OTEL_EXPORTER_PROMETHEUS_HOST and OTEL_EXPORTER_PROMETHEUS_PORT (or the "host" and "port" options)`;
  }
  return new Error(
    `mcpmeter: the Prometheus endpoint could not listen on ${where} (${err.code ?? err.message}): ${fix}.`,
    {
      cause: err,
    },
  );
}

function envPort(): number | Error {
  const raw = process.env.OTEL_EXPORTER_PROMETHEUS_PORT;
  if (raw === undefined || raw.trim() === '') return 9464;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return new Error(
      `mcpmeter: OTEL_EXPORTER_PROMETHEUS_PORT="${raw}" is not a port number; set it to an integer from 0 to 65535 (default 9464).`,
    );
  }
  return port;
}

/**
 * Starts an HTTP server for the exposition. Resolves once listening; rejects
 * once, with an Error naming the setting to change, when it cannot listen.
 * Options win over `OTEL_EXPORTER_PROMETHEUS_HOST` / `_PORT`.
 */
export function startMetricsServer(
  reader: PrometheusReader,
  options: MetricsServerOptions = {},
): Promise<MetricsServer> {
  const auth = createAuthCheck(options.auth);
  return serveMetrics((req, res) => {
    respondToScrape(reader, req.method, req.headers.accept, req.headers.authorization, auth).then(
      (r) => writeResponse(res, r),
      (err: unknown) => {
        diag.error(`mcpmeter: the metrics server failed to answer: ${describeError(err)}`);
        if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
      },
    );
  }, options);
}

/**
 * The server behind {@link startMetricsServer}, for any `(req, res)` metrics
 * handler (another exposition engine, a handler with its own auth): `path` goes to
 * `handler`, every other path answers 404. `auth` is not applied here.
 */
export async function serveMetrics(
  handler: NodeMetricsHandler,
  options: Omit<MetricsServerOptions, 'auth'> = {},
): Promise<MetricsServer> {
  const host = options.host ?? (process.env.OTEL_EXPORTER_PROMETHEUS_HOST?.trim() || 'localhost');
  const port = options.port ?? envPort();
  if (port instanceof Error) throw port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `mcpmeter: the metrics server option "port" (${String(port)}) must be an integer from 0 to 65535.`,
    );
  }
  const path = options.path ?? '/metrics';

  const server: Server = nodeHttp().createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    if ((q === -1 ? url : url.slice(0, q)) !== path) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found\n');
      return;
    }
    handler(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => reject(listenError(err, host, port));
    server.once('error', onError);
    try {
      server.listen(port, host, () => {
        server.off('error', onError);
        resolve();
      });
    } catch (err) {
      // e.g. ERR_SOCKET_BAD_PORT thrown synchronously
      server.off('error', onError);
      reject(listenError(err as NodeJS.ErrnoException, host, port));
    }
  });
  if (options.unref === true) server.unref();
  server.on('error', (err) =>
    diag.error(`mcpmeter: the metrics server reported an error: ${describeError(err)}`),
  );

  const addr = server.address() as AddressInfo;
  const shownHost = addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  const urlHost = host === 'localhost' ? 'localhost' : shownHost;
  return {
    url: `http://${urlHost}:${addr.port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
