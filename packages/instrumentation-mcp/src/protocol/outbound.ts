import {
  INVALID_SPAN_CONTEXT,
  SpanKind,
  context,
  isSpanContextValid,
  propagation,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { BoundedValues, OTHER, endSpanSafely, semconv, startSpanSafely } from '@mcpmeter/core';
import {
  ERROR_TYPE_CONNECTION_CLOSED,
  clientErrorType,
  isClientFailure,
  jsonRpcErrorMessage,
} from '../errors.js';
import { SPEC_METHODS, createProtocolVersionLabels, resourceUriOf } from '../labels.js';
import { injectMeta } from '../meta.js';
import { NON_RECORDING_SPAN, tracesNothing } from '../noop-tracer.js';
import { SeriesCache, type OperationSeries } from '../series.js';
import type { TelemetrySource } from '../source.js';
import { activeExecuteToolSpan } from './execute-tool.js';
import { peerOf, type Peer } from './peer.js';
import { SessionSignals } from '../signals/session-signals.js';
import { learnNames } from '../tool-names.js';
import { describeRounds, ensureRoundKey, type Rounds } from './rounds.js';

/** `globalThis.performance` is a lazy getter in Node: read it once, not per request. */
const clock = performance;

/** Which side of the conventions' role swap a sender is on. */
export type SenderRole = 'client' | 'server';

interface OutgoingRequest {
  method?: unknown;
  params?: unknown;
}

/** One request sent and not yet settled. Ends exactly once. */
export interface OutgoingRecord {
  /** Its labels; replaced once when `initialize` settles the protocol version. */
  series: OperationSeries;
  readonly peer: Peer;
  readonly start: number;
  readonly span: Span;
  /** False when the span is an agent framework's `execute_tool` span (not ours to end). */
  readonly ownSpan: boolean;
  readonly signal: AbortSignal | undefined;
  /** The request to send: the caller's, or a copy with trace context in `_meta`. */
  send: unknown;
  /** Context to run the SDK's send in (undefined: the current one). */
  ctx: Context | undefined;
  ended: boolean;
  /** Wire rounds of a multi round-trip request (protocol 2026-07-28), once a first leg is seen. */
  rounds: Rounds | undefined;
}

/** How a sender's transport and negotiated protocol version are read. */
export interface SenderView {
  transportOf(protocol: object): unknown;
  versionOf(protocol: object, transport: unknown): unknown;
}

/** `Protocol` of both MCP SDK generations. */
const SDK_VIEW: SenderView = {
  transportOf: (protocol) => (protocol as { _transport?: unknown })._transport,
  versionOf(protocol, transport) {
    const v = (protocol as { _negotiatedProtocolVersion?: unknown })._negotiatedProtocolVersion;
    return typeof v === 'string'
      ? v
      : (transport as { _protocolVersion?: unknown } | undefined)?._protocolVersion;
  },
};

const MAX_NAME = 256;

/**
 * Telemetry of the requests one protocol instance sends: a `Client`'s calls, or
 * a `Server`'s sampling / elicitation / roots requests (role swap: the sender
 * makes the CLIENT span and records `mcp.client.operation.duration`).
 */
export class ClientState {
  readonly pending = new Set<OutgoingRecord>();
  /**
   * Multi round-trip requests by the `params._meta` object their rounds share
   * (every retry spreads the first request's params, so `_meta` is the same object).
   */
  readonly byMeta = new WeakMap<object, OutgoingRecord>();
  readonly tools: BoundedValues;
  readonly prompts = new BoundedValues();
  /** Catalog of the server this session talks to, repeated calls (issue 21). */
  readonly signals: SessionSignals;
  private readonly versions = createProtocolVersionLabels();
  private readonly series = new SeriesCache(SpanKind.CLIENT);
  private protocolVersion: string | undefined;
  private lastTransport: unknown;
  private peer: Peer = peerOf(undefined);
  private connectStart: number | undefined;
  private sessionStart: number | undefined;
  private sessionPeer: Peer | undefined;

  constructor(
    readonly source: TelemetrySource,
    readonly role: SenderRole,
    private readonly view: SenderView = SDK_VIEW,
  ) {
    this.tools = new BoundedValues(source.toolNames);
    this.signals = new SessionSignals(
      () => source.clientInstruments.signals,
      this.tools,
      undefined,
      () => this.peer.serverAddress,
    );
  }

  begin(
    protocol: object,
    request: OutgoingRequest,
    signal: AbortSignal | undefined,
  ): OutgoingRecord {
    const source = this.source;
    const rawMethod = request.method;
    const method = typeof rawMethod === 'string' && SPEC_METHODS.has(rawMethod) ? rawMethod : OTHER;
    const params = request.params as { name?: unknown; uri?: unknown } | undefined;
    const transport = this.view.transportOf(protocol);
    if (transport !== this.lastTransport) {
      this.lastTransport = transport;
      this.peer = peerOf(transport);
    }
    const peer = this.peer;
    let tool: string | undefined;
    let prompt: string | undefined;
    let operation: string | undefined;
    let rawName: unknown;
    if (method === 'tools/call') {
      rawName = params?.name;
      tool = this.tools.get(rawName);
      operation = semconv.GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL;
    } else if (method === 'prompts/get') {
      rawName = params?.name;
      prompt = this.prompts.get(rawName);
    }
    const version = this.protocolVersion ?? this.versionOf(protocol, transport);
    const instruments = source.clientInstruments;
    const series = this.series.get(
      instruments,
      method,
      tool,
      prompt,
      operation,
      version,
      peer.networkTransport,
      peer.serverAddress,
    );
    const active = context.active();
    const reused =
      operation !== undefined && source.reuseExecuteToolSpan
        ? activeExecuteToolSpan(active, rawName)
        : undefined;
    let span: Span;
    if (reused !== undefined) {
      span = reused;
      span.setAttributes(
        instruments.operationAttrs.get(
          method,
          undefined,
          undefined,
          undefined,
          operation,
          version,
          peer.networkTransport,
          peer.serverAddress,
        ),
      );
    } else if (tracesNothing(source.tracer)) {
      // No tracer provider registered: what the no-op tracer would start, without
      // going through it (the parent's span context, recording nothing), so an
      // ambient trace still travels on in `_meta`.
      const parent = trace.getSpanContext(active);
      span =
        parent !== undefined && isSpanContextValid(parent)
          ? trace.wrapSpanContext(parent)
          : NON_RECORDING_SPAN;
    } else {
      // The span is named after the name sent, bounded labels or not.
      const target = tool ?? prompt;
      const name =
        typeof rawName !== 'string'
          ? method
          : rawName === target && target !== OTHER
            ? series.spanName
            : `${method} ${rawName.slice(0, MAX_NAME)}`;
      span = startSpanSafely(source.tracer, name, series.spanOptions, active);
    }
    const recording = span.isRecording();
    if (recording) this.describeSpan(span, request, transport, peer, rawName, params);
    const record: OutgoingRecord = {
      series,
      peer,
      start: clock.now(),
      span,
      ownSpan: reused === undefined,
      signal,
      send: request,
      ctx: undefined,
      ended: false,
      rounds: undefined,
    };
    this.pending.add(record);
    series.active.n++;
    if (this.role === 'client') this.signals.onRequest(method, record, params, tool);
    // Nothing to propagate without a valid span context or baggage: skip the
    // context and the copy of the request.
    const spanCtx = span.spanContext();
    if (
      (spanCtx !== INVALID_SPAN_CONTEXT && isSpanContextValid(spanCtx)) ||
      propagation.getBaggage(active) !== undefined
    ) {
      const sendCtx = reused !== undefined ? active : trace.setSpan(active, span);
      record.send = injectMeta(request, sendCtx);
      // Run the send inside our span only when it records, so that an HTTP
      // client span made by the transport's fetch nests under it.
      if (recording && reused === undefined) record.ctx = sendCtx;
    }
    ensureRoundKey(this, record, request, version);
    return record;
  }

  succeed(record: OutgoingRecord, result: unknown): void {
    if (record.ended) return;
    const r = result as Record<string, unknown> | null | undefined;
    const method = record.series.method;
    if (method === 'tools/call' && r?.isError === true) {
      this.end(record, semconv.ERROR_TYPE_VALUE_TOOL_ERROR, undefined);
      return;
    }
    if (method === 'tools/list') this.signals.onToolsList(record, r);
    else if (method === 'prompts/list') learnNames(this.prompts, r?.prompts);
    else if (method === 'initialize') {
      this.signals.onInitialized(r?.serverInfo, record.peer.serverAddress);
      this.onInitialized(record, r?.protocolVersion);
    }
    this.end(record, undefined, undefined);
  }

  fail(record: OutgoingRecord, err: unknown): void {
    if (record.ended) return;
    const errorType = clientErrorType(err, record.signal?.aborted === true);
    const code =
      err !== null && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
    if (typeof code === 'number' && Number.isSafeInteger(code) && record.span.isRecording()) {
      record.span.setAttribute(semconv.ATTR_RPC_RESPONSE_STATUS_CODE, String(code));
    }
    this.end(record, errorType, jsonRpcErrorMessage(err));
  }

  /** `connect()` was called: the session (if it opens) starts now (or at `at`, a `performance.now()` time). */
  connectStarted(at: number = clock.now()): void {
    this.connectStart = at;
  }

  /**
   * `connect()` resolved. A session whose `initialize` we did not see (SDK 2.x
   * modern era, a resumed HTTP session) starts here, with the version the SDK
   * negotiated.
   */
  connected(protocol: object): void {
    if (this.sessionStart !== undefined || this.role !== 'client') return;
    const transport = this.view.transportOf(protocol);
    this.protocolVersion ??= this.versionOf(protocol, transport);
    this.startSession(this.connectStart ?? clock.now(), peerOf(transport));
  }

  /** The transport closed: requests in flight end as `connection_closed`, and so does the session. */
  onClose(): void {
    const inFlight = this.pending.size > 0;
    for (const record of [...this.pending])
      this.end(record, ERROR_TYPE_CONNECTION_CLOSED, undefined);
    if (this.sessionStart !== undefined) {
      const peer = this.sessionPeer ?? this.peer;
      const instruments = this.source.clientInstruments;
      instruments.sessionDuration.record(
        (clock.now() - this.sessionStart) / 1000,
        instruments.sessionAttrs.get(
          inFlight ? ERROR_TYPE_CONNECTION_CLOSED : undefined,
          this.protocolVersion,
          peer.networkTransport,
          peer.serverAddress,
        ),
      );
      this.sessionStart = undefined;
    }
    this.protocolVersion = undefined;
    this.lastTransport = undefined;
    this.connectStart = undefined;
  }

  end(record: OutgoingRecord, errorType: string | undefined, message: string | undefined): void {
    if (record.ended) return;
    record.ended = true;
    this.pending.delete(record);
    record.send = undefined;
    const span = record.span;
    if (record.rounds !== undefined) describeRounds(record);
    // The exemplar is the request's own span (a promise reaction runs in the
    // caller's context, whose span is the parent).
    record.series.finish(
      span,
      (clock.now() - record.start) / 1000,
      errorType,
      message,
      record.ownSpan && errorType !== undefined && isClientFailure(errorType),
    );
    if (record.ownSpan) endSpanSafely(span);
  }

  private onInitialized(record: OutgoingRecord, version: unknown): void {
    // The server answered with this version: bounded to the known ones.
    this.protocolVersion = this.versions.has(version) ? (version as string) : undefined;
    if (
      this.protocolVersion === undefined &&
      typeof version === 'string' &&
      this.versions.add(version)
    ) {
      this.protocolVersion = version;
    }
    record.series = this.series.withVersion(record.series, this.protocolVersion);
    if (this.protocolVersion !== undefined && record.span.isRecording()) {
      record.span.setAttribute(semconv.ATTR_MCP_PROTOCOL_VERSION, this.protocolVersion);
    }
    if (this.role === 'client' && this.sessionStart === undefined) {
      this.startSession(this.connectStart ?? record.start, record.peer);
    }
  }

  private startSession(start: number, peer: Peer): void {
    this.sessionStart = start;
    this.sessionPeer = peer;
  }

  private versionOf(protocol: object, transport: unknown): string | undefined {
    const v = this.view.versionOf(protocol, transport);
    return typeof v === 'string' ? this.versions.get(v) : undefined;
  }

  private describeSpan(
    span: Span,
    request: OutgoingRequest,
    transport: unknown,
    peer: Peer,
    rawName: unknown,
    params: { name?: unknown; uri?: unknown } | undefined,
  ): void {
    if (typeof request.method === 'string' && !SPEC_METHODS.has(request.method)) {
      span.setAttribute(semconv.ATTR_MCP_METHOD_NAME, request.method.slice(0, MAX_NAME));
    }
    if (typeof rawName === 'string') {
      span.setAttribute(
        request.method === 'tools/call'
          ? semconv.ATTR_GEN_AI_TOOL_NAME
          : semconv.ATTR_GEN_AI_PROMPT_NAME,
        rawName.slice(0, MAX_NAME),
      );
    }
    const uri = resourceUriOf(request.method, params);
    if (uri !== undefined) span.setAttribute(semconv.ATTR_MCP_RESOURCE_URI, uri);
    if (peer.serverPort !== undefined) span.setAttribute(semconv.ATTR_SERVER_PORT, peer.serverPort);
    if (peer.protocolName !== undefined) {
      span.setAttribute(semconv.ATTR_NETWORK_PROTOCOL_NAME, peer.protocolName);
    }
    const sessionId = (transport as { sessionId?: unknown } | undefined)?.sessionId;
    if (typeof sessionId === 'string') span.setAttribute(semconv.ATTR_MCP_SESSION_ID, sessionId);
  }
}
