import { diag } from '@opentelemetry/api';
import { describeError } from '@mcpmeter/core';
import type { AuthCheck } from './auth.js';
import { piecesOf, type PrometheusReader } from './reader.js';

/** A transport-neutral answer to one request for the metrics endpoint. */
export interface MetricsResponse {
  status: number;
  headers: Record<string, string>;
  /** Pieces to write in order, strings as UTF-8 (empty for HEAD). */
  body: readonly (string | Buffer)[];
}

const text = (s: string): Buffer[] => [Buffer.from(s, 'utf8')];

/** GET/HEAD → the exposition; other methods → 405; missing credentials → 401. */
export async function respondToScrape(
  reader: PrometheusReader,
  method: string | undefined,
  accept: string | null | undefined,
  authorization: string | null | undefined,
  auth: AuthCheck | undefined,
): Promise<MetricsResponse> {
  if (auth !== undefined && !auth.allows(authorization)) {
    return {
      status: 401,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': auth.challenge },
      body: text('Unauthorized\n'),
    };
  }
  if (method !== 'GET' && method !== 'HEAD') {
    return {
      status: 405,
      headers: { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' },
      body: text('Method Not Allowed\n'),
    };
  }
  try {
    const result = await reader.scrape(accept ?? undefined);
    return {
      status: 200,
      headers: {
        'content-type': result.contentType,
        'content-length': String(result.byteLength),
        'cache-control': 'no-store',
      },
      body: method === 'HEAD' ? [] : piecesOf(result),
    };
  } catch (err) {
    diag.error(
      `mcpmeter: a Prometheus scrape failed: ${describeError(err)}. Check that the PrometheusReader was passed to the MeterProvider ("readers") and has not been shut down.`,
    );
    return {
      status: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: text('metrics collection failed\n'),
    };
  }
}
