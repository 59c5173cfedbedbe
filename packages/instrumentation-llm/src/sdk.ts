import { context, trace, type Attributes } from '@opentelemetry/api';
import { safeExecute, semconv, warnOnce } from '@mcpmeter/core';
import { llmErrorType } from './errors.js';
import { readJsonBody, type WireFormat } from './formats.js';
import { observeResponse } from './observe.js';
import { LlmOperation, activeOperation, type OperationInit } from './operation.js';
import {
  ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
} from './semconv.js';
import type { LlmTelemetry } from './telemetry.js';

/*
 * Shared by the openai and Anthropic patches (both are Stainless SDKs): the
 * resource method (`create`) opens the operation and runs the SDK call inside
 * its context; the client's `fetch` (wrapped once per client) sees every
 * attempt, counts retries, and hands the final response body to the observer.
 * The SDK's own APIPromise / Stream objects are returned untouched.
 */

export interface SdkCall {
  format: WireFormat;
  operation: string;
  provider: string;
  /** Anthropic: the SDK traces its own calls; defer to that span when the client has a tracer. */
  deferToClientSpan?: boolean;
}

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;
interface StainlessClient {
  baseURL?: unknown;
  fetch?: unknown;
  _tracer?: unknown;
}

const PROBE = Symbol('mcpmeter.context-probe');

/**
 * The SDK's attempts find their operation through the active context, so a
 * context manager must be registered (`@mcpmeter/node`'s register() and the
 * OTel NodeSDK do). Without one, calls are left uninstrumented rather than
 * leaving spans and active-request counts open forever.
 */
let propagatingManager: unknown;

export function contextPropagates(): boolean {
  // The probe (a context and a `with`) once per context manager, not on every call.
  const manager = (
    context as unknown as { _getContextManager?: () => unknown }
  )._getContextManager?.();
  if (manager !== undefined && manager === propagatingManager) return true;
  const probe = context.active().setValue(PROBE, true);
  const ok = context.with(probe, () => context.active().getValue(PROBE) === true);
  if (!ok) {
    warnOnce(
      'instrumentation-llm:no-context-manager',
      'mcpmeter: no OpenTelemetry context manager is registered, so LLM SDK calls are not recorded; ' +
        "register one (e.g. @mcpmeter/node's register(), or context.setGlobalContextManager(new AsyncLocalStorageContextManager()))",
    );
  }
  if (ok) propagatingManager = manager;
  return ok;
}

const WRAPPED_FETCH = Symbol.for('mcpmeter.instrumentation-llm.wrapped-fetch');
const EVENT_ATTEMPT_FAILED = 'mcpmeter.llm.attempt_failed';

/** Wraps a resource's `create` so each call is one LLM operation. */
export function wrapCreate(telemetry: LlmTelemetry, original: AnyFn, call: SdkCall): AnyFn {
  return function mcpmeterCreate(this: unknown, ...args: unknown[]): unknown {
    // Nested: `responses.parse` → `create`, or an instance patch over a prototype patch.
    if (activeOperation() !== undefined || !contextPropagates()) return original.apply(this, args);
    const op = safeExecute(
      () => startOperation(telemetry, this, args, call),
      'starting an LLM span',
    );
    if (op === undefined) return original.apply(this, args);
    let result: unknown;
    try {
      result = context.with(op.context, () => original.apply(this, args));
    } catch (err) {
      op.end({ error: err });
      throw err;
    }
    safeExecute(() => watchFailure(result, op), 'watching an LLM call');
    if (
      op.init.requestBody === undefined ||
      (op.init.requestBody as { stream?: unknown }).stream !== true
    )
      safeExecute(() => readParsedResult(result, op), 'watching an LLM call');
    return result;
  };
}

type ParseResponse = (this: unknown, client: unknown, props: unknown) => Promise<unknown>;
interface ApiPromiseLike {
  responsePromise?: unknown;
  parseResponse?: unknown;
  parsedPromise?: unknown;
  asResponse?: unknown;
}
interface ResponseProps {
  response?: Response;
}

