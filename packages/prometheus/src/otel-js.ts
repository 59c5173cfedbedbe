import { diag, type Attributes } from '@opentelemetry/api';
import {
  DataPointType,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { formatValue } from './format.js';
import { selectResourceLabels } from './labels.js';
import { otelJsLabelName, otelJsMetricName } from './naming.js';
import type { Serialization, SerializerOptions } from './types.js';

/*
 * `naming: 'otel-js'`: the text output of `@opentelemetry/exporter-prometheus`
 * reproduced byte for byte (names without unit suffixes, `# UNIT` lines, count
 * and sum before buckets, "description missing"), for users whose dashboards
 * were written against it. A test compares both on the same collected data.
 */

function escapeString(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function labelValue(value: unknown): string {
  const s =
    typeof value === 'string' ? value : value === undefined ? '' : (JSON.stringify(value) ?? '');
  return escapeString(s).replace(/"/g, '\\"');
}

function renderLabels(attributes: Attributes | undefined): string {
  if (attributes === undefined) return '';
  let out = '';
  for (const key of Object.keys(attributes)) {
    out += `${out === '' ? '' : ','}${otelJsLabelName(key)}="${labelValue(attributes[key])}"`;
  }
  return out;
}

function joinLabels(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a},${b}`;
}

function typeName(metric: MetricData): string {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? 'counter' : 'gauge';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.HISTOGRAM:
      return 'histogram';
    default:
      return 'untyped';
  }
}

function hrMs(t: readonly [number, number]): number {
  return Math.round(t[0] * 1e3 + t[1] / 1e6);
}

export class OtelJsSerialization implements Serialization {
  private out = '';
  private s = 0;
  private m = 0;
  private readonly prefix: string;
  private readonly constant: Attributes | undefined;
  private readonly target: string;
  private last: string | undefined;

  constructor(
    private readonly rm: ResourceMetrics,
    private readonly options: SerializerOptions,
  ) {
    this.prefix = options.prefix ?? '';
    this.constant =
      selectResourceLabels(rm.resource.attributes, options.resourceConstantLabels) ??
      (options.resourceConstantLabels ? {} : undefined);
    this.target =
      options.withoutTargetInfo === true
        ? ''
        : `# HELP target_info Target metadata\n# TYPE target_info gauge\n${sample('target_info', renderLabels(rm.resource.attributes), 1, '').trim()}\n`;
  }

  step(deadline: number): boolean {
    const scopes = this.rm.scopeMetrics;
    while (this.s < scopes.length) {
      const sm = scopes[this.s] as ScopeMetrics;
      while (this.m < sm.metrics.length) {
        const block = this.metric(sm.metrics[this.m] as MetricData, sm.scope);
        if (block) this.out += block + '\n';
        this.m++;
        if (performance.now() > deadline) return false;
      }
      this.s++;
      this.m = 0;
    }
    return true;
  }

  result(): string {
    return this.target + (this.out === '' ? '# no registered metrics' : this.out);
  }

  chunks(): Buffer[] {
    return [Buffer.from(this.result(), 'utf8')];
  }

  /** The result as pieces to write in order (one here). */
  pieces(): string[] {
    this.last = this.result();
    return [this.last];
  }

  /** The UTF-8 length of the result (of the string `pieces()` gave, when it was called). */
  byteLength(): number {
    return Buffer.byteLength(this.last ?? this.result(), 'utf8');
  }

  private metric(metric: MetricData, scope: ScopeMetrics['scope']): string {
    const name = otelJsMetricName(
      metric.descriptor.name,
      this.prefix,
      metric.dataPointType === DataPointType.SUM && metric.isMonotonic,
    );
    if (name === '') {
      diag.error(
        `mcpmeter: metric name "${metric.descriptor.name}" normalizes to an empty or invalid name; it is left out.`,
      );
      return '';
    }
    let head = `# HELP ${name} ${escapeString(metric.descriptor.description || 'description missing')}`;
    if (metric.descriptor.unit) head += `\n# UNIT ${name} ${escapeString(metric.descriptor.unit)}`;
    head += `\n# TYPE ${name} ${typeName(metric)}\n`;
    let extra: Attributes | undefined = this.constant;
    if (this.options.withoutScopeInfo !== true) {
      const info: Attributes = { 'otel.scope.name': scope.name };
      if (scope.schemaUrl) info['otel.scope.schema_url'] = scope.schemaUrl;
      if (scope.version) info['otel.scope.version'] = scope.version;
      extra = Object.assign(info, this.constant);
    }
    const extraText = renderLabels(extra);
    const appendTs = this.options.appendTimestamp === true;
    let body = '';
    if (
      metric.dataPointType === DataPointType.SUM ||
      metric.dataPointType === DataPointType.GAUGE
    ) {
      for (const dp of metric.dataPoints) {
        const labels = joinLabels(renderLabels(dp.attributes), extraText);
        body += sample(name, labels, dp.value, appendTs ? ` ${hrMs(dp.endTime)}` : '');
      }
    } else if (metric.dataPointType === DataPointType.HISTOGRAM) {
      for (const dp of metric.dataPoints) {
        const ts = appendTs ? ` ${hrMs(dp.endTime)}` : '';
        const labels = joinLabels(renderLabels(dp.attributes), extraText);
        const h = dp.value;
        if (h.count != null) body += sample(`${name}_count`, labels, h.count, ts);
        if (h.sum != null) body += sample(`${name}_sum`, labels, h.sum, ts);
        let cumulative = 0;
        let infSeen = false;
        const { boundaries, counts } = h.buckets;
        for (let i = 0; i < counts.length; i++) {
          cumulative += counts[i] as number;
          const upper = boundaries[i];
          if (upper === undefined && infSeen) break;
          if (upper === Infinity) infSeen = true;
          const le = upper === undefined || upper === Infinity ? '+Inf' : String(upper);
          body += sample(`${name}_bucket`, joinLabels(labels, `le="${le}"`), cumulative, ts);
        }
      }
    } else {
      diag.error(
        `mcpmeter: metric "${name}" has a data point type the otel-js naming cannot write; it is left out.`,
      );
    }
    return (head + body).trim();
  }
}

function sample(name: string, labels: string, value: number, ts: string): string {
  return `${labels === '' ? name : `${name}{${labels}}`} ${formatValue(value)}${ts}\n`;
}

/** Text 0.0.4 exactly as `@opentelemetry/exporter-prometheus` writes it. */
export function serializeOtelJs(rm: ResourceMetrics, options: SerializerOptions = {}): string {
  const s = new OtelJsSerialization(rm, options);
  s.step(Infinity);
  return s.result();
}
