import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  isSpanContextValid,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { OTHER, semconv } from '@mcpmeter/core';
import type { WireMessage } from '../wire/json-scanner.js';
import { ERROR_TYPE_CANCELLED, isServerFault } from './names.js';
import type { WireTelemetry } from './wire-telemetry.js';

const clock = performance;
const MAX_NAME = 256;
const MAX_URI = 2048;
const RESOURCE_METHODS: ReadonlySet<string> = new Set([
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
]);

/** What the transport knows about the exchange a request came in (HTTP only). */
export interface ExchangeInfo {
  sessionId?: string;
  /** The `mcp-protocol-version` header (stateless HTTP has no `initialize` to read it from). */
  protocolVersion?: string;
  clientAddress?: string;
  clientPort?: number;
  httpVersion?: string;
  /** Trace context of the HTTP request's own headers: the parent when `_meta` carries none. */
  parent?: Context;
}

/** One request in flight. Ends exactly once: by its reply, a cancel or a close. */
export interface RequestRecord {
  readonly key: string;
  readonly method: string;
  readonly tool: string | undefined;
  readonly prompt: string | undefined;
  readonly operation: string | undefined;
  /** A `tools/list` for a page after the first: not the whole catalog. */
  readonly paged: boolean;
  version: string | undefined;
  readonly start: number;
  readonly span: Span;
  ended: boolean;
}

const metaGetter = {
  keys: (c: Record<string, string>) => Object.keys(c),
  get: (c: Record<string, string>, k: string) => c[k],
};
const metaSetter = {
  set: (c: Record<string, string>, k: string, v: string) => {
    c[k] = v;
  },
};

/**
 * The server's side of one MCP session as seen on the wire: requests from the
 * client begin a record (span, in-flight count), replies from the server end
 * it (duration, `error.type`), a successful `initialize` starts the session and
 * `close()` ends it. Message ids are per session, hence one observer per session.
 */
export class SessionObserver {
  readonly pending = new Map<string, RequestRecord>();
  private version: string | undefined;
  private sessionStart: number | undefined;

  constructor(private readonly telemetry: WireTelemetry) {}

  /** Whether a successful `initialize` opened this session. */
  get open(): boolean {
    return this.sessionStart !== undefined;
  }

  /**
   * A message from the client. For a request, returns its record and, when its
   * `_meta` carried a `traceparent`, the value the server should see instead:
   * the same trace, with the proxy's span as parent.
   */
  fromClient(
    m: WireMessage,
    info?: ExchangeInfo,
  ): { record: RequestRecord; traceparent: string | undefined } | undefined {
    if (m.method === undefined) return undefined; // a reply to a server → client request
    if (m.idKey === undefined) {
      if (m.method === 'notifications/cancelled' && m.requestIdKey !== undefined) {
        const record = this.pending.get(m.requestIdKey);
        if (record !== undefined) this.end(record, ERROR_TYPE_CANCELLED);
      }
      return undefined;
    }
    const tel = this.telemetry;
    const method = tel.method(m.method);
    let tool: string | undefined;
    let prompt: string | undefined;
    let operation: string | undefined;
    if (method === 'tools/call') {
      tool = tel.tools.get(m.name);
      operation = semconv.GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL;
    } else if (method === 'prompts/get') {
      prompt = tel.prompts.get(m.name);
    }
    const version =
      this.version ??
      (info?.protocolVersion !== undefined ? tel.versions.get(info.protocolVersion) : undefined);
    const target = tool ?? prompt;
    const name = target === undefined || target === OTHER ? method : `${method} ${target}`;
    const attributes: Attributes = {
      [semconv.ATTR_MCP_METHOD_NAME]: method === OTHER ? m.method.slice(0, MAX_NAME) : method,
      [semconv.ATTR_NETWORK_TRANSPORT]: tel.transport,
    };
    if (tool !== undefined) {
      attributes[semconv.ATTR_GEN_AI_TOOL_NAME] = tool === OTHER ? clip(m.name) : tool;
      attributes[semconv.ATTR_GEN_AI_OPERATION_NAME] = operation;
    }
    if (prompt !== undefined) {
      attributes[semconv.ATTR_GEN_AI_PROMPT_NAME] = prompt === OTHER ? clip(m.name) : prompt;
    }
    if (version !== undefined) attributes[semconv.ATTR_MCP_PROTOCOL_VERSION] = version;
    if (m.idText !== undefined) attributes[semconv.ATTR_JSONRPC_REQUEST_ID] = m.idText;
    if (m.uri !== undefined && RESOURCE_METHODS.has(method)) {
      attributes[semconv.ATTR_MCP_RESOURCE_URI] = m.uri.slice(0, MAX_URI);
    }
    if (info !== undefined) describeExchange(attributes, info);

    const { parent, fromMeta } = this.parentOf(m, info);
    const span = tel.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    const record: RequestRecord = {
      key: m.idKey,
      method,
      tool,
      prompt,
      operation,
      paged: m.cursor,
      version,
      start: clock.now(),
      span,
      ended: false,
    };
    const previous = this.pending.get(m.idKey);
    // A client reusing an id still in flight: the first one cannot be answered apart any more.
    if (previous !== undefined) this.end(previous, OTHER);
    this.pending.set(m.idKey, record);
    tel.instruments.requestStarted(method);
    return { record, traceparent: fromMeta ? rewrittenTraceparent(parent, span, m) : undefined };
  }