/*
 * A non-streamed call is read from the SDK's own parse of the body (the
 * APIPromise's `parseResponse`, an instance field on both Stainless SDKs)
 * instead of a second reader around the body: no second ReadableStream, no
 * second JSON.parse. A caller who takes the raw `Response` (`asResponse()`)
 * before any parse began gets the body observed as before, through the same
 * `props.response` the SDK would parse, so a later parse reads the same object.
 * Anything unexpected in the SDK's shape leaves `sdkParse` off: the body is
 * then observed as it always was.
 */
function readParsedResult(result: unknown, op: LlmOperation): void {
  const p = result as ApiPromiseLike | null;
  if (
    p === null ||
    typeof p !== 'object' ||
    !(p.responsePromise instanceof Promise) ||
    typeof p.parseResponse !== 'function' ||
    typeof p.asResponse !== 'function'
  )
    return;
  const parse = p.parseResponse as ParseResponse;
  const responsePromise = p.responsePromise as Promise<ResponseProps>;
  const asResponse = p.asResponse as (this: unknown) => unknown;
  p.parseResponse = function mcpmeterParseResponse(
    this: unknown,
    client: unknown,
    props: unknown,
  ): Promise<unknown> {
    return parse.call(this, client, props).then(
      (value) => {
        if (!op.ended && !op.observingBody) {
          safeExecute(() => readJsonBody(op.init.format, value, op), 'reading an LLM response');
          op.end({ status: (props as ResponseProps | undefined)?.response?.status });
        }
        return value;
      },
      (err: unknown) => {
        // As when the body was observed: a body the SDK cannot parse ends the call without usage.
        if (!op.ended && !op.observingBody)
          op.end({ status: (props as ResponseProps | undefined)?.response?.status });
        throw err;
      },
    );
  };
  p.asResponse = function mcpmeterAsResponse(this: ApiPromiseLike): unknown {
    // Runs before the SDK's own reaction to the same promise (reactions run in order).
    responsePromise.then(
      (props) => {
        if (this.parsedPromise !== undefined || op.ended || op.observingBody) return;
        const res = props?.response;
        if (res === undefined || res === null || typeof res !== 'object') return;
        safeExecute(() => {
          props.response = observeResponse(res, op);
        }, 'observing an LLM response');
      },
      () => undefined,
    );
    return asResponse.call(this);
  };
  op.sdkParse = true;
}

