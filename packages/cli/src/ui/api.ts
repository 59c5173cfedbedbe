/*
 * The JSON API of the page (docs/ui.md, "Hub, limits and API"): what the page
 * polls and the tests call. Everything is computed from the store on request;
 * times are ms since the epoch, durations ms.
 */
import { MCP_SERVER_OPERATION_KEYS, semconv } from '@mcpmeter/core';
import { attributeValueText, sanitizeLabelName } from '@mcpmeter/prometheus';
import { histogramQuantile, sameBounds } from './histogram.js';
import type { Attrs } from './otlp-decode.js';
import {
  MAX_PROCESSES,
  MAX_SPANS,
  MAX_TRACES,
  ratePerSec,
  sideOf,
  type ProcessState,
  type Store,
} from './store.js';
import { parentOrder, rootOf, type Side, type StoredSpan } from './traces.js';

export interface HubInfo {
  version: string;
  otlpUrl: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

const TOOLS_CALL = 'tools/call';

/** Routes `GET /api/…`; undefined for a path that is not an API route. */
export function handleApi(
  store: Store,
  info: HubInfo,
  path: string,
  query: URLSearchParams,
): ApiResponse | undefined {
  if (path === '/api/overview') return { status: 200, body: overview(store, info) };
  if (path === '/api/traces') {
    const limit = Number(query.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1) {
      return { status: 400, body: { error: 'limit must be a positive integer' } };
    }
    return { status: 200, body: traceList(store, Math.min(limit, MAX_TRACES)) };
  }
  let m = /^\/api\/traces\/([^/]+)$/.exec(path);
  if (m !== null) {
    const body = traceDetail(store, decode(m[1]!).toLowerCase());
    return body === undefined
      ? { status: 404, body: { error: 'unknown trace' } }
      : { status: 200, body };
  }
  m = /^\/api\/tools\/([^/]+)\/([^/]+)$/.exec(path);
  if (m !== null) {
    const side = query.get('side') ?? 'server';
    if (side !== 'server' && side !== 'client') {
      return { status: 400, body: { error: 'side must be server or client' } };
    }
    const body = toolDetail(store, decode(m[1]!), decode(m[2]!), side);
    return body === undefined
      ? { status: 404, body: { error: 'unknown tool' } }
      : { status: 200, body };
  }
  return undefined;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function overview(store: Store, info: HubInfo) {
  const processes = [...store.processes.values()].sort((a, b) =>
    a.service < b.service ? -1 : a.service > b.service ? 1 : a.firstSeen - b.firstSeen,
  );
  return {
    hub: {
      version: info.version,
      startedAt: store.startedAt,
      otlpUrl: info.otlpUrl,
      limits: { processes: MAX_PROCESSES, spans: MAX_SPANS, traces: MAX_TRACES },
      dropped: store.dropped,
      held: {
        processes: store.processes.size,
        spans: store.traces.spanCount,
        traces: store.traces.byId.size,
      },
    },
    processes: processes.map((p) => ({
      id: p.id,
      service: p.service,
      pid: p.pid ?? null,
      transport: p.transport,
      runtime: p.runtime,
      up: store.isUp(p),
      firstSeen: p.firstSeen,
      lastSeen: p.lastSeen,
      spans: p.spans,
    })),
    tools: processes.flatMap((p) => [...toolAggregates(store, p).values()].map(toolRow)),
    sessions: processes.flatMap((p) => sessionRow(p) ?? []),
    llm: processes.flatMap((p) => llmRows(p)),
  };
}

interface ToolAggregate {
  process: ProcessState;
  tool: string;
  side: Side;
  calls: number;
  callsPerSec: number;
  errors: Record<string, number>;
  bounds: readonly number[] | undefined;
  counts: number[];
  active: number;
}

/** Tool rows of one process: its `mcp.{server,client}.operation.duration` points of `tools/call`. */
/** A tool with no calls counted yet. */
function emptyAggregate(p: ProcessState, tool: string, side: Side, active: number): ToolAggregate {
  return {
    process: p,
    tool,
    side,
    calls: 0,
    callsPerSec: 0,
    errors: {},
    bounds: undefined,
    counts: [],
    active,
  };
}

function toolAggregates(store: Store, p: ProcessState): Map<string, ToolAggregate> {
  const out = new Map<string, ToolAggregate>();
  const now = store.nowMs();
  const active = { server: activeCalls(p, 'server'), client: activeCalls(p, 'client') };
  for (const s of p.streams.values()) {
    const side = sideOf(s.metric.name);
    const a = s.attributes;
    const tool = a[semconv.ATTR_GEN_AI_TOOL_NAME];
    if (side === undefined || a[semconv.ATTR_MCP_METHOD_NAME] !== TOOLS_CALL) continue;
    if (typeof tool !== 'string' || s.metric.kind !== 'histogram') continue;
    const key = `${side}\u0000${tool}`;
    let agg = out.get(key);
    if (agg === undefined) {
      agg = emptyAggregate(p, tool, side, active[side]);
      out.set(key, agg);
    }
    const point = s.point;
    agg.calls += point.count;
    agg.callsPerSec += ratePerSec(s, now);
    const errorType = a[semconv.ATTR_ERROR_TYPE];
    if (typeof errorType === 'string' && errorType !== '') {
      agg.errors[errorType] = (agg.errors[errorType] ?? 0) + point.count;
    }
    if (point.bounds !== undefined && point.counts !== undefined && point.counts.length > 0) {
      if (agg.bounds === undefined) {
        agg.bounds = point.bounds;
        agg.counts = [...point.counts];
      } else if (sameBounds(agg.bounds, point.bounds)) {
        for (let i = 0; i < agg.counts.length; i++) agg.counts[i]! += point.counts[i] ?? 0;
      }
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** In-flight `tools/call` requests of a process (the gauge is per method, not per tool). */
function activeCalls(p: ProcessState, side: Side): number {
  let n = 0;
  for (const s of p.streamsOf(`mcp.${side}.active_requests`)) {
    if (s.attributes[semconv.ATTR_MCP_METHOD_NAME] === TOOLS_CALL) n += s.point.value;
  }
  return n;
}

function toolRow(agg: ToolAggregate) {
  const errors = Object.values(agg.errors).reduce((x, y) => x + y, 0);
  return {
    process: agg.process.id,
    service: agg.process.service,
    tool: agg.tool,
    side: agg.side,
    calls: agg.calls,
    callsPerSec: agg.callsPerSec,
    errors: agg.errors,
    errorRatio: agg.calls > 0 ? errors / agg.calls : 0,
    p50Ms: toMs(histogramQuantile(0.5, agg.bounds, agg.counts)),
    p95Ms: toMs(histogramQuantile(0.95, agg.bounds, agg.counts)),
    active: agg.active,
  };
}

const toMs = (s: number | null) => (s === null ? null : s * 1000);

function sessionRow(p: ProcessState) {
  let active = 0;
  let ended = 0;
  let any = false;
  for (const s of p.streamsOf(semconv.METRIC_MCP_SERVER_ACTIVE_SESSIONS)) {
    active += s.point.value;
    any = true;
  }
  for (const s of p.streamsOf(semconv.METRIC_MCP_SERVER_SESSION_DURATION)) {
    ended += s.point.count;
    any = true;
  }
  if (!any) return undefined;
  return { process: p.id, service: p.service, active, total: active + ended };
}

interface LlmRow {
  process: string;
  service: string;
  provider: string;
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

function llmRows(p: ProcessState): LlmRow[] {
  const rows = new Map<string, LlmRow>();
  const row = (a: Attrs): LlmRow => {
    const provider = attributeValueText(a[semconv.ATTR_GEN_AI_PROVIDER_NAME]);
    const model = attributeValueText(
      a[semconv.ATTR_GEN_AI_REQUEST_MODEL] ?? a[semconv.ATTR_GEN_AI_RESPONSE_MODEL],
    );
    const key = `${provider}\u0000${model}`;
    let r = rows.get(key);
    if (r === undefined) {
      r = {
        process: p.id,
        service: p.service,
        provider,
        model,
        calls: 0,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
      };
      rows.set(key, r);
    }
    return r;
  };
  for (const s of p.streamsOf(semconv.METRIC_GEN_AI_CLIENT_OPERATION_DURATION)) {
    row(s.attributes).calls += s.point.count;
  }
  for (const s of p.streamsOf(semconv.METRIC_GEN_AI_CLIENT_TOKEN_USAGE)) {
    const type = s.attributes[semconv.ATTR_GEN_AI_TOKEN_TYPE];
    if (type === 'input') row(s.attributes).inputTokens += s.point.value;
    else if (type === 'output') row(s.attributes).outputTokens += s.point.value;
  }
  for (const s of p.streamsOf('gen_ai.client.cost.usd')) row(s.attributes).costUsd += s.point.value;
  return [...rows.values()];
}

export function traceList(store: Store, limit: number) {
  const traces = [...store.traces.byId.values()].sort(
    (a, b) => Number(b.error) - Number(a.error) || b.end - b.start - (a.end - a.start),
  );
  return traces.slice(0, limit).map((t) => {
    const root = rootOf(t);
    return {
      traceId: t.traceId,
      root: root?.name ?? '',
      service: root?.process.service ?? '',
      start: t.start,
      durationMs: t.end - t.start,
      error: t.error,
      spanCount: t.spans.length,
      processes: t.processes.size,
    };
  });
}

export function traceDetail(store: Store, traceId: string) {
  const trace = store.traces.byId.get(traceId);
  if (trace === undefined) return undefined;
  return {
    traceId,
    spans: parentOrder(trace.spans).map(({ span, depth }) => ({
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      name: span.name,
      kind: span.kind,
      start: span.start,
      end: span.end,
      durationMs: span.end - span.start,
      status: span.status,
      attributes: span.attributes,
      process: {
        id: span.process.id,
        service: span.process.service,
        pid: span.process.pid ?? null,
      },
      depth,
      ...seriesOf(span),
    })),
  };
}

const SERIES_KEYS: Record<Side, readonly string[]> = {
  server: MCP_SERVER_OPERATION_KEYS,
  client: [...MCP_SERVER_OPERATION_KEYS, semconv.ATTR_SERVER_ADDRESS],
};

/** The tool series a span counts in: its metric's name and labels as /metrics shows them. */
function seriesOf(span: StoredSpan) {
  const side = span.kind === 2 ? 'server' : span.kind === 3 ? 'client' : undefined;
  const tool = span.attributes[semconv.ATTR_GEN_AI_TOOL_NAME];
  if (side === undefined || typeof tool !== 'string') return {};
  if (span.attributes[semconv.ATTR_MCP_METHOD_NAME] !== TOOLS_CALL) return {};
  const labels: Record<string, string> = {};
  for (const key of SERIES_KEYS[side]) {
    const v = span.attributes[key];
    if (v !== undefined && v !== '') labels[sanitizeLabelName(key)] = attributeValueText(v);
  }
  labels.service_name = span.process.service;
  labels.service_instance_id = span.process.id;
  return {
    series: {
      metric: `mcp_${side}_operation_duration_seconds`,
      labels,
      tool,
      side,
      process: span.process.id,
    },
  };
}

export function toolDetail(store: Store, processId: string, tool: string, side: Side) {
  const p = store.processes.get(processId);
  if (p === undefined) return undefined;
  const agg = toolAggregates(store, p).get(`${side}\u0000${tool}`);
  const ex = store.traces.exemplarsOf(p, side, tool);
  if (agg === undefined && ex === undefined) return undefined;
  const bounds = agg?.bounds ?? ex?.bounds ?? [];
  const counts = agg?.counts ?? [];
  const slots = ex !== undefined && sameBounds(ex.bounds, bounds) ? ex.slots : [];
  const buckets = [...bounds, null].map((le, i) => {
    // A span whose duration is a hair over a bound can land one bucket above the
    // one its metric counted it in (two clocks): no exemplar on a bucket the
    // metrics say is empty.
    const e = agg !== undefined && !counts[i] ? undefined : slots[i];
    return {
      le: le === null ? null : le * 1000,
      count: counts[i] ?? 0,
      exemplar:
        e === undefined ? null : { traceId: e.traceId, spanId: e.spanId, durationMs: e.durationMs },
    };
  });
  const row = toolRow(agg ?? emptyAggregate(p, tool, side, 0));
  return { ...row, process: p.id, tool, buckets };
}
