/*
 * OTLP/HTTP request bodies (https://opentelemetry.io/docs/specs/otlp/#otlphttp),
 * JSON or protobuf, traces or metrics, turned into one normalized shape: ids in
 * lowercase hex, times in ms since the epoch, numbers as numbers, attributes as
 * plain objects. Protobuf messages come from protobufjs's reflection over the
 * subset of opentelemetry-proto below; both encodings go through the same walk,
 * so a field present in one is present in the other.
 */
import protobuf from 'protobufjs';

const PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10; Status status = 15;
}
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }

message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; string schema_url = 3; }
message ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; string schema_url = 3; }
message Metric {
  string name = 1; string description = 2; string unit = 3;
  oneof data { Gauge gauge = 5; Sum sum = 7; Histogram histogram = 9;
    ExponentialHistogram exponential_histogram = 10; Summary summary = 11; }
}
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum { repeated NumberDataPoint data_points = 1; int32 aggregation_temporality = 2; bool is_monotonic = 3; }
message Histogram { repeated HistogramDataPoint data_points = 1; int32 aggregation_temporality = 2; }
message ExponentialHistogram { repeated ExponentialHistogramDataPoint data_points = 1; int32 aggregation_temporality = 2; }
message Summary { repeated SummaryDataPoint data_points = 1; }
message NumberDataPoint {
  repeated KeyValue attributes = 7; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3;
  oneof value { double as_double = 4; sfixed64 as_int = 6; } repeated Exemplar exemplars = 5; uint32 flags = 8;
}
message HistogramDataPoint {
  repeated KeyValue attributes = 9; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3; fixed64 count = 4;
  double sum = 5; repeated fixed64 bucket_counts = 6; repeated double explicit_bounds = 7;
  repeated Exemplar exemplars = 8; uint32 flags = 10; double min = 11; double max = 12;
}
message ExponentialHistogramDataPoint {
  repeated KeyValue attributes = 1; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3; fixed64 count = 4;
  double sum = 5; sint32 scale = 6; fixed64 zero_count = 7; uint32 flags = 10; repeated Exemplar exemplars = 11;
}
message SummaryDataPoint {
  repeated KeyValue attributes = 7; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3; fixed64 count = 4;
  double sum = 5; uint32 flags = 8;
}
message Exemplar {
  repeated KeyValue filtered_attributes = 7; fixed64 time_unix_nano = 2;
  oneof value { double as_double = 3; sfixed64 as_int = 6; } bytes span_id = 4; bytes trace_id = 5;
}
`;

const root = protobuf.parse(PROTO, { keepCase: false }).root;
const TraceRequest = root.lookupType('otlp.ExportTraceServiceRequest');
const MetricsRequest = root.lookupType('otlp.ExportMetricsServiceRequest');

export type Attrs = Record<string, unknown>;

export interface DecodedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP kind number: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  start: number;
  end: number;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  attributes: Attrs;
}

export interface DecodedExemplar {
  traceId: string;
  spanId: string;
  value: number;
  time: number;
}

export type MetricKind = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';

export interface DecodedPoint {
  attributes: Attrs;
  start: number;
  time: number;
  /** gauge/sum: the value; histogram/summary: the sum (0 when absent). */
  value: number;
  /** histogram/summary: the count; 0 for gauge/sum. */
  count: number;
  /** Explicit-bucket histograms: upper bounds and per-bucket (not cumulative) counts. */
  bounds?: number[];
  counts?: number[];
  exemplars?: DecodedExemplar[];
}

export interface DecodedMetric {
  name: string;
  description: string;
  unit: string;
  kind: MetricKind;
  monotonic: boolean;
  /** Delta temporality (the store adds deltas up into cumulative values). */
  delta: boolean;
  points: DecodedPoint[];
}

export interface Scoped<T> {
  scope: { name: string; version: string };
  items: T[];
}

export interface DecodedResource<T> {
  resource: Attrs;
  scopes: Scoped<T>[];
}

/** A body the hub cannot read: answered 400 with `message`. */
export class OtlpDecodeError extends Error {
  override name = 'OtlpDecodeError';
}

export type Encoding = 'json' | 'protobuf';

/** The encoding of a `Content-Type`, or undefined for one OTLP/HTTP does not define. */
export function encodingOf(contentType: string | undefined): Encoding | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  return undefined;
}

function parseBody(body: Buffer, encoding: Encoding, type: protobuf.Type): Record<string, unknown> {
  if (encoding === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      throw new OtlpDecodeError('the body is not JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new OtlpDecodeError('the body is not a JSON object');
    }
    return value as Record<string, unknown>;
  }
  try {
    return type.decode(body) as unknown as Record<string, unknown>;
  } catch (err) {
    throw new OtlpDecodeError(`the body is not ${type.name} protobuf (${(err as Error).message})`);
  }
}

/** `ExportTraceServiceRequest` → spans by resource and scope. */
export function decodeTraces(body: Buffer, encoding: Encoding): DecodedResource<DecodedSpan>[] {
  const msg = parseBody(body, encoding, TraceRequest);
  return list(msg.resourceSpans).map((rs) => ({
    resource: attrs(obj(rs.resource).attributes),
    scopes: list(rs.scopeSpans).map((ss) => ({
      scope: scopeOf(ss.scope),
      items: list(ss.spans).map(span),
    })),
  }));
}

/** `ExportMetricsServiceRequest` → metrics by resource and scope. */
export function decodeMetrics(body: Buffer, encoding: Encoding): DecodedResource<DecodedMetric>[] {
  const msg = parseBody(body, encoding, MetricsRequest);
  return list(msg.resourceMetrics).map((rm) => ({
    resource: attrs(obj(rm.resource).attributes),
    scopes: list(rm.scopeMetrics).map((sm) => ({
      scope: scopeOf(sm.scope),
      items: list(sm.metrics)
        .map(metric)
        .filter((m): m is DecodedMetric => m !== undefined),
    })),
  }));
}

function span(s: Record<string, unknown>): DecodedSpan {
  const status = obj(s.status);
  const traceId = id(s.traceId);
  const spanId = id(s.spanId);
  if (traceId === '' || spanId === '') throw new OtlpDecodeError('a span has no traceId or spanId');
  return {
    traceId,
    spanId,
    parentSpanId: id(s.parentSpanId),
    name: str(s.name),
    kind: num(s.kind),
    start: nanosToMs(s.startTimeUnixNano),
    end: nanosToMs(s.endTimeUnixNano),
    status: { code: num(status.code), message: str(status.message) },
    attributes: attrs(s.attributes),
  };
}

const METRIC_KINDS: readonly MetricKind[] = [
  'gauge',
  'sum',
  'histogram',
  'exponential_histogram',
  'summary',
];
const JSON_KEYS: Record<MetricKind, string> = {
  gauge: 'gauge',
  sum: 'sum',
  histogram: 'histogram',
  exponential_histogram: 'exponentialHistogram',
  summary: 'summary',
};

function metric(m: Record<string, unknown>): DecodedMetric | undefined {
  const kind = METRIC_KINDS.find((k) => own(m, JSON_KEYS[k]));
  if (kind === undefined) return undefined;
  const data = obj(m[JSON_KEYS[kind]]);
  const points = list(data.dataPoints).map((p) => point(kind, p));
  return {
    name: str(m.name),
    description: str(m.description),
    unit: str(m.unit),
    kind,
    monotonic: kind === 'sum' ? data.isMonotonic === true : false,
    delta: num(data.aggregationTemporality) === 1,
    points,
  };
}

function point(kind: MetricKind, p: Record<string, unknown>): DecodedPoint {
  const out: DecodedPoint = {
    attributes: attrs(p.attributes),
    start: nanosToMs(p.startTimeUnixNano),
    time: nanosToMs(p.timeUnixNano),
    value: 0,
    count: 0,
  };
  if (kind === 'gauge' || kind === 'sum') {
    out.value = own(p, 'asDouble') ? num(p.asDouble) : num(p.asInt);
  } else {
    out.value = own(p, 'sum') ? num(p.sum) : 0;
    out.count = num(p.count);
  }
  if (kind === 'histogram') {
    out.bounds = list<unknown>(p.explicitBounds).map(num);
    out.counts = list<unknown>(p.bucketCounts).map(num);
    if (out.counts.length !== 0 && out.counts.length !== out.bounds.length + 1) {
      throw new OtlpDecodeError(
        'a histogram point has bucketCounts not one longer than explicitBounds',
      );
    }
  }
  const exemplars = list(p.exemplars);
  if (exemplars.length > 0) {
    out.exemplars = exemplars.map((e) => ({
      traceId: id(e.traceId),
      spanId: id(e.spanId),
      value: own(e, 'asDouble') ? num(e.asDouble) : num(e.asInt),
      time: nanosToMs(e.timeUnixNano),
    }));
  }
  return out;
}

function scopeOf(value: unknown): { name: string; version: string } {
  const s = obj(value);
  return { name: str(s.name), version: str(s.version) };
}

// ---- field readers: plain JSON values and protobufjs messages (Long, Uint8Array) alike

type Dict = Record<string, unknown>;
const EMPTY: Dict = Object.freeze({});

function own(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key) && (o as Dict)[key] != null;
}

function obj(value: unknown): Dict {
  return typeof value === 'object' && value !== null ? (value as Dict) : EMPTY;
}

function list<T = Dict>(value: unknown): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError('a repeated field is not an array');
  return value as T[];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

interface LongLike {
  toNumber(): number;
  /** Decimal digits (protobufjs' Long). */
  toString(): string;
}

/** A number from a JSON number, a JSON string (64-bit ints), a protobufjs Long, or a bool. */
function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const n = Number(value);
    if (Number.isNaN(n) && value !== 'NaN')
      throw new OtlpDecodeError('a number field is not a number');
    return n;
  }
  if (typeof value === 'object' && value !== null && 'toNumber' in value) {
    return (value as LongLike).toNumber();
  }
  return 0;
}

/**
 * Nanoseconds since the epoch (about 1.8e18: past 2^53) to milliseconds, from the decimal
 * digits when there are any (a JSON string, a protobufjs Long), so a whole millisecond stays
 * whole: dividing the rounded double by 1e6 gave 1796118024478.0002.
 */
function nanosToMs(value: unknown): number {
  const digits =
    typeof value === 'string'
      ? value
      : typeof value === 'object' && value !== null && 'toNumber' in value
        ? (value as LongLike).toString()
        : undefined;
  if (digits !== undefined && /^\d{7,}$/.test(digits)) {
    return Number(digits.slice(0, -6)) + Number(digits.slice(-6)) / 1e6;
  }
  return num(value) / 1e6;
}

const HEX = /^[0-9a-f]*$/i;

/** Ids: hex in OTLP/JSON, bytes in protobuf (some JSON encoders send base64). */
function id(value: unknown): string {
  if (typeof value === 'string') {
    if (HEX.test(value) && value.length % 2 === 0) return value.toLowerCase();
    return Buffer.from(value, 'base64').toString('hex');
  }
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  }
  return '';
}

/** Arrays and maps in attribute values nest at most this deep (the walk is recursive). */
const MAX_DEPTH = 32;

function anyValue(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new OtlpDecodeError('an attribute value nests too deep');
  const v = obj(value);
  if (own(v, 'stringValue')) return str(v.stringValue);
  if (own(v, 'boolValue')) return v.boolValue === true;
  if (own(v, 'intValue')) return num(v.intValue);
  if (own(v, 'doubleValue')) return num(v.doubleValue);
  if (own(v, 'arrayValue'))
    return list(obj(v.arrayValue).values).map((x) => anyValue(x, depth + 1));
  if (own(v, 'kvlistValue')) return attrs(obj(v.kvlistValue).values, depth + 1);
  if (own(v, 'bytesValue')) {
    const b = v.bytesValue;
    return b instanceof Uint8Array ? Buffer.from(b).toString('base64') : str(b);
  }
  return undefined;
}

function attrs(value: unknown, depth = 0): Attrs {
  const out: Attrs = {};
  for (const kv of list(value)) {
    const key = str(kv.key);
    // '__proto__' as a key would set the prototype of a plain object.
    if (key === '__proto__') continue;
    out[key] = anyValue(kv.value, depth);
  }
  return out;
}
