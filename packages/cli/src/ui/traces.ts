/*
 * Spans as traces, bounded: at most MAX_TRACES traces and MAX_SPANS spans in
 * all, the oldest trace evicted whole (a ring of traces, so a waterfall is never
 * half-evicted), and per tool latency bucket the most recent span that fell in it
 * (the exemplars of the tool view: the JS SDK's OTLP metrics carry none).
 */
import { MCP_DURATION_BUCKETS } from '@mcpmeter/core';
import { bucketIndex, sameBounds } from './histogram.js';
import type { DecodedSpan } from './otlp-decode.js';
import type { ProcessState } from './store.js';

/** Spans kept in all traces together; the oldest traces are evicted beyond it. */
export const MAX_SPANS = 100_000;
/** Traces kept; the oldest is evicted for a new one. */
export const MAX_TRACES = 5_000;
/** Spans kept in one trace; more are dropped and counted. */
export const MAX_SPANS_PER_TRACE = 10_000;
/** Tools (per side) with exemplars per process. */
export const MAX_EXEMPLAR_TOOLS = 1_000;

export type Side = 'server' | 'client';

export interface StoredSpan extends DecodedSpan {
  process: ProcessState;
}

export interface Trace {
  traceId: string;
  spans: StoredSpan[];
  start: number;
  end: number;
  error: boolean;
  processes: Set<ProcessState>;
}

export interface Exemplar {
  traceId: string;
  spanId: string;
  durationMs: number;
  /** When the span ended (ms). */
  time: number;
}

export interface ToolExemplars {
  /** Upper bounds in seconds the slots are indexed by (the last slot is +Inf). */
  bounds: readonly number[];
  slots: (Exemplar | undefined)[];
}

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;

export class TraceStore {
  /** Oldest first. */
  readonly byId = new Map<string, Trace>();
  spanCount = 0;
  droppedSpans = 0;
  droppedTraces = 0;
  /** Per process: `side\0tool` → exemplar slots. Weak: evicted processes take theirs along. */
  private readonly exemplars = new WeakMap<ProcessState, Map<string, ToolExemplars>>();

  constructor(
    private readonly boundsFor: (side: Side, p: ProcessState) => readonly number[] | undefined,
  ) {}

  add(span: DecodedSpan, p: ProcessState): void {
    let trace = this.byId.get(span.traceId);
    if (trace === undefined) {
      if (this.byId.size >= MAX_TRACES) this.evictOldest();
      trace = {
        traceId: span.traceId,
        spans: [],
        start: span.start,
        end: span.end,
        error: false,
        processes: new Set(),
      };
      this.byId.set(span.traceId, trace);
    }
    if (trace.spans.length >= MAX_SPANS_PER_TRACE) {
      this.droppedSpans++;
      return;
    }
    const stored = span as StoredSpan;
    stored.process = p;
    trace.spans.push(stored);
    trace.processes.add(p);
    if (span.start < trace.start) trace.start = span.start;
    if (span.end > trace.end) trace.end = span.end;
    if (span.status.code === STATUS_ERROR) trace.error = true;
    this.spanCount++;
    while (this.spanCount > MAX_SPANS && this.byId.size > 1) this.evictOldest();
    this.noteExemplar(stored);
  }

  private evictOldest(): void {
    const oldest = this.byId.values().next().value;
    if (oldest === undefined) return;
    this.byId.delete(oldest.traceId);
    this.spanCount -= oldest.spans.length;
    this.droppedSpans += oldest.spans.length;
    this.droppedTraces++;
  }

  private noteExemplar(span: StoredSpan): void {
    if (span.attributes['mcp.method.name'] !== 'tools/call') return;
    const tool = span.attributes['gen_ai.tool.name'];
    if (typeof tool !== 'string') return;
    const side =
      span.kind === SPAN_KIND_SERVER
        ? 'server'
        : span.kind === SPAN_KIND_CLIENT
          ? 'client'
          : undefined;
    if (side === undefined) return;
    this.exemplar(
      span.process,
      side,
      tool,
      span.end - span.start,
      span.traceId,
      span.spanId,
      span.end,
    );
  }

  /** Puts a span (or an OTLP exemplar) in its latency bucket, if newer than the one there. */
  exemplar(
    p: ProcessState,
    side: Side,
    tool: string,
    durationMs: number,
    traceId: string,
    spanId: string,
    time: number,
  ): void {
    if (traceId === '' || spanId === '' || !Number.isFinite(durationMs)) return;
    let tools = this.exemplars.get(p);
    if (tools === undefined) {
      tools = new Map();
      this.exemplars.set(p, tools);
    }
    const key = `${side}\u0000${tool}`;
    const bounds = this.boundsFor(side, p) ?? MCP_DURATION_BUCKETS;
    let entry = tools.get(key);
    if (entry === undefined || !sameBounds(entry.bounds, bounds)) {
      if (entry === undefined && tools.size >= MAX_EXEMPLAR_TOOLS) return;
      entry = { bounds, slots: new Array<Exemplar | undefined>(bounds.length + 1) };
      tools.set(key, entry);
    }
    const b = bucketIndex(bounds, durationMs / 1000);
    const current = entry.slots[b];
    if (current === undefined || current.time <= time) {
      entry.slots[b] = { traceId, spanId, durationMs, time };
    }
  }

  exemplarsOf(p: ProcessState, side: Side, tool: string): ToolExemplars | undefined {
    return this.exemplars.get(p)?.get(`${side}\u0000${tool}`);
  }
}

export interface OrderedSpan {
  span: StoredSpan;
  depth: number;
}

/**
 * Spans in parent order: depth-first from the roots (spans without a parent in
 * the trace), siblings by start. Spans caught in a parent cycle follow as roots.
 */
export function parentOrder(spans: readonly StoredSpan[]): OrderedSpan[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, StoredSpan[]>();
  const roots: StoredSpan[] = [];
  for (const s of spans) {
    if (s.parentSpanId === '' || !ids.has(s.parentSpanId) || s.parentSpanId === s.spanId) {
      roots.push(s);
      continue;
    }
    let list = children.get(s.parentSpanId);
    if (list === undefined) children.set(s.parentSpanId, (list = []));
    list.push(s);
  }
  const byStart = (a: StoredSpan, b: StoredSpan) => a.start - b.start || a.end - b.end;
  roots.sort(byStart);
  for (const list of children.values()) list.sort(byStart);
  const out: OrderedSpan[] = [];
  const seen = new Set<StoredSpan>();
  const visit = (root: StoredSpan) => {
    const stack: OrderedSpan[] = [{ span: root, depth: 0 }];
    while (stack.length > 0) {
      const item = stack.pop()!;
      if (seen.has(item.span)) continue;
      seen.add(item.span);
      out.push(item);
      const kids = children.get(item.span.spanId);
      if (kids === undefined) continue;
      for (let i = kids.length - 1; i >= 0; i--)
        stack.push({ span: kids[i]!, depth: item.depth + 1 });
    }
  };
  for (const r of roots) visit(r);
  for (const s of [...spans].sort(byStart)) if (!seen.has(s)) visit(s);
  return out;
}

/** The root span shown for a trace: the earliest span without a parent in it. */
export function rootOf(trace: Trace): StoredSpan | undefined {
  const ids = new Set(trace.spans.map((s) => s.spanId));
  let root: StoredSpan | undefined;
  for (const s of trace.spans) {
    if (s.parentSpanId !== '' && ids.has(s.parentSpanId)) continue;
    if (root === undefined || s.start < root.start) root = s;
  }
  return root ?? trace.spans[0];
}