function startOperation(
  telemetry: LlmTelemetry,
  resource: unknown,
  args: unknown[],
  call: SdkCall,
): LlmOperation {
  const client = (resource as { _client?: StainlessClient })._client;
  if (client !== undefined) wrapClientFetch(client);
  const baseURL = typeof client?.baseURL === 'string' ? client.baseURL : undefined;
  const endpoint = baseURL === undefined ? undefined : telemetry.endpointFor(baseURL);
  let body = args[0] as Record<string, unknown> | undefined;
  if (
    telemetry.options.includeStreamUsage === true &&
    call.format === 'openai.chat' &&
    body?.stream === true &&
    (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === undefined
  ) {
    body = {
      ...body,
      stream_options: { ...(body.stream_options as object | undefined), include_usage: true },
    };
    args[0] = body;
  }
  const provider = endpoint?.providerName ?? call.provider;
  const init: OperationInit = {
    operation: call.operation,
    provider,
    catalogProvider: endpoint?.catalogProvider ?? provider,
    format: call.format,
    requestModel: typeof body?.model === 'string' ? body.model : undefined,
    requestAttributes: requestAttributes(body),
    requestBody: body,
    ownSpan: !(
      call.deferToClientSpan === true &&
      client?._tracer !== undefined &&
      client._tracer !== null
    ),
    ...serverOf(baseURL),
  };
  return new LlmOperation(telemetry, init);
}

export function requestAttributes(body: Record<string, unknown> | undefined): Attributes {
  const attrs: Attributes = {};
  if (body === undefined) return attrs;
  const maxTokens = body.max_tokens ?? body.max_completion_tokens ?? body.max_output_tokens;
  if (typeof maxTokens === 'number') attrs[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = maxTokens;
  if (typeof body.temperature === 'number')
    attrs[ATTR_GEN_AI_REQUEST_TEMPERATURE] = body.temperature;
  if (typeof body.top_p === 'number') attrs[ATTR_GEN_AI_REQUEST_TOP_P] = body.top_p;
  if (body.stream === true) attrs[ATTR_GEN_AI_REQUEST_STREAM] = true;
  if (typeof body.encoding_format === 'string')
    attrs[ATTR_GEN_AI_REQUEST_ENCODING_FORMATS] = [body.encoding_format];
  return attrs;
}

type ServerOf = { serverAddress?: string; serverPort?: number };
/** Base URLs seen, parsed once (a client keeps its base URL: a handful per process). */
const servers = new Map<string, ServerOf>();

/** `server.address` / `server.port` of a base URL. */
export function serverOf(url: string | undefined): ServerOf {
  if (url === undefined) return {};
  let found = servers.get(url);
  if (found === undefined) {
    found = parseServer(url);
    if (servers.size < 100) servers.set(url, found);
  }
  return found;
}

function parseServer(url: string): ServerOf {
  try {
    const u = new URL(url);
    const port = u.port !== '' ? Number(u.port) : u.protocol === 'http:' ? 80 : 443;
    return { serverAddress: u.hostname.replace(/^\[(.*)\]$/, '$1'), serverPort: port };
  } catch {
    return {};
  }
}

/**
 * A call that fails after all retries rejects the APIPromise's `responsePromise`
 * (public on both SDKs). Watching it, rather than the APIPromise itself, does
 * not trigger parsing of the body, so `asResponse()` keeps working.
 */
function watchFailure(result: unknown, op: LlmOperation): void {
  const rp = (result as { responsePromise?: unknown } | null)?.responsePromise;
  if (rp instanceof Promise) {
    rp.then(undefined, (err: unknown) => op.end({ error: err, status: statusOf(err) }));
  }
}

function isEventStream(res: Response): boolean {
  return (res.headers.get('content-type') ?? '').includes('text/event-stream');
}

function statusOf(err: unknown): number | undefined {
  const s = (err as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
}

/** Wraps `client.fetch` once, so every attempt of an instrumented call is seen. */
export function wrapClientFetch(client: StainlessClient): void {
  const original = client.fetch as ((url: unknown, init?: unknown) => Promise<Response>) & {
    [WRAPPED_FETCH]?: true;
  };
  if (typeof original !== 'function' || original[WRAPPED_FETCH] === true) return;
  const wrapped = function mcpmeterFetch(url: unknown, init?: unknown): Promise<Response> {
    const op = activeOperation();
    if (op === undefined || op.ended) return original.call(undefined, url, init);
    return attempt(op, () => original.call(undefined, url, init));
  } as typeof original;
  wrapped[WRAPPED_FETCH] = true;
  client.fetch = wrapped;
}

/** One HTTP attempt of an operation: counts it and observes its response. */
export function attempt(op: LlmOperation, send: () => Promise<Response>): Promise<Response> {
  op.attempts++;
  if (op.span === undefined && op.foreignSpan === undefined) {
    const active = trace.getActiveSpan();
    if (active !== undefined && active !== op.parentSpan) op.foreignSpan = active;
  }
  return send().then(
    (res) => {
      if (op.ended) return res;
      if (res.status >= 400) {
        // The SDK decides whether to retry; the final failure ends the operation through its rejection.
        op.span?.addEvent(EVENT_ATTEMPT_FAILED, {
          [semconv.ATTR_ERROR_TYPE]: String(res.status),
          [ATTR_HTTP_RESPONSE_STATUS_CODE]: res.status,
        });
        return res;
      }
      // A JSON body the SDK parses is read from its result (readParsedResult).
      if (op.sdkParse && !isEventStream(res)) return res;
      return safeExecute(() => observeResponse(res, op), 'observing an LLM response') ?? res;
    },
    (err: unknown) => {
      const type = llmErrorType(err);
      if (type !== undefined)
        op.span?.addEvent(EVENT_ATTEMPT_FAILED, { [semconv.ATTR_ERROR_TYPE]: type });
      throw err;
    },
  );
}
