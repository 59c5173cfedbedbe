/*
 * The hub's `/metrics`: every known process's metrics in one exposition, named
 * by @mcpmeter/prometheus's serializer (so a series has the name it has on the
 * process's own /metrics), each sample with `service_name` and
 * `service_instance_id`, one family per name across processes, and one
 * `target_info` sample per process. Text 0.0.4, or OpenMetrics 1.0 on `Accept`.
 */
import type { Attributes } from '@opentelemetry/api';
import {
  serializeOpenMetrics,
  serializeText,
  specNames,
  type PromType,
} from '@mcpmeter/prometheus';
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import type { Diagnostics } from '../diagnostics.js';
import type { ProcessState, Store, Stream } from './store.js';

const SERVICE_NAME = 'service.name';
const SERVICE_INSTANCE_ID = 'service.instance.id';

function promType(s: Stream): PromType | undefined {
  switch (s.metric.kind) {
    case 'sum':
      return s.metric.monotonic ? 'counter' : 'gauge';
    case 'gauge':
      return 'gauge';
    case 'histogram':
      return s.point.bounds !== undefined &&
        s.point.counts !== undefined &&
        s.point.counts.length > 0
        ? 'histogram'
        : undefined;
    default:
      // Exponential histograms and summaries have no place in text 0.0.4 / OpenMetrics 1.0 here.
      return undefined;
  }
}

const time = (ms: number): [number, number] => {
  const s = Math.floor(ms / 1000);
  return [s, Math.round((ms - s * 1000) * 1e6)];
};

/** The point's attributes with the process's identity as labels (theirs win over a point's own). */
function labelled(p: ProcessState, attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attributes)) {
    // `service_name` and `service.name` would merge into one label ("a;b").
    if (k.startsWith('service') && /^service[._](name|instance[._]id)$/.test(k)) continue;
    out[k] = v;
  }
  out[SERVICE_NAME] = p.service;
  out[SERVICE_INSTANCE_ID] = p.id;
  return out;
}

function dataPoint(p: ProcessState, s: Stream) {
  const pt = s.point;
  const base = {
    attributes: labelled(p, s.attributes),
    startTime: time(pt.start),
    endTime: time(pt.time),
  };
  if (s.metric.kind !== 'histogram') return { ...base, value: pt.value };
  return {
    ...base,
    value: {
      buckets: { boundaries: pt.bounds!, counts: pt.counts! },
      count: pt.count,
      sum: pt.value,
    },
  };
}

/** The store's processes as one ResourceMetrics, one family per Prometheus name. */
function collect(store: Store, diagnostics: Diagnostics | undefined): ResourceMetrics {
  const families = new Map<string, { type: PromType; unit: string }>();
  const scopes: ScopeMetrics[] = [];
  for (const p of store.processes.values()) {
    const byScope = new Map<string, { sm: ScopeMetrics; metrics: Map<string, MetricData> }>();
    for (const s of p.streams.values()) {
      const type = promType(s);
      if (type === undefined) continue;
      const names = specNames(s.metric.name, s.metric.unit, type);
      if (names === undefined) continue;
      const family = families.get(names.family);
      if (family === undefined) {
        families.set(names.family, { type, unit: names.unit });
      } else if (family.type !== type || family.unit !== names.unit) {
        diagnostics?.once(
          'prom-conflict',
          `ui: metrics of different types or units map to one Prometheus name (first: ${diagnostics.quote(names.family)}); the later ones are left out of /metrics`,
        );
        continue;
      }
      const scopeKey = `${s.scope.name}\u0000${s.scope.version}`;
      let scope = byScope.get(scopeKey);
      if (scope === undefined) {
        const sm = { scope: { name: s.scope.name, version: s.scope.version }, metrics: [] };
        scope = { sm, metrics: new Map() };
        byScope.set(scopeKey, scope);
        scopes.push(sm);
      }
      let metric = scope.metrics.get(s.metric.name);
      if (metric === undefined) {
        metric = {
          descriptor: {
            name: s.metric.name,
            description: s.metric.description,
            unit: s.metric.unit,
            type: undefined as never,
            valueType: undefined as never,
          },
          dataPointType:
            type === 'histogram'
              ? DataPointType.HISTOGRAM
              : s.metric.kind === 'sum'
                ? DataPointType.SUM
                : DataPointType.GAUGE,
          isMonotonic: s.metric.monotonic,
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPoints: [],
        } as unknown as MetricData;
        scope.metrics.set(s.metric.name, metric);
        scope.sm.metrics.push(metric);
      }
      (metric.dataPoints as unknown[]).push(dataPoint(p, s));
    }
  }
  return { resource: { attributes: {} }, scopeMetrics: scopes } as unknown as ResourceMetrics;
}

/** `target_info`, one sample per process: its resource attributes. */
function targetInfo(store: Store): ResourceMetrics {
  const dataPoints = [...store.processes.values()].map((p) => ({
    attributes: { ...p.resource, ...labelled(p, {}) },
    startTime: time(p.firstSeen),
    endTime: time(p.lastSeen),
    value: 1,
  }));
  const metric = {
    descriptor: { name: 'target_info', description: 'Target metadata', unit: '' },
    dataPointType: DataPointType.GAUGE,
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPoints,
  } as unknown as MetricData;
  return {
    resource: { attributes: {} },
    scopeMetrics: dataPoints.length > 0 ? [{ scope: { name: '' }, metrics: [metric] }] : [],
  } as unknown as ResourceMetrics;
}

/** The exposition of every process in `store`. */
export function exposition(store: Store, openMetrics: boolean, diagnostics?: Diagnostics): string {
  const rm = collect(store, diagnostics);
  const options = { withoutTargetInfo: true };
  if (!openMetrics) {
    return (
      serializeText(targetInfo(store), { ...options, withoutScopeInfo: true }) +
      serializeText(rm, options)
    );
  }
  const info = serializeOpenMetrics(targetInfo(store), { ...options, withoutScopeInfo: true });
  return info.slice(0, info.length - '# EOF\n'.length) + serializeOpenMetrics(rm, options);
}
