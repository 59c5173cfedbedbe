import { context, diag } from '@opentelemetry/api';
import { safeExecute } from '@mcpmeter/core';
import { formatFromPath } from './formats.js';
import { LlmOperation, activeOperation } from './operation.js';
import { attempt, serverOf } from './sdk.js';
import { LlmTelemetry } from './telemetry.js';
import type { LlmEndpoint, LlmTelemetryOptions } from './types.js';

/** Options of {@link instrumentFetch}: `endpoints` says which requests are LLM calls. */
export interface InstrumentFetchOptions extends LlmTelemetryOptions {
  endpoints: LlmEndpoint[];
}

type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Wraps a `fetch` so calls to OpenAI-compatible (or Anthropic-compatible)
 * endpoints, chosen by base URL, are recorded like SDK calls: a span, tokens,
 * cost, latency and time to first chunk. Other requests pass through
 * untouched. A request made by an instrumented SDK client (which may use this
 * fetch underneath) is recorded once, by the SDK instrumentation.
 *
 * @example
 * const fetch2 = instrumentFetch(fetch, {
 *   endpoints: [{ baseURL: 'https://openrouter.ai/api/v1', providerName: 'openrouter', catalogProvider: 'openai' }],
 * });
 */
export function instrumentFetch<F extends FetchFn>(fetchFn: F, options: InstrumentFetchOptions): F {
  let telemetry: LlmTelemetry;
  try {
    if (!Array.isArray(options?.endpoints) || options.endpoints.length === 0) {
      diag.error(
        'mcpmeter: instrumentFetch() needs "endpoints" ([{ baseURL, providerName }]); no request will be recorded',
      );
    }
    telemetry = new LlmTelemetry(options ?? { endpoints: [] });
  } catch (err) {
    diag.error(`mcpmeter: instrumentFetch() failed; fetch is returned as it was: ${String(err)}`);
    return fetchFn;
  }
  const wrapped = function mcpmeterFetch(
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> {
    if (activeOperation() !== undefined) return fetchFn(input, init); // an SDK call records itself
    const op = safeExecute(
      () => startFetchOperation(telemetry, input, init),
      'starting an LLM span',
    );
    if (op === undefined) return fetchFn(input, init);
    return context.with(op.context, () =>
      attempt(op, () => fetchFn(input, init)).then(
        (res) => {
          // `attempt` observes 2xx bodies; an error status ends the operation here (no SDK to retry).
          if (res.status >= 400) op.end({ errorType: String(res.status), status: res.status });
          return res;
        },
        (err: unknown) => {
          op.end({ error: err });
          throw err;
        },
      ),
    );
  };
  return wrapped as F;
}

function startFetchOperation(
  telemetry: LlmTelemetry,
  input: string | URL | Request,
  init: RequestInit | undefined,
): LlmOperation | undefined {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  if (method !== 'POST') return undefined;
  const endpoint = telemetry.endpointFor(url);
  if (endpoint === undefined) return undefined;
  const pathname = new URL(url).pathname;
  const format = formatFromPath(pathname, endpoint.api ?? 'openai');
  if (format === undefined) return undefined;
  const body = parseBody(init?.body);
  const model = typeof body?.model === 'string' ? body.model : undefined;
  return new LlmOperation(telemetry, {
    operation: format === 'openai.embeddings' ? 'embeddings' : 'chat',
    provider: endpoint.providerName,
    catalogProvider: endpoint.catalogProvider ?? endpoint.providerName,
    format,
    requestModel: model,
    requestAttributes: body?.stream === true ? { 'gen_ai.request.stream': true } : {},
    requestBody: body,
    ownSpan: true,
    ...serverOf(url),
  });
}

/** The JSON request body when it is a string or bytes (a stream body is not read). */
function parseBody(body: unknown): Record<string, unknown> | undefined {
  try {
    let text: string | undefined;
    if (typeof body === 'string') text = body;
    else if (body instanceof Uint8Array) text = Buffer.from(body).toString('utf8');
    else if (body instanceof ArrayBuffer) text = Buffer.from(body).toString('utf8');
    if (text === undefined) return undefined;
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
