/*
 * The hub's state, bounded whatever the processes send: processes (least
 * recently seen evicted), their metric streams (cumulative, with the last few
 * snapshots for rates), and the spans (./traces.ts). Every limit is a constant
 * here, documented in docs/ui.md.
 */
import type {
  Attrs,
  DecodedMetric,
  DecodedPoint,
  DecodedResource,
  DecodedSpan,
  MetricKind,
} from './otlp-decode.js';
import { sameBounds } from './histogram.js';
import { TraceStore, type Side } from './traces.js';

/** Processes kept; the least recently seen one is evicted for a new one. */
export const MAX_PROCESSES = 200;
/** Metric streams (metric × attribute set) per process; new ones beyond are dropped and counted. */
export const MAX_STREAMS_PER_PROCESS = 5_000;
/** Snapshots kept per stream, for rates (a push every 2 s: about 30 s). */
export const SNAPSHOTS_KEPT = 16;
/** A process is up when it pushed within this window. */
export const UP_WINDOW_MS = 10_000;
/** `callsPerSec` is measured over at most this window. */
export const RATE_WINDOW_MS = 30_000;
/** Largest request body the OTLP receiver reads (after gzip); larger → 413. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Request bodies being read at once, together; beyond it → 503 with Retry-After (exporters retry). */
export const MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;

export { MAX_SPANS, MAX_SPANS_PER_TRACE, MAX_TRACES } from './traces.js';

export interface MetricInfo {
  name: string;
  description: string;
  unit: string;
  kind: MetricKind;
  monotonic: boolean;
}

export interface Snapshot {
  time: number;
  /** Count of a histogram or summary, value of a sum or gauge. */
  total: number;
}

export interface Stream {
  metric: MetricInfo;
  scope: { name: string; version: string };
  attributes: Attrs;
  /** The cumulative point (deltas added up). */
  point: DecodedPoint;
  history: Snapshot[];
  /** Snapshots were forgotten (more than SNAPSHOTS_KEPT): the first one kept is not the first one. */
  shifted?: boolean;
}

export class ProcessState {
  service = '';
  pid: number | undefined;
  runtime = '';
  transport = '';
  resource: Attrs = {};
  lastSeen: number;
  spans = 0;
  droppedStreams = 0;
  readonly streams = new Map<string, Stream>();

  constructor(
    readonly id: string,
    resource: Attrs,
    readonly firstSeen: number,
  ) {
    this.lastSeen = firstSeen;
    this.update(resource);
  }

  update(resource: Attrs): void {
    this.resource = resource;
    this.service = serviceOf(resource);
    const pid = resource['process.pid'];
    if (typeof pid === 'number') this.pid = pid;
    const name = resource['process.runtime.name'];
    const version = resource['process.runtime.version'];
    if (typeof name === 'string') {
      this.runtime = typeof version === 'string' ? `${name} ${version}` : name;
    }
  }

  /** Streams of one metric name. */
  *streamsOf(name: string): Iterable<Stream> {
    for (const s of this.streams.values()) if (s.metric.name === name) yield s;
  }
}

function serviceOf(resource: Attrs): string {
  const name = resource['service.name'];
  return typeof name === 'string' && name !== '' ? name : 'unknown_service';
}

/** The identity of a process: its `service.instance.id`, else service and pid. */
export function processIdOf(resource: Attrs): string {
  const id = resource['service.instance.id'];
  if (typeof id === 'string' && id !== '') return id;
  const pid = resource['process.pid'];
  return `${serviceOf(resource)}/${typeof pid === 'number' ? pid : '?'}`;
}

/** Metrics whose `network.transport` names a process's transport. */
const TRANSPORT_METRICS = new Set([
  'mcp.server.operation.duration',
  'mcp.server.active_requests',
  'mcp.server.session.duration',
  'mcp.server.active_sessions',
  'mcp.client.operation.duration',
]);

export interface Dropped {
  spans: number;
  traces: number;
  processes: number;
  streams: number;
}

