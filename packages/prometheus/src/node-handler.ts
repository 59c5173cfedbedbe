import type { IncomingMessage, ServerResponse } from 'node:http';
import { diag } from '@opentelemetry/api';
import { describeError } from '@mcpmeter/core';
import { createAuthCheck, type MetricsAuth } from './auth.js';
import type { PrometheusReader } from './reader.js';
import { respondToScrape, type MetricsResponse } from './respond.js';

export interface MetricsHandlerOptions {
  /** Require a bearer token or basic-auth credentials (401 without them). @default undefined (open) */
  auth?: MetricsAuth;
}

/** A `(req, res)` handler, as `http.createServer` and Express (`app.get('/metrics', handler)`) take it. */
export type NodeMetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A `node:http` / Express handler serving the exposition on whatever path it is
 * mounted. Throws a TypeError at setup when `auth` is malformed.
 *
 * @example
 * app.get('/metrics', createMetricsHandler(reader, { auth: { bearerToken: process.env.METRICS_TOKEN! } }));
 */
export function createMetricsHandler(
  reader: PrometheusReader,
  options: MetricsHandlerOptions = {},
): NodeMetricsHandler {
  const auth = createAuthCheck(options.auth);
  return (req, res) => {
    respondToScrape(reader, req.method, req.headers.accept, req.headers.authorization, auth).then(
      (r) => writeResponse(res, r),
      (err: unknown) => {
        diag.error(`mcpmeter: the metrics handler failed: ${describeError(err)}`);
        if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
      },
    );
  };
}

/**
 * Writes a MetricsResponse piece by piece, the next one when the socket has
 * taken the last (its 'drain'): only the piece in flight is copied out of the
 * V8 heap, so a 28 MB exposition costs no 28 MB of native memory per scrape.
 */
export function writeResponse(res: ServerResponse, r: MetricsResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(r.status, r.headers);
  const body = r.body;
  let i = 0;
  const next = (): void => {
    while (i < body.length) {
      if (res.destroyed) return;
      if (!res.write(body[i++]!)) {
        res.once('drain', next);
        return;
      }
    }
    res.end();
  };
  next();
}
