import { OTHER, semconv, type AttributeSetCache } from '@mcpmeter/core';
import {
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Histogram,
  type Span,
  type SpanKind,
  type SpanOptions,
} from '@opentelemetry/api';

/** Requests in flight for one method label; read by an observable gauge at collection time. */
export interface ActiveCount {
  n: number;
}

/** What a series needs from the instruments of one side (server or client). */
export interface SeriesInstruments {
  /** The operation duration histogram (`mcp.server.operation.duration` / `mcp.client.operation.duration`). */
  readonly duration: Histogram;
  readonly operationAttrs: AttributeSetCache;
  activeCount(method: string): ActiveCount;
}

/** More distinct `error.type` values than this per series go uncached (the attribute cache still bounds them). */
const MAX_CACHED_ERRORS = 32;

/**
 * Everything a request's telemetry needs that depends only on its labels
 * (method, tool or prompt, protocol version, transport, server address),
 * resolved once per combination: the duration attribute sets, the span name
 * and start options, the in-flight count. A request then does no attribute
 * lookup and builds no string of its own (issue 4: count every call on the
 * hot path).
 */
export class OperationSeries {
  /** Attributes of a request that ended without `error.type` (also the span's start attributes). */
  readonly ok: Attributes;
  /** `{mcp.method.name} {target}` with the bounded target, or the method alone. */
  readonly spanName: string;
  /** Reused for every span of this series; tracers do not keep or mutate it. */
  readonly spanOptions: SpanOptions;
  readonly active: ActiveCount;
  private errors: Map<string, Attributes> | undefined;

  constructor(
    readonly instruments: SeriesInstruments,
    kind: SpanKind,
    readonly method: string,
    readonly tool: string | undefined,
    readonly prompt: string | undefined,
    readonly operation: string | undefined,
    readonly version: string | undefined,
    readonly transport: string | undefined,
    readonly serverAddress: string | undefined,
  ) {
    this.ok = this.build(undefined);
    const target = tool ?? prompt;
    this.spanName = target === undefined || target === OTHER ? method : `${method} ${target}`;
    this.spanOptions = { kind, attributes: this.ok };
    this.active = instruments.activeCount(method);
  }

  /** The duration attributes of a request of this series that ended with `errorType`. */
  attributes(errorType: string | undefined): Attributes {
    if (errorType === undefined) return this.ok;
    let attrs = this.errors?.get(errorType);
    if (attrs === undefined) {
      attrs = this.build(errorType);
      this.errors ??= new Map();
      if (this.errors.size < MAX_CACHED_ERRORS) this.errors.set(errorType, attrs);
    }
    return attrs;
  }

  /**
   * Records the end of one request of this series, server or client side
   * alike: the in-flight count, the duration sample, and on its span (left
   * open: the caller ends it if it owns it) `error.type` and, when `failed`,
   * status ERROR with `message`. The sample's exemplar is the request's span:
   * `spanContext` when given (a context that holds it), else one made for it;
   * a span that is not recording has no exemplar to give, and ROOT_CONTEXT
   * saves the active-context lookup that `undefined` would cost. `sample`
   * false leaves the histogram alone (a round of a multi round-trip request
   * that asked for input: the logical call is sampled once, by its last round).
   */
  finish(
    span: Span,
    seconds: number,
    errorType: string | undefined,
    message: string | undefined,
    failed: boolean,
    spanContext?: Context,
    sample = true,
  ): void {
    this.active.n--;
    const recording = span.isRecording();
    if (sample) {
      this.instruments.duration.record(
        seconds,
        this.attributes(errorType),
        recording ? (spanContext ?? trace.setSpan(ROOT_CONTEXT, span)) : ROOT_CONTEXT,
      );
    }
    if (errorType !== undefined && recording) {
      span.setAttribute(semconv.ATTR_ERROR_TYPE, errorType);
      if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message });
    }
  }

  private build(errorType: string | undefined): Attributes {
    return this.instruments.operationAttrs.get(
      this.method,
      this.tool,
      this.prompt,
      errorType,
      this.operation,
      this.version,
      this.transport,
      this.serverAddress,
    );
  }
}

/**
 * The series of one instrumented protocol instance, by method and target. The
 * protocol version, transport and instruments change seldom (a new session, a
 * provider swap); a series built for other values is replaced.
 */
export class SeriesCache {
  private readonly byMethod = new Map<string, Map<string | undefined, OperationSeries>>();

  constructor(private readonly kind: SpanKind) {}

  get(
    instruments: SeriesInstruments,
    method: string,
    tool: string | undefined,
    prompt: string | undefined,
    operation: string | undefined,
    version: string | undefined,
    transport: string | undefined,
    serverAddress?: string,
  ): OperationSeries {
    let byTarget = this.byMethod.get(method);
    if (byTarget === undefined) {
      byTarget = new Map();
      this.byMethod.set(method, byTarget);
    }
    const target = tool ?? prompt;
    let series = byTarget.get(target);
    if (
      series === undefined ||
      series.version !== version ||
      series.transport !== transport ||
      series.serverAddress !== serverAddress ||
      series.instruments !== instruments
    ) {
      series = new OperationSeries(
        instruments,
        this.kind,
        method,
        tool,
        prompt,
        operation,
        version,
        transport,
        serverAddress,
      );
      byTarget.set(target, series);
    }
    return series;
  }

  /** The series of `series`' labels with another protocol version (`initialize` settles it). */
  withVersion(series: OperationSeries, version: string | undefined): OperationSeries {
    return this.get(
      series.instruments,
      series.method,
      series.tool,
      series.prompt,
      series.operation,
      version,
      series.transport,
      series.serverAddress,
    );
  }
}
