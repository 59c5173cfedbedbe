/** What telemetry reads from one JSON-RPC message. */
export interface WireMessage {
  /** `typeof` tag + value (`n:1`, `s:abc`), so `1` and `"1"` stay apart; undefined when absent or null. */
  idKey: string | undefined;
  /** The id as text, for the `jsonrpc.request.id` span attribute. */
  idText: string | undefined;
  method: string | undefined;
  hasResult: boolean;
  hasError: boolean;
  /** `error.code` when it is an integer. */
  errorCode: number | undefined;
  isError: boolean;
  protocolVersion: string | undefined;
  /** `params.name` (tools/call, prompts/get). */
  name: string | undefined;
  uri: string | undefined;
  /** `params.requestId` of `notifications/cancelled`, as an id key. */
  requestIdKey: string | undefined;
  traceparent: string | undefined;
  tracestate: string | undefined;
  baggage: string | undefined;
  /** Absolute byte offsets of the `traceparent` string's content (between the quotes). */
  traceparentStart: number;
  traceparentEnd: number;
  /** Names in `result.tools[].name` / `result.prompts[].name` (bounded). */
  toolNames: string[] | undefined;
  promptNames: string[] | undefined;
  /** The bytes of `result.tools` (a `tools/list` answer: the catalog), up to `MAX_TOOLS_BYTES`. */
  tools: Buffer | undefined;
  /** `result.tools` was longer than `MAX_TOOLS_BYTES`: not kept. */
  toolsTooLarge: boolean;
  /** `params.cursor` (a request for a page after the first) / `result.nextCursor` (more pages) is a string. */
  cursor: boolean;
  nextCursor: boolean;
}

/** Bytes of a `tools/list` answer's `tools` kept to fingerprint the catalog (1,000 tools of ~4 KB). */
export const MAX_TOOLS_BYTES = 4 * 1024 * 1024;

const MAX_NAMES = 2000;

/** Where a captured scalar goes, by its path from the message root. */
export const Field = {
  None: 0,
  Id: 1,
  Method: 2,
  ErrorCode: 3,
  IsError: 4,
  ProtocolVersion: 5,
  Name: 6,
  Uri: 7,
  RequestId: 8,
  Traceparent: 9,
  Tracestate: 10,
  Baggage: 11,
  ToolName: 12,
  PromptName: 13,
  Cursor: 14,
  NextCursor: 15,
} as const;
export type Field = (typeof Field)[keyof typeof Field];

export function newMessage(): WireMessage {
  return {
    idKey: undefined,
    idText: undefined,
    method: undefined,
    hasResult: false,
    hasError: false,
    errorCode: undefined,
    isError: false,
    protocolVersion: undefined,
    name: undefined,
    uri: undefined,
    requestIdKey: undefined,
    traceparent: undefined,
    tracestate: undefined,
    baggage: undefined,
    traceparentStart: -1,
    traceparentEnd: -1,
    toolNames: undefined,
    promptNames: undefined,
    tools: undefined,
    toolsTooLarge: false,
    cursor: false,
    nextCursor: false,
  };
}

/**
 * The field a scalar at this path fills: `d` is its depth below the message
 * root, `k` its key, `k1` / `k2` the keys of its first two ancestors below the
 * root, `inArray` whether its grandparent (depth 4) is an array.
 */
export function fieldAt(
  d: number,
  k: string | undefined,
  k1: string | undefined,
  k2: string | undefined,
  inArray: boolean,
): Field {
  if (d === 1) {
    if (k === 'id') return Field.Id;
    if (k === 'method') return Field.Method;
    return Field.None;
  }
  if (d === 2) {
    if (k1 === 'error') return k === 'code' ? Field.ErrorCode : Field.None;
    if (k1 === 'result') {
      if (k === 'isError') return Field.IsError;
      if (k === 'protocolVersion') return Field.ProtocolVersion;
      if (k === 'nextCursor') return Field.NextCursor;
      return Field.None;
    }
    if (k1 === 'params') {
      if (k === 'name') return Field.Name;
      if (k === 'uri') return Field.Uri;
      if (k === 'requestId') return Field.RequestId;
      if (k === 'cursor') return Field.Cursor;
    }
    return Field.None;
  }
  if (d === 3 && k1 === 'params' && k2 === '_meta') {
    if (k === 'traceparent') return Field.Traceparent;
    if (k === 'tracestate') return Field.Tracestate;
    if (k === 'baggage') return Field.Baggage;
    return Field.None;
  }
  if (d === 4 && k1 === 'result' && k === 'name' && inArray) {
    if (k2 === 'tools') return Field.ToolName;
    if (k2 === 'prompts') return Field.PromptName;
  }
  return Field.None;
}

/** Stores a string value; `start` / `end` are the byte offsets of its content. */
export function setString(
  m: WireMessage,
  field: Field,
  value: string,
  start: number,
  end: number,
): void {
  switch (field) {
    case Field.Id:
      m.idKey = `s:${value}`;
      m.idText = value;
      break;
    case Field.Method:
      m.method = value;
      break;
    case Field.ProtocolVersion:
      m.protocolVersion = value;
      break;
    case Field.Name:
      m.name = value;
      break;
    case Field.Uri:
      m.uri = value;
      break;
    case Field.RequestId:
      m.requestIdKey = `s:${value}`;
      break;
    case Field.Traceparent:
      m.traceparent = value;
      m.traceparentStart = start;
      m.traceparentEnd = end;
      break;
    case Field.Tracestate:
      m.tracestate = value;
      break;
    case Field.Baggage:
      m.baggage = value;
      break;
    case Field.ToolName:
      if ((m.toolNames ??= []).length < MAX_NAMES) m.toolNames.push(value);
      break;
    case Field.PromptName:
      if ((m.promptNames ??= []).length < MAX_NAMES) m.promptNames.push(value);
      break;
    default:
      break;
  }
}
