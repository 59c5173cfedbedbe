import { trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { safeExecute } from '@mcpmeter/core';
import { LlmOperation } from '../operation.js';
import { requestAttributes } from '../sdk.js';
import {
  ATTR_CLOUD_REGION,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
} from '../semconv.js';
import type { LlmTelemetry } from '../telemetry.js';
import { BodyObserver, framingOf } from './body.js';
import type { ResolvedEndpoint } from './endpoints.js';
import type { Route } from './route.js';

/** Largest request body read for the model name and request attributes. */
const MAX_REQUEST_BODY = 4 * 1024 * 1024;

export interface WireRequest {
  protocol: string;
  /** host[:port] */
  host: string;
  path: string;
}

/**
 * One LLM call seen on the wire, whatever the transport (undici, node:http,
 * node:http2): the transport reports the request body, the response head,
 * body chunks and the end; this turns them into one {@link LlmOperation}.
 * Every method is safe to call in any order and never throws.
 */
export class WireCall {
  private op: LlmOperation | undefined;
  private body: BodyObserver | undefined;
  private done = false;
  /** When the request was created: the operation may start later, once its body was written. */
  private readonly createdAt = performance.now();

  constructor(
    private readonly telemetry: LlmTelemetry,
    private readonly endpoint: ResolvedEndpoint,
    private readonly route: Route,
    private readonly request: WireRequest,
    private readonly parent: Context,
    private readonly onUnparsed: (endpoint: ResolvedEndpoint, host: string, reason: string) => void,
  ) {}

  /** The request body is known (or unknowable: `undefined`): the operation starts. */
  begin(body: string | Uint8Array | undefined): void {
    if (this.op !== undefined || this.done) return;
    this.op = safeExecute(() => this.startOperation(parseRequest(body)), 'starting an LLM span');
  }

  private startOperation(body: Record<string, unknown> | undefined): LlmOperation {
    const { endpoint, route } = this;
    const bodyModel = typeof body?.model === 'string' ? body.model : undefined;
    // Gemini and Bedrock name the model in the path (Gemini bodies may repeat it as `models/…`).
    const model =
      endpoint.api === 'gemini' || endpoint.api === 'bedrock'
        ? (route.pathModel ?? bodyModel)
        : (bodyModel ?? route.pathModel);
    const stream =
      route.stream ??
      (route.format.startsWith('ollama.') ? body?.stream !== false : body?.stream === true);
    const attrs: Attributes = { ...requestAttributes(body), ...extraAttributes(body) };
    if (stream) attrs[ATTR_GEN_AI_REQUEST_STREAM] = true;
    if (endpoint.region !== undefined) attrs[ATTR_CLOUD_REGION] = endpoint.region;
    const foreign = aiSdkSpan(trace.getSpan(this.parent));
    const port = portOf(this.request);
    const op = new LlmOperation(this.telemetry, {
      operation: route.operation,
      provider: endpoint.provider,
      catalogProvider: endpoint.catalogProvider ?? '',
      localModel: endpoint.catalogProvider === undefined,
      priceByRequestModel: endpoint.api === 'bedrock',
      // xAI's completion_tokens leave reasoning tokens out (genai-prices' x-ai extractor adds them).
      outputExcludesReasoning: endpoint.catalogProvider === 'x-ai',
      format: route.format,
      requestModel: model,
      requestAttributes: attrs,
      requestBody: body,
      ownSpan: foreign === undefined,
      serverAddress: hostnameOf(this.request.host),
      serverPort: port,
      startedAt: this.createdAt,
      parentContext: this.parent,
    });
    op.foreignSpan = foreign;
    this.stream = stream;
    return op;
  }

  private stream = false;

  /** The response head arrived. */
  response(status: number, contentType: string): void {
    if (this.op === undefined) this.begin(undefined);
    const op = this.op;
    if (op === undefined || op.ended || this.body !== undefined) return;
    if (status >= 400) {
      op.end({ errorType: String(status), status });
      return;
    }
    if (status < 200 || status >= 300) return; // 1xx / redirects: the next response counts
    const framing = framingOf(contentType, this.route.format, this.stream);
    if (framing === undefined) {
      this.unparsed('content_type');
      op.end({ status });
      return;
    }
    this.body = new BodyObserver(op, this.route.format, framing, status, (reason) =>
      this.unparsed(reason),
    );
  }

  chunk(bytes: Uint8Array): void {
    const body = this.body;
    if (body === undefined) return;
    body.push(bytes);
    if (body.finished) this.end();
  }

  /** The response body ended normally. */
  end(): void {
    if (this.done) return;
    this.done = true;
    if (this.body !== undefined) this.body.end();
    else this.op?.end({});
  }

  /** The request or its response failed (network error, abort, reset). */
  error(err: unknown): void {
    if (this.done) return;
    if (this.op === undefined) this.begin(undefined); // failed before its body was sent (refused…)
    this.done = true;
    if (this.body !== undefined) this.body.fail(err);
    else this.op?.end({ error: err });
  }

  private unparsed(reason: string): void {
    this.onUnparsed(this.endpoint, this.request.host, reason);
  }
}

/** The AI SDK's own span for this call (`ai.*.doGenerate`, `doStream`, `doEmbed`), when its telemetry is on. */
function aiSdkSpan(span: Span | undefined): Span | undefined {
  if (span === undefined || !span.isRecording()) return undefined;
  const s = span as { name?: unknown; instrumentationScope?: { name?: unknown } };
  const name = typeof s.name === 'string' ? s.name : '';
  return name.startsWith('ai.') && /\.do(Generate|Stream|Embed)$/.test(name) ? span : undefined;
}

function parseRequest(body: string | Uint8Array | undefined): Record<string, unknown> | undefined {
  if (body === undefined || body.length > MAX_REQUEST_BODY) return undefined;
  try {
    // A view, not a copy, of the bytes.
    const text =
      typeof body === 'string'
        ? body
        : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Request parameters of the Gemini and Bedrock Converse bodies. */
function extraAttributes(body: Record<string, unknown> | undefined): Attributes {
  const attrs: Attributes = {};
  const cfg = (body?.generationConfig ?? body?.inferenceConfig ?? body?.options) as
    Record<string, unknown> | undefined;
  if (cfg === null || typeof cfg !== 'object') return attrs;
  const max = cfg.maxOutputTokens ?? cfg.maxTokens ?? cfg.num_predict;
  if (typeof max === 'number') attrs[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = max;
  if (typeof cfg.temperature === 'number') attrs[ATTR_GEN_AI_REQUEST_TEMPERATURE] = cfg.temperature;
  const topP = cfg.topP ?? cfg.top_p;
  if (typeof topP === 'number') attrs[ATTR_GEN_AI_REQUEST_TOP_P] = topP;
  return attrs;
}

function hostnameOf(host: string): string {
  const colon = host.lastIndexOf(':');
  const bracket = host.lastIndexOf(']');
  const name = colon > bracket && colon !== -1 ? host.slice(0, colon) : host;
  return name.replace(/^\[(.*)\]$/, '$1');
}

function portOf(r: WireRequest): number {
  const colon = r.host.lastIndexOf(':');
  const bracket = r.host.lastIndexOf(']');
  if (colon > bracket && colon !== -1) {
    const n = Number(r.host.slice(colon + 1));
    if (Number.isInteger(n) && n > 0) return n;
  }
  return r.protocol === 'http:' ? 80 : 443;
}