  /** A message from the server: a reply ends the request it answers. */
  fromServer(m: WireMessage): void {
    if (m.method !== undefined || m.idKey === undefined) return;
    const record = this.pending.get(m.idKey);
    if (record === undefined) return;
    const tel = this.telemetry;
    if (m.hasError) {
      const errorType = m.errorCode !== undefined ? String(m.errorCode) : OTHER;
      if (record.span.isRecording() && m.errorCode !== undefined) {
        record.span.setAttribute(semconv.ATTR_RPC_RESPONSE_STATUS_CODE, errorType);
      }
      this.end(record, errorType);
      return;
    }
    if (record.method === 'tools/call') {
      this.end(record, m.isError ? semconv.ERROR_TYPE_VALUE_TOOL_ERROR : undefined);
      return;
    }
    if (record.method === 'initialize') this.initialized(record, m.protocolVersion);
    else if (record.method === 'tools/list') {
      learn(tel.tools, m.toolNames);
      if (!record.paged) tel.toolsListed(m);
    } else if (record.method === 'prompts/list') learn(tel.prompts, m.promptNames);
    this.end(record, undefined);
  }

  /** Ends `record` once, with `errorType` when it failed. */
  end(record: RequestRecord, errorType: string | undefined): void {
    if (record.ended) return;
    record.ended = true;
    if (this.pending.get(record.key) === record) this.pending.delete(record.key);
    const tel = this.telemetry;
    tel.instruments.requestEnded(record.method);
    const span = record.span;
    const recording = span.isRecording();
    tel.instruments.duration.record(
      (clock.now() - record.start) / 1000,
      tel.instruments.operationAttrs.get(
        record.method,
        record.tool,
        record.prompt,
        errorType,
        record.operation,
        record.version,
        tel.transport,
      ),
      recording ? trace.setSpan(ROOT_CONTEXT, span) : ROOT_CONTEXT,
    );
    if (errorType !== undefined && recording) {
      span.setAttribute(semconv.ATTR_ERROR_TYPE, errorType);
      if (isServerFault(errorType)) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  }

  /** The connection is gone: requests in flight end with `errorType`, and so does the session. */
  close(errorType: string): void {
    const inFlight = this.pending.size > 0;
    for (const record of [...this.pending.values()]) this.end(record, errorType);
    if (this.sessionStart !== undefined) {
      const tel = this.telemetry;
      tel.instruments.sessionEnded(
        (clock.now() - this.sessionStart) / 1000,
        tel.instruments.sessionAttrs.get(
          inFlight ? errorType : undefined,
          this.version,
          tel.transport,
        ),
      );
      this.sessionStart = undefined;
    }
  }

  private initialized(record: RequestRecord, version: string | undefined): void {
    const versions = this.telemetry.versions;
    // The server chose this version, so it is a bounded value.
    versions.add(version);
    this.version = versions.has(version) ? version : undefined;
    record.version = this.version;
    if (this.version !== undefined && record.span.isRecording()) {
      record.span.setAttribute(semconv.ATTR_MCP_PROTOCOL_VERSION, this.version);
    }
    if (this.sessionStart === undefined) {
      this.sessionStart = record.start;
      this.telemetry.instruments.sessionStarted();
    }
  }

  private parentOf(
    m: WireMessage,
    info: ExchangeInfo | undefined,
  ): { parent: Context; fromMeta: boolean } {
    if (m.traceparent !== undefined || m.baggage !== undefined) {
      const carrier: Record<string, string> = {};
      if (m.traceparent !== undefined) carrier.traceparent = m.traceparent;
      if (m.tracestate !== undefined) carrier.tracestate = m.tracestate;
      if (m.baggage !== undefined) carrier.baggage = m.baggage;
      try {
        const parent = propagation.extract(info?.parent ?? ROOT_CONTEXT, carrier, metaGetter);
        const sc = trace.getSpanContext(parent);
        if (sc !== undefined && isSpanContextValid(sc)) return { parent, fromMeta: true };
      } catch {
        // a malformed _meta means no remote parent
      }
    }
    return { parent: info?.parent ?? ROOT_CONTEXT, fromMeta: false };
  }
}

/** The `traceparent` naming `span` (same trace), when it differs from the one the client sent. */
function rewrittenTraceparent(parent: Context, span: Span, m: WireMessage): string | undefined {
  if (!isSpanContextValid(span.spanContext())) return undefined;
  const carrier: Record<string, string> = {};
  try {
    propagation.inject(trace.setSpan(parent, span), carrier, metaSetter);
  } catch {
    return undefined;
  }
  const value = carrier.traceparent;
  return value !== undefined && value !== m.traceparent ? value : undefined;
}

function describeExchange(attributes: Attributes, info: ExchangeInfo): void {
  attributes[semconv.ATTR_NETWORK_PROTOCOL_NAME] = 'http';
  if (info.httpVersion !== undefined) {
    attributes[semconv.ATTR_NETWORK_PROTOCOL_VERSION] = info.httpVersion;
  }
  if (info.sessionId !== undefined) {
    attributes[semconv.ATTR_MCP_SESSION_ID] = info.sessionId.slice(0, MAX_NAME);
  }
  if (info.clientAddress !== undefined) {
    attributes[semconv.ATTR_CLIENT_ADDRESS] = info.clientAddress;
    if (info.clientPort !== undefined) attributes[semconv.ATTR_CLIENT_PORT] = info.clientPort;
  }
}

function learn(into: { add(v: unknown): boolean }, names: string[] | undefined): void {
  if (names === undefined) return;
  for (const n of names) into.add(n);
}

function clip(name: string | undefined): string | undefined {
  return name?.slice(0, MAX_NAME);
}
