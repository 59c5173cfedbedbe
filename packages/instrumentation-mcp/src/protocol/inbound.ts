import {
  SpanKind,
  context,
  diag,
  isSpanContextValid,
  trace,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import {
  BoundedValues,
  OTHER,
  describeError,
  endSpanSafely,
  errorClassName,
  semconv,
  startSpanSafely,
} from '@mcpmeter/core';
import { requestHeader } from './client-address.js';
import {
  ATTR_MCP_RESULT_TYPE,
  MULTI_ROUND_METHODS,
  RESULT_TYPE_INPUT_REQUIRED,
  isInputRequired,
} from './rounds.js';
import { describeServerSpan } from './span-attributes.js';
import { captureValue } from '../content.js';
import { INVALID_PARAMS, isServerFault, jsonRpcErrorMessage, jsonRpcErrorType } from '../errors.js';
import {
  SPEC_METHODS,
  createProtocolVersionLabels,
  isSessionless,
  networkTransportOf,
} from '../labels.js';
import { serverParent, traceContextMeta } from '../meta.js';
import { NON_RECORDING_SPAN, tracesNothing } from '../noop-tracer.js';
import { SeriesCache, type OperationSeries } from '../series.js';
import { toolMetricsInUse, withActiveCall, type ActiveCall } from '../tool-context.js';
import type { TelemetrySource } from '../source.js';
import { learnNames, type SharedNames } from '../tool-names.js';
import { SessionSignals } from '../signals/session-signals.js';

/** `globalThis.performance` is a lazy getter in Node: read it once, not per request. */
const clock = performance;

/** The parts of an MCP `McpServer` this package reads (both SDK generations). */
export interface McpServerLike {
  server: object;
  _registeredTools?: Record<string, unknown>;
  _registeredPrompts?: Record<string, unknown>;
}

interface JsonRpcRequest {
  id: unknown;
  method: unknown;
  params?: unknown;
}

/** One request in flight. Ends exactly once: by its response, a cancel or a close. */
export interface RequestRecord extends ActiveCall {
  readonly id: unknown;
  /** Its labels; replaced once when `initialize` settles the protocol version. */
  series: OperationSeries;
  readonly transport: unknown;
  readonly start: number;
  readonly span: Span;
  /**
   * The context the handler must run in, or undefined when running it in the
   * current context loses nothing (no tracer provider, no remote parent, no
   * tool-scoped metrics): entering a context costs an AsyncLocalStorage switch
   * on every call, and makes every promise of the process pay for it after.
   */
  ctx: Context | undefined;
  ended: boolean;
  /**
   * Started by a framework's message wrapper (see framework.ts) and not yet
   * taken over by `_onrequest`.
   */
  early: boolean;
}

/** Telemetry state of one instrumented `Server` (protocol) instance. */
export class ServerState {
  /** Requests in flight by JSON-RPC id, mirroring the SDK's own abort-controller map. */
  readonly pending = new Map<unknown, RequestRecord>();
  readonly tools: BoundedValues;
  readonly prompts: BoundedValues;
  readonly signals: SessionSignals; // catalog, repeats, client name (issue 21)
  /** Tool results that failed the tool's output schema, with the error's class name. */
  readonly outputFailures = new WeakMap<object, string>();
  private readonly versions = createProtocolVersionLabels();
  private readonly series = new SeriesCache(SpanKind.SERVER);
  owner: McpServerLike | undefined;
  /** The transport whose `send` is hooked for this state. */
  hookedTransport: unknown;
  private protocolVersion: string | undefined;
  private lastTransport: unknown;
  private transportLabel: string | undefined;
  private sessionStart: number | undefined;
  private sessionTransport: string | undefined;

  /** `names`: the allow-lists shared with other instances of the same server, if any. */
  constructor(
    readonly source: TelemetrySource,
    names?: SharedNames,
  ) {
    this.tools = names?.tools ?? new BoundedValues(source.toolNames);
    this.prompts = names?.prompts ?? new BoundedValues();
    this.signals = new SessionSignals(() => source.instruments.signals, this.tools, names?.catalog);
  }

  /** Starts the record for `request`; the caller runs the handler in `record.ctx`. */
  begin(
    protocol: { _transport?: unknown },
    request: JsonRpcRequest,
    extra: unknown,
  ): RequestRecord {
    const source = this.source;
    const rawMethod = request.method;
    const method = typeof rawMethod === 'string' && SPEC_METHODS.has(rawMethod) ? rawMethod : OTHER;
    const params = request.params as { name?: unknown } | undefined;
    const transport = protocol._transport;
    if (transport !== this.lastTransport) {
      this.lastTransport = transport;
      const hasHttp = extra !== null && typeof extra === 'object' && 'requestInfo' in extra;
      this.transportLabel = networkTransportOf(
        transport,
        hasHttp && extra.requestInfo !== undefined,
      );
    }
    let tool: string | undefined;
    let prompt: string | undefined;
    let operation: string | undefined;
    if (method === 'tools/call') {
      tool = this.toolLabel(params?.name);
      operation = semconv.GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL;
    } else if (method === 'prompts/get') {
      prompt = this.promptLabel(params?.name);
    }
    this.signals.onRequest(method, request.id, params, tool);
    const version = this.protocolVersion ?? this.versionFromRequest(protocol, extra);
    const series = this.series.get(
      source.instruments,
      method,
      tool,
      prompt,
      operation,
      version,
      this.transportLabel,
    );
    // Most requests carry no trace context: do not pay for the propagator then.
    const remote = traceContextMeta(params) !== undefined;
    const toolMetrics = toolMetricsInUse();
    let span = NON_RECORDING_SPAN;
    let recording = false;
    // The context the handler needs, before tool-scoped metrics add the call.
    let ctx: Context | undefined;
    if (tracesNothing(source.tracer)) {
      // No span to start (no tracer provider registered): the handler needs a
      // context only to carry a remote parent onward or the call for tool-scoped
      // metrics. The no-op tracer's span would add nothing to either.
      if (remote || toolMetrics) {
        const active = context.active();
        ctx = remote ? serverParent(params, active).parent : active;
      }
    } else {
      const active = context.active();
      let parent = active;
      let links: Link[] | undefined;
      if (remote) ({ parent, links } = serverParent(params, active));
      span = startSpanSafely(
        source.tracer,
        series.spanName,
        links === undefined ? series.spanOptions : { ...series.spanOptions, links },
        parent,
      );
      recording = span.isRecording();
      if (recording) {
        describeServerSpan(
          span,
          request,
          transport,
          extra,
          this.transportLabel === 'tcp',
          this.source.content,
          tool ?? prompt,
        );
      }
      // A span the sampler dropped still carries its decision: the handler runs
      // in its context, so that the tool's own calls (an LLM client, another MCP
      // server) are dropped with it instead of starting stray root traces.
      if (
        recording ||
        links !== undefined ||
        parent !== active ||
        toolMetrics ||
        isSpanContextValid(span.spanContext())
      ) {
        ctx = trace.setSpan(parent, span);
      }
    }
    const record: RequestRecord = {
      id: request.id,
      series,
      transport,
      start: clock.now(),
      span,
      ctx: undefined,
      ended: false,
      early: false,
      toolLabel: tool,
      handlerRan: false,
      thrown: undefined,
      handlerResult: undefined,
    };
    const previous = this.pending.get(request.id);
    // A client reusing an id still in flight: the SDK forgets the first one too.
    if (previous !== undefined) this.end(previous, OTHER, undefined);
    this.pending.set(request.id, record);
    series.active.n++;
    // The McpServer hooks find the call by request id; tool-scoped metrics need it in the context.
    if (ctx !== undefined) record.ctx = toolMetrics ? withActiveCall(ctx, record) : ctx;
    return record;
  }

  /** An outgoing message: ends the record of the request it answers, if any. */
  onSend(transport: unknown, message: unknown): void {
    if (message === null || typeof message !== 'object') return;
    const msg = message as { id?: unknown; method?: unknown; result?: unknown; error?: unknown };
    if (msg.id === undefined || msg.method !== undefined) return;
    const record = this.pending.get(msg.id);
    if (record === undefined || record.transport !== transport) return;
    if (msg.error !== undefined) {
      const errorType = jsonRpcErrorType(msg.error);
      if (record.span.isRecording() && errorType !== OTHER) {
        record.span.setAttribute(semconv.ATTR_RPC_RESPONSE_STATUS_CODE, errorType);
      }
      this.end(record, errorType, jsonRpcErrorMessage(msg.error));
      return;
    }
    const result = msg.result as Record<string, unknown> | undefined;
    const method = record.series.method;
    // A round of a multi round-trip request that asks the client for input
    // (protocol 2026-07-28): its own span, but the logical call is sampled
    // once, by the round that completes it.
    if (MULTI_ROUND_METHODS.has(method) && isInputRequired(result)) {
      if (record.span.isRecording()) {
        record.span.setAttribute(ATTR_MCP_RESULT_TYPE, RESULT_TYPE_INPUT_REQUIRED);
      }
      this.end(record, undefined, undefined, undefined, false);
      return;
    }
    if (method === 'tools/call') {
      if (this.source.content.enabled && record.span.isRecording() && result?.isError !== true) {
        const text = captureValue(
          this.source.content,
          'tool.result',
          result,
          String(record.series.tool),
        );
        if (text !== undefined)
          record.span.setAttribute(semconv.ATTR_GEN_AI_TOOL_CALL_RESULT, text);
      }
      if (result?.isError === true) this.endToolError(record);
      else this.end(record, undefined, undefined);
      return;
    }
    if (method === 'initialize') this.onInitialized(record, result);
    else if (method === 'tools/list') this.signals.onToolsList(record.id, result);
    else if (method === 'prompts/list') learnNames(this.prompts, result?.prompts);
    this.end(record, undefined, undefined);
  }

  /** `notifications/cancelled` for `requestId`. */
  onCancel(requestId: unknown, errorType: string): void {
    const record = this.pending.get(requestId);
    if (record !== undefined) this.end(record, errorType, undefined);
  }

  /** The transport closed: every request in flight ends, and so does the session. */
  onClose(errorType: string): void {
    const inFlight = this.pending.size > 0;
    for (const record of [...this.pending.values()]) this.end(record, errorType, undefined);
    if (this.sessionStart !== undefined) {
      const seconds = (clock.now() - this.sessionStart) / 1000;
      const attrs = this.source.instruments.sessionAttrs.get(
        inFlight ? errorType : undefined,
        this.protocolVersion,
        this.sessionTransport,
        this.signals.clientName,
      );
      this.source.instruments.sessionEnded(this.sessionTransport, seconds, attrs);
      this.sessionStart = undefined;
    }
    this.protocolVersion = undefined;
    this.lastTransport = undefined;
  }

  /** Ends `record` (once), at `at` (a `performance.now()` time) or now. */
  end(
    record: RequestRecord,
    errorType: string | undefined,
    message: string | undefined,
    at?: number,
    sample = true,
  ): void {
    if (record.ended) return;
    record.ended = true;
    if (this.pending.get(record.id) === record) this.pending.delete(record.id);
    const span = record.span;
    // The response is sent from the transport's context, not the request's:
    // the handler's context (when there is one) holds the request's span.
    record.series.finish(
      span,
      ((at ?? clock.now()) - record.start) / 1000,
      errorType,
      message,
      errorType !== undefined && isServerFault(errorType),
      record.ctx,
      sample,
    );
    endSpanSafely(span);
  }

  /**
   * A tools/call answered with an `isError` result: the SDK refused the call,
   * the handler returned an error result, or the handler threw and the SDK
   * turned the exception into an error result. The handler step's promise tells
   * the last two apart. It has settled by now (the SDK awaited it), but a
   * promise's outcome can only be read asynchronously, so such a record ends one
   * microtask later, with the time of the reply.
   */
  private endToolError(record: RequestRecord): void {
    const step = record.handlerResult;
    if (!(step instanceof Promise)) {
      this.noteOutputFailure(record, step);
      this.end(record, this.toolErrorType(record), undefined);
      return;
    }
    const at = clock.now();
    // Out of the map now: a new request reusing the id must not end this record.
    if (this.pending.get(record.id) === record) this.pending.delete(record.id);
    const settle = (rejected: boolean, value: unknown): void => {
      try {
        if (rejected) record.thrown ??= errorClassName(value);
        else this.noteOutputFailure(record, value);
        this.end(record, this.toolErrorType(record), undefined, at);
      } catch (e) {
        diag.error(`mcpmeter: MCP server telemetry failed: ${describeError(e)}`);
      }
    };
    // A promise still pending here (no SDK flow does that) loses the race to
    // the resolved one and counts as the tool's own error: the record always ends.
    Promise.race([step, Promise.resolve(undefined)]).then(
      (value: unknown) => settle(false, value),
      (err: unknown) => settle(true, err),
    );
  }

  /** The handler returned `output`: did it fail the tool's output schema? */
  private noteOutputFailure(record: RequestRecord, output: unknown): void {
    if (output === null || typeof output !== 'object') return;
    const thrown = this.outputFailures.get(output);
    if (thrown !== undefined) record.thrown ??= thrown;
  }

  private toolErrorType(record: RequestRecord): string {
    if (record.thrown !== undefined) return record.thrown;
    // With an McpServer we see whether the tool's own handler ran: when it did
    // not, the SDK refused the call (unknown or disabled tool, invalid arguments).
    if (this.owner !== undefined && !record.handlerRan) return INVALID_PARAMS;
    return semconv.ERROR_TYPE_VALUE_TOOL_ERROR;
  }

  private toolLabel(name: unknown): string {
    if (this.tools.has(name)) return name as string;
    const registered = this.owner?._registeredTools;
    if (typeof name === 'string' && registered !== undefined && Object.hasOwn(registered, name)) {
      this.tools.add(name);
    }
    return this.tools.get(name);
  }

  private promptLabel(name: unknown): string {
    if (this.prompts.has(name)) return name as string;
    const registered = this.owner?._registeredPrompts;
    if (typeof name === 'string' && registered !== undefined && Object.hasOwn(registered, name)) {
      this.prompts.add(name);
    }
    return this.prompts.get(name);
  }

  private onInitialized(record: RequestRecord, result: Record<string, unknown> | undefined): void {
    const version = result?.protocolVersion;
    // The server chose this version, so it is a bounded value.
    if (typeof version === 'string') this.versions.add(version);
    this.protocolVersion = this.versions.has(version) ? (version as string) : undefined;
    record.series = this.series.withVersion(record.series, this.protocolVersion);
    if (this.protocolVersion !== undefined) {
      record.span.setAttribute(semconv.ATTR_MCP_PROTOCOL_VERSION, this.protocolVersion);
    }
    // A stateless HTTP transport serves one request: there is no session to
    // measure, and none would ever end if the app never closes the instance.
    if (this.sessionStart === undefined && !isSessionless(record.transport)) {
      this.sessionStart = record.start;
      this.sessionTransport = this.transportLabel;
      this.source.instruments.sessionStarted(this.sessionTransport);
    }
  }

  /** Before `initialize` (stateless HTTP): the SDK's negotiated version or the HTTP header. */
  private versionFromRequest(protocol: object, extra: unknown): string | undefined {
    let v = (protocol as { _negotiatedProtocolVersion?: unknown })._negotiatedProtocolVersion;
    if (typeof v !== 'string') v = requestHeader(extra, 'mcp-protocol-version');
    if (typeof v !== 'string') return undefined;
    return this.versions.get(v);
  }
}
