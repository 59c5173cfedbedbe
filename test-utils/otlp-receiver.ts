/*
 * A local OTLP/HTTP trace receiver (there is no Jaeger binary here): accepts
 * POST /v1/traces as http/protobuf or http/json, decodes it and keeps the spans.
 */
import { createServer, type Server } from 'node:http';
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
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10; repeated Event events = 11;
  uint32 dropped_events_count = 12; repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
}
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;

const root = protobuf.parse(PROTO, { keepCase: false }).root;
const Request = root.lookupType('otlp.ExportTraceServiceRequest');

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer */
  kind: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
  status: { code: number; message?: string };
  resource: Record<string, unknown>;
  scope: string;
}

export interface OtlpReceiver {
  url: string;
  /** e.g. http://127.0.0.1:PORT/v1/traces */
  tracesUrl: string;
  spans: ReceivedSpan[];
  contentTypes: string[];
  /** Bodies POSTed to /v1/metrics (OTLP metric push), undecoded. */
  metricPosts: { contentType: string; body: Buffer }[];
  waitForSpans(
    predicate: (spans: ReceivedSpan[]) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

const hex = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') {
    // JSON encoding uses hex; some encoders send base64
    return /^[0-9a-f]*$/i.test(v) ? v.toLowerCase() : Buffer.from(v, 'base64').toString('hex');
  }
  return Buffer.from(v as Uint8Array).toString('hex');
};

type AnyValue = Record<string, unknown>;
function anyValue(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('arrayValue' in v) {
    return ((v.arrayValue as { values?: AnyValue[] }).values ?? []).map(anyValue);
  }
  if ('kvlistValue' in v) return attrs((v.kvlistValue as { values?: KV[] }).values);
  if ('bytesValue' in v) return v.bytesValue;
  return undefined;
}
type KV = { key: string; value?: AnyValue };
function attrs(list: KV[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

function normalize(body: any): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const resource = attrs(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name,
          kind: Number(s.kind ?? 0),
          attributes: attrs(s.attributes),
          links: (s.links ?? []).map((l: any) => ({
            traceId: hex(l.traceId),
            spanId: hex(l.spanId),
          })),
          status: { code: Number(s.status?.code ?? 0), message: s.status?.message },
          resource,
          scope: ss.scope?.name ?? '',
        });
      }
    }
  }
  return out;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const metricPosts: { contentType: string; body: Buffer }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const ct = String(req.headers['content-type'] ?? '');
      contentTypes.push(ct);
      if (req.method === 'POST' && req.url?.startsWith('/v1/metrics')) {
        metricPosts.push({ contentType: ct, body: Buffer.concat(chunks) });
        res.writeHead(200, {
          'content-type': ct.includes('json') ? 'application/json' : 'application/x-protobuf',
        });
        res.end(ct.includes('json') ? '{}' : undefined);
        return;
      }
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/traces')) {
        // accept metrics/logs too, but keep only traces
        res.writeHead(req.method === 'POST' ? 200 : 404).end();
        return;
      }
      try {
        const buf = Buffer.concat(chunks);
        const body = ct.includes('json')
          ? JSON.parse(buf.toString('utf8'))
          : Request.toObject(Request.decode(buf), {
              longs: String,
              bytes: Buffer,
              defaults: false,
            });
        spans.push(...normalize(body));
        res.writeHead(200, {
          'content-type': ct.includes('json') ? 'application/json' : 'application/x-protobuf',
        });
        res.end(ct.includes('json') ? '{}' : undefined);
      } catch (err) {
        res.writeHead(400).end(String(err));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    tracesUrl: `${url}/v1/traces`,
    spans,
    contentTypes,
    metricPosts,
    async waitForSpans(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (predicate(spans)) return spans;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for spans; have: ${spans.map((s) => s.name).join(', ')}`);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
