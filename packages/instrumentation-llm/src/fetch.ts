import { diag } from '@opentelemetry/api';
import { responseWithBody } from './observe.js';
import { LlmTelemetry } from './telemetry.js';
import type { LlmEndpoint, LlmTelemetryOptions } from './types.js';
import type { WireCall } from './wire/call.js';
import { WireCapture, withoutWireCapture } from './wire/capture.js';

/** Options of {@link instrumentFetch}: `endpoints` says which requests are LLM calls. */
export interface InstrumentFetchOptions extends LlmTelemetryOptions {
  endpoints: LlmEndpoint[];
}

type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Wraps a `fetch` so calls to LLM endpoints, chosen by base URL, are recorded
 * like SDK calls: a span, tokens, cost, latency and time to first chunk, in
 * any wire format the endpoint's `api` names (OpenAI, Anthropic, Gemini,
 * Bedrock, Ollama). Other requests pass through untouched. A request made by
 * an instrumented SDK client is recorded once, by the SDK instrumentation; a
 * request recorded here is not recorded again by the zero-code wire capture.
 *
 * @example
 * const fetch2 = instrumentFetch(fetch, {
 *   endpoints: [{ baseURL: 'https://openrouter.ai/api/v1', providerName: 'openrouter', catalogProvider: 'openai' }],
 * });
 */
export function instrumentFetch<F extends FetchFn>(fetchFn: F, options: InstrumentFetchOptions): F {
  let telemetry: LlmTelemetry;
  let capture: WireCapture;
  try {
    if (!Array.isArray(options?.endpoints) || options.endpoints.length === 0) {
      diag.error(
        'mcpmeter: instrumentFetch() needs "endpoints" ([{ baseURL, providerName }]); no request will be recorded',
      );
    }
    telemetry = new LlmTelemetry(options ?? { endpoints: [] });
    capture = new WireCapture(() => telemetry, telemetry.endpoints, { builtIns: false });
  } catch (err) {
    diag.error(`mcpmeter: instrumentFetch() failed; fetch is returned as it was: ${String(err)}`);
    return fetchFn;
  }
  return captureFetch(fetchFn, capture);
}

/**
 * `fetchFn` with every call the capture recognises recorded; the inner call
 * runs with the zero-code wire capture suppressed, so it is not recorded twice.
 */
export function captureFetch<F extends FetchFn>(fetchFn: F, capture: WireCapture): F {
  const wrapped = function mcpmeterFetch(
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> {
    let call: WireCall | undefined;
    try {
      call = startCall(capture, input, init);
    } catch {
      call = undefined;
    }
    if (call === undefined) return fetchFn(input, init);
    const c = call;
    return withoutWireCapture(() => fetchFn(input, init)).then(
      (res) => observe(res, c),
      (err: unknown) => {
        c.error(err);
        throw err;
      },
    );
  };
  return wrapped as F;
}

function startCall(
  capture: WireCapture,
  input: string | URL | Request,
  init: RequestInit | undefined,
): WireCall | undefined {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  if (method !== 'POST') return undefined;
  const url = new URL(href);
  const call = capture.start(method, {
    protocol: url.protocol,
    host: url.host,
    path: url.pathname + url.search,
  });
  if (call === undefined) return undefined;
  const body = init?.body;
  call.begin(
    typeof body === 'string'
      ? body
      : body instanceof Uint8Array
        ? body
        : body instanceof ArrayBuffer
          ? new Uint8Array(body)
          : undefined,
  );
  return call;
}

/** The same Response, its body passed through the call's observer chunk by chunk (nothing buffered). */
function observe(response: Response, call: WireCall): Response {
  try {
    call.response(response.status, response.headers.get('content-type') ?? '');
    const body = response.body;
    if (body === null) {
      call.end();
      return response;
    }
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    const observed = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          let chunk: Awaited<ReturnType<typeof reader.read>>;
          try {
            chunk = await reader.read();
          } catch (err) {
            call.error(err);
            controller.error(err);
            return;
          }
          if (chunk.done) {
            call.end();
            controller.close();
            return;
          }
          call.chunk(chunk.value);
          controller.enqueue(chunk.value);
        },
        cancel(reason) {
          const err = new Error('the response body was cancelled by its reader');
          err.name = 'AbortError';
          call.error(err);
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return responseWithBody(response, observed);
  } catch {
    return response;
  }
}
