import {
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { safeExecute, semconv, toolNameOf } from '@mcpmeter/core';
import { finishContent, inputMessages, inputText, outputMessages } from './content.js';
import { isCancellation, llmErrorType } from './errors.js';
import type { PayloadSink, WireFormat } from './formats.js';
import type { TokenUsage } from './pricing-types.js';
import { recordOutcome } from './record.js';
import { ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK } from './semconv.js';
import type { CallSeries, Instruments, LlmTelemetry } from './telemetry.js';

export interface OperationInit {
  operation: string;
  provider: string;
  catalogProvider: string;
  format: WireFormat;
  requestModel: string | undefined;
  serverAddress?: string;
  serverPort?: number;
  /** Span-only request attributes (max tokens, temperature, stream…). */
  requestAttributes?: Attributes;
  /** The request body, read once at the start for content capture and estimation. */
  requestBody?: unknown;
  /**
   * False when another span for this call exists (the Anthropic SDK's own):
   * no span is started; that span is enriched instead.
   */
  ownSpan: boolean;
  /** The context the call was made in, when it is not the active one (the wire capture). */
  parentContext?: Context;
  /** `performance.now()` when the call began, if before this object was built (the wire capture). */
  startedAt?: number;
  /** A local model (Ollama): costs 0 unless a price override matches. */
  localModel?: boolean;
  /** The provider reports reasoning tokens beside `completion_tokens`, not inside (xAI): output is their sum. */
  outputExcludesReasoning?: boolean;
  /** Price by the request model (Bedrock's model / inference-profile id), not the response's. */
  priceByRequestModel?: boolean;
}

export interface EndOutcome {
  error?: unknown;
  /** An explicit `error.type` (an HTTP status seen by the fetch wrapper). */
  errorType?: string;
  status?: number;
}

/**
 * One LLM call from start to its last byte: collects what the payloads say
 * (a {@link PayloadSink}), times chunks, and records everything exactly once
 * when it ends, however it ends.
 */
export class LlmOperation implements PayloadSink {
  readonly startedAt: number;
  readonly span: Span | undefined;
  /** The context to run the SDK call in: carries the span and this operation. */
  readonly context: Context;
  /** A span started by someone else for this call (Anthropic SDK), enriched at the end. */
  foreignSpan: Span | undefined;
  readonly parentSpan: Span | undefined;
  /** Bounded `gen_ai.tool.name` of the MCP tool / agent tool this call runs inside. */
  readonly toolName: string | undefined;
  attempts = 0;
  usage: TokenUsage | undefined;
  responseModel: string | undefined;
  responseId: string | undefined;
  finishReasons: string[] = [];
  chunks = 0;
  timeToFirstChunk: number | undefined;
  streamErrorType: string | undefined;
  ended = false;
  /** The SDK's parse of a JSON body reports it (the body is not observed unless the raw Response is taken). */
  sdkParse = false;
  /** A body observer reads this call's response. */
  observingBody = false;
  estimatedInput: number | undefined;
  estimatedOutput = 0;
  private lastChunkAt = 0;
  /** The instruments, resolved once for the whole call. */
  readonly inst: Instruments;
  private captured = '';
  private readonly capture: boolean;

  constructor(
    readonly telemetry: LlmTelemetry,
    readonly init: OperationInit,
  ) {
    this.startedAt = init.startedAt ?? performance.now();
    const parent = init.parentContext ?? context.active();
    this.parentSpan = trace.getSpan(parent);
    this.toolName = telemetry.toolLabel(toolNameOf(parent));
    if (init.ownSpan) {
      const model = init.requestModel;
      this.span = telemetry.tracer.startSpan(
        model === undefined ? init.operation : `${init.operation} ${model}`,
        {
          kind: SpanKind.CLIENT,
          attributes: this.startAttributes(),
          startTime:
            init.startedAt === undefined ? undefined : performance.timeOrigin + init.startedAt,
        },
        parent,
      );
    }
    this.context = setOperation(
      this.span === undefined ? parent : trace.setSpan(parent, this.span),
      this,
    );
    this.capture = telemetry.content !== undefined;
    if (this.capture && this.span !== undefined && init.requestBody !== undefined) {
      const policy = telemetry.content!;
      const text = finishContent(
        policy,
        JSON.stringify(inputMessages(init.format, init.requestBody)),
        'input',
      );
      if (text !== undefined) this.span.setAttribute(semconv.ATTR_GEN_AI_INPUT_MESSAGES, text);
    }
    const estimator = telemetry.options.tokenEstimator;
    if (estimator !== undefined && init.requestBody !== undefined) {
      this.estimatedInput = safeExecute(
        () => estimator(inputText(init.format, init.requestBody), init.requestModel),
        'token estimation',
      );
    }
    this.inst = telemetry.instruments;
    const t = telemetry;
    this.requestModelLabel = t.modelLabel(init.requestModel);
    this.serverLabel = t.serverLabel(init.serverAddress);
    this.activeAttrs = t.activeAttrs.get(
      init.operation,
      init.provider,
      this.requestModelLabel,
      this.serverLabel,
    );
    this.inst.active.add(1, this.activeAttrs);
  }

  private startAttributes(): Attributes {
    const i = this.init;
    const attrs: Attributes = {
      [semconv.ATTR_GEN_AI_OPERATION_NAME]: i.operation,
      [semconv.ATTR_GEN_AI_PROVIDER_NAME]: i.provider,
      ...i.requestAttributes,
    };
    if (i.requestModel !== undefined) attrs[semconv.ATTR_GEN_AI_REQUEST_MODEL] = i.requestModel;
    if (i.serverAddress !== undefined) attrs[semconv.ATTR_SERVER_ADDRESS] = i.serverAddress;
    if (i.serverPort !== undefined) attrs[semconv.ATTR_SERVER_PORT] = i.serverPort;
    return attrs;
  }

  /** Attributes of `gen_ai.client.active_requests` (the same at the start and the end). */
  readonly activeAttrs: Attributes;
  /** The bounded label values of the request model and server, taken once. */
  readonly requestModelLabel: string | undefined;
  readonly serverLabel: string | undefined;

  /** True when payload text is wanted (content capture or token estimation), so every event is read. */
  get needsText(): boolean {
    return this.capture || this.telemetry.options.tokenEstimator !== undefined;
  }

  /**
   * Chunk-histogram attributes, cached per response model: a chunk costs no
   * attribute lookup, and the histogram (cached in the constructor) no meter
   * lookup either.
   */
  private chunkAttrs: Attributes | undefined;
  private chunkAttrsModel: string | undefined;

  private chunkAttributes(): Attributes {
    if (this.chunkAttrs === undefined || this.chunkAttrsModel !== this.responseModel) {
      this.chunkAttrsModel = this.responseModel;
      this.chunkAttrs = this.operationAttributes(undefined);
    }
    return this.chunkAttrs;
  }

  /** The attribute sets of this call's token and cost series (its response model known). */
  series(): CallSeries {
    const t = this.telemetry;
    return t.seriesOf(
      this.init.operation,
      this.init.provider,
      this.requestModelLabel,
      t.modelLabel(this.responseModel),
      this.serverLabel,
      this.toolName,
    );
  }

  /** Attributes of the duration/chunk histograms, with the response model known so far. */
  operationAttributes(errorType: string | undefined): Attributes {
    const t = this.telemetry;
    return t.operationAttrs.get(
      this.init.operation,
      this.init.provider,
      this.requestModelLabel,
      t.modelLabel(this.responseModel),
      this.serverLabel,
      errorType,
    );
  }

  // --- PayloadSink ------------------------------------------------------------
  setUsage(usage: TokenUsage): void {
    this.usage =
      this.init.outputExcludesReasoning === true && usage.reasoning !== undefined
        ? { ...usage, output: (usage.output ?? 0) + usage.reasoning }
        : usage;
  }
  setResponseModel(model: string): void {
    this.responseModel = model.length > 256 ? model.slice(0, 256) : model;
  }
  setResponseId(id: string): void {
    this.responseId = id.length > 256 ? id.slice(0, 256) : id;
  }
  addFinishReason(reason: string): void {
    if (this.finishReasons.length < 16) this.finishReasons.push(reason.slice(0, 64));
  }
  appendOutputText(text: string): void {
    if (this.capture) {
      const max = this.telemetry.content!.maxLength + 1;
      if (this.captured.length < max) this.captured += text.slice(0, max - this.captured.length);
    }
    const estimator = this.telemetry.options.tokenEstimator;
    if (estimator !== undefined) {
      const n = safeExecute(
        () => estimator(text, this.responseModel ?? this.init.requestModel),
        'token estimation',
      );
      if (typeof n === 'number' && Number.isFinite(n) && n > 0) this.estimatedOutput += n;
    }
  }
  streamError(type: string): void {
    this.streamErrorType ??= type;
  }

  /** One chunk (server-sent event) of a streamed response arrived. */
  onChunk(): void {
    const now = performance.now();
    this.chunks++;
    if (this.chunks === 1) {
      this.timeToFirstChunk = (now - this.startedAt) / 1000;
      this.inst.timeToFirstChunk.record(this.timeToFirstChunk, this.chunkAttributes());
      this.span?.setAttribute(ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, this.timeToFirstChunk);
    } else {
      this.inst.timePerChunk.record((now - this.lastChunkAt) / 1000, this.chunkAttributes());
    }
    this.lastChunkAt = now;
  }

  /** Ends the operation once; later calls do nothing. Never throws. */
  end(outcome: EndOutcome = {}): void {
    if (this.ended) return;
    this.ended = true;
    safeExecute(() => this.record(outcome), 'recording an LLM call');
  }

  private record(outcome: EndOutcome): void {
    const cancelled = outcome.error !== undefined && isCancellation(outcome.error);
    const errorType =
      outcome.errorType ??
      (outcome.error !== undefined ? llmErrorType(outcome.error) : undefined) ??
      this.streamErrorType;
    const captured =
      this.capture && this.captured.length > 0
        ? finishContent(
            this.telemetry.content!,
            outputMessages(this.captured, this.finishReasons[0]),
            'output',
          )
        : undefined;
    recordOutcome(this, {
      errorType,
      cancelled,
      status: outcome.status,
      error: outcome.error,
      captured,
    });
  }
}

const OPERATION_KEY = Symbol.for('mcpmeter.instrumentation-llm.operation');

function setOperation(ctx: Context, op: LlmOperation): Context {
  return ctx.setValue(OPERATION_KEY, op);
}

/** The LLM operation the current async context belongs to, if any. */
export function activeOperation(ctx: Context = context.active()): LlmOperation | undefined {
  const v = ctx.getValue(OPERATION_KEY);
  return v instanceof Object && (v as LlmOperation).init !== undefined
    ? (v as LlmOperation)
    : undefined;
}

export { SpanStatusCode };