export class Store {
  readonly startedAt = Date.now();
  /** Least recently seen first (a touched process moves to the end). */
  readonly processes = new Map<string, ProcessState>();
  readonly traces: TraceStore;
  private droppedProcesses = 0;
  private droppedStreams = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.traces = new TraceStore((side, p) => this.boundsFor(p, side));
  }

  get dropped(): Dropped {
    return {
      spans: this.traces.droppedSpans,
      traces: this.traces.droppedTraces,
      processes: this.droppedProcesses,
      streams: this.droppedStreams,
    };
  }

  /** The process of `resource`, created (evicting the least recently seen) or touched. */
  process(resource: Attrs): ProcessState {
    const id = processIdOf(resource);
    const now = this.now();
    let p = this.processes.get(id);
    if (p === undefined) {
      if (this.processes.size >= MAX_PROCESSES) {
        const oldest = this.processes.keys().next().value;
        if (oldest !== undefined) this.processes.delete(oldest);
        this.droppedProcesses++;
      }
      p = new ProcessState(id, resource, now);
    } else {
      this.processes.delete(id);
      p.update(resource);
      p.lastSeen = now;
    }
    this.processes.set(id, p);
    return p;
  }

  addSpans(resources: DecodedResource<DecodedSpan>[]): number {
    let n = 0;
    for (const r of resources) {
      const p = this.process(r.resource);
      for (const scope of r.scopes) {
        for (const span of scope.items) this.traces.add(span, p);
        p.spans += scope.items.length;
        n += scope.items.length;
      }
    }
    return n;
  }

  addMetrics(resources: DecodedResource<DecodedMetric>[]): number {
    let n = 0;
    for (const r of resources) {
      const p = this.process(r.resource);
      for (const scope of r.scopes) {
        for (const m of scope.items) {
          for (const point of m.points) {
            this.addPoint(p, scope.scope, m, point);
            n++;
          }
        }
      }
    }
    return n;
  }

  private addPoint(
    p: ProcessState,
    scope: { name: string; version: string },
    m: DecodedMetric,
    point: DecodedPoint,
  ): void {
    const key = `${scope.name}\u0000${m.name}\u0000${attributeKey(point.attributes)}`;
    let stream = p.streams.get(key);
    if (stream === undefined) {
      if (p.streams.size >= MAX_STREAMS_PER_PROCESS) {
        p.droppedStreams++;
        this.droppedStreams++;
        return;
      }
      const metric: MetricInfo = {
        name: m.name,
        description: m.description,
        unit: m.unit,
        kind: m.kind,
        monotonic: m.monotonic,
      };
      stream = { metric, scope, attributes: point.attributes, point, history: [] };
      p.streams.set(key, stream);
    } else if (m.delta) {
      stream.point = addDelta(stream.point, point);
    } else {
      stream.point = point;
    }
    stream.metric.description = m.description;
    const total = m.kind === 'gauge' || m.kind === 'sum' ? stream.point.value : stream.point.count;
    const h = stream.history;
    const snap = { time: stream.point.time, total };
    if (h.length > 0 && h[h.length - 1]!.time >= snap.time) h[h.length - 1] = snap;
    else h.push(snap);
    if (h.length > SNAPSHOTS_KEPT) {
      h.shift();
      stream.shifted = true;
    }
    if (p.transport === '' && TRANSPORT_METRICS.has(m.name)) {
      const t = point.attributes['network.transport'];
      if (typeof t === 'string') p.transport = t;
    }
    if (point.exemplars !== undefined && m.kind === 'histogram') {
      const side = sideOf(m.name);
      const tool = point.attributes['gen_ai.tool.name'];
      if (side !== undefined && typeof tool === 'string') {
        for (const e of point.exemplars) {
          this.traces.exemplar(p, side, tool, e.value * 1000, e.traceId, e.spanId, e.time);
        }
      }
    }
  }

  /** Bucket bounds (seconds) of a tool's latency histogram in `p`, from its latest stream. */
  boundsFor(p: ProcessState, side: Side): readonly number[] | undefined {
    const name =
      side === 'server' ? 'mcp.server.operation.duration' : 'mcp.client.operation.duration';
    for (const s of p.streamsOf(name)) if (s.point.bounds !== undefined) return s.point.bounds;
    return undefined;
  }

  /** Pushed within UP_WINDOW_MS. */
  isUp(p: ProcessState): boolean {
    return this.now() - p.lastSeen <= UP_WINDOW_MS;
  }

  nowMs(): number {
    return this.now();
  }
}

export function sideOf(metricName: string): Side | undefined {
  if (metricName === 'mcp.server.operation.duration') return 'server';
  if (metricName === 'mcp.client.operation.duration') return 'client';
  return undefined;
}

/** A stable key for an attribute set: sorted entries as JSON. */
export function attributeKey(attributes: Attrs): string {
  const keys = Object.keys(attributes);
  if (keys.length === 0) return '';
  keys.sort();
  let out = '';
  for (const k of keys) out += `${JSON.stringify(k)}:${JSON.stringify(attributes[k]) ?? ''},`;
  return out;
}

function addDelta(prev: DecodedPoint, d: DecodedPoint): DecodedPoint {
  const out: DecodedPoint = {
    ...d,
    start: prev.start,
    value: prev.value + d.value,
    count: prev.count + d.count,
  };
  if (prev.counts !== undefined && d.counts !== undefined && sameBounds(prev.bounds, d.bounds)) {
    out.counts = d.counts.map((c, i) => c + (prev.counts![i] ?? 0));
  }
  return out;
}

/**
 * Per-second increase over the last `RATE_WINDOW_MS` of snapshots (counter
 * resets count from zero, as Prometheus's `rate` does). A stream first seen
 * inside the window counts from zero at its start time, so the calls made
 * before its first push count too.
 */
export function ratePerSec(s: Stream, now: number): number {
  const h = s.history;
  const last = h[h.length - 1];
  if (last === undefined || now - last.time > RATE_WINDOW_MS) return 0;
  let i = h.length - 1;
  while (i > 0 && last.time - h[i - 1]!.time <= RATE_WINDOW_MS) i--;
  let increase = 0;
  let from = h[i]!.time;
  const start = s.point.start;
  if (
    i === 0 &&
    !s.shifted &&
    start > 0 &&
    start < h[0]!.time &&
    last.time - start <= RATE_WINDOW_MS
  ) {
    increase = h[0]!.total;
    from = start;
  }
  for (let j = i + 1; j < h.length; j++) {
    const d = h[j]!.total - h[j - 1]!.total;
    increase += d >= 0 ? d : h[j]!.total;
  }
  const span = last.time - from;
  return span > 0 ? (increase / span) * 1000 : 0;
}
