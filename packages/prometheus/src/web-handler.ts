import { createAuthCheck } from './auth.js';
import type { MetricsHandlerOptions } from './node-handler.js';
import type { PrometheusReader } from './reader.js';
import { respondToScrape } from './respond.js';

/** A Web-standard handler: `Request` → `Response` (Hono, Bun, Deno, Next.js route handlers). */
export type FetchMetricsHandler = (request: Request) => Promise<Response>;

/** The part of a Hono context the handler uses. */
export interface HonoLikeContext {
  req: { raw: Request };
}

/** Serves the exposition for a Web `Request`. Throws a TypeError at setup when `auth` is malformed. */
export function createFetchMetricsHandler(
  reader: PrometheusReader,
  options: MetricsHandlerOptions = {},
): FetchMetricsHandler {
  const auth = createAuthCheck(options.auth);
  return async (request) => {
    const h = request.headers;
    const r = await respondToScrape(
      reader,
      request.method,
      h.get('accept'),
      h.get('authorization'),
      auth,
    );
    const body = request.method === 'HEAD' ? null : new Blob(r.body as (string | Buffer)[]);
    return new Response(body, { status: r.status, headers: r.headers });
  };
}

/**
 * A Hono handler.
 *
 * @example
 * app.get('/metrics', createHonoMetricsHandler(reader));
 */
export function createHonoMetricsHandler(
  reader: PrometheusReader,
  options: MetricsHandlerOptions = {},
): (c: HonoLikeContext) => Promise<Response> {
  const handle = createFetchMetricsHandler(reader, options);
  return (c) => handle(c.req.raw);
}
