import type { Attributes } from '@opentelemetry/api';
import {
  DataPointType,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  warnOnce,
  type ExemplarSlots,
  type ExemplarStore,
  type InstrumentExemplars,
} from '@mcpmeter/core';
import { escapeHelp, escapeLabelValue, formatTimestampSeconds, formatValue } from './format.js';
import { LabelRenderer, selectResourceLabels } from './labels.js';
import { sanitizeLabelName, specNames, type FamilyNames, type PromType } from './naming.js';
import type { Serialization, SerializerOptions } from './types.js';

/*
 * Spec-named exposition in text 0.0.4 or OpenMetrics 1.0. Work is split in
 * steps (`step(deadline)`) so a caller can yield to the event loop between them;
 * `serializeText` / `serializeOpenMetrics` run all steps at once.
 */

interface Part {
  metric: MetricData;
  scope: ScopeMetrics['scope'];
  /** `otel_scope_name="…",…` plus constant labels, '' when none. */
  suffix: string;
  exemplars: InstrumentExemplars | undefined;
}

interface Family {
  names: FamilyNames;
  type: PromType;
  help: string;
  parts: Part[];
}

const RESERVED_BASE = ['le', 'otel_scope_name', 'otel_scope_version', 'otel_scope_schema_url'];
const CHECK_EVERY = 64;

function promType(metric: MetricData): PromType | undefined {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? 'counter' : 'gauge';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.HISTOGRAM:
      return 'histogram';
    default:
      return undefined;
  }
}

/** Per-serializer caches that survive scrapes (label text by attribute identity, `le` strings). */
export class SpecSerializerState {
  labels: LabelRenderer;
  readonly leCache = new WeakMap<readonly number[], string[]>();
  private readonly reserved = new Set(RESERVED_BASE);
  constructor(readonly options: SerializerOptions) {
    this.labels = new LabelRenderer(this.reserved);
  }

  /** Promoted resource labels are reserved too; a new one resets the label cache. */
  reserve(keys: Iterable<string>): void {
    let changed = false;
    for (const k of keys) {
      if (!this.reserved.has(k)) {
        this.reserved.add(k);
        changed = true;
      }
    }
    if (changed) this.labels = new LabelRenderer(this.reserved);
  }
}

/**
 * Characters per finished piece: each is one flat string, below V8's largest
 * regular object (128 KB) so making it never allocates in large-object space.
 */
const PIECE_CHARS = 60_000;

/** A string without lone surrogates (U+FFFD instead), as UTF-8 encoding makes it. */
export const wellFormed = (s: string): string =>
  (s as unknown as { toWellFormed(): string }).toWellFormed();

export class SpecSerialization implements Serialization {
  /** Text of the piece being built, in the order written. */
  private out: string[] = [];
  private outChars = 0;
  private readonly parts: string[] = [];
  /** UTF-8 length of `parts`, counted piece by piece (within the time slices). */
  private bytes = 0;
  private readonly families: Family[] = [];
  private f = 0;
  private p = 0;
  private d = 0;
  private done = false;
  private readonly appendTs: boolean;

  constructor(
    rm: ResourceMetrics,
    private readonly openMetrics: boolean,
    private readonly state: SpecSerializerState,
  ) {
    const o = state.options;
    this.appendTs = o.appendTimestamp === true;
    const resourceLabels = selectResourceLabels(rm.resource.attributes, o.resourceConstantLabels);
    let constant = '';
    if (resourceLabels !== undefined) {
      constant = new LabelRenderer(new Set(RESERVED_BASE)).render(resourceLabels);
      state.reserve(Object.keys(resourceLabels).map(sanitizeLabelName));
    }
    const store = openMetrics ? o.exemplars : undefined;
    this.group(rm.scopeMetrics, constant, store);
    if (o.withoutTargetInfo !== true) this.targetInfo(rm.resource.attributes);
  }

  private group(scopes: ScopeMetrics[], constant: string, store: ExemplarStore | undefined): void {
    const byName = new Map<string, Family>();
    const prefix = this.state.options.prefix ? `${this.state.options.prefix}_` : '';
    for (const sm of scopes) {
      let suffix = '';
      if (this.state.options.withoutScopeInfo !== true) {
        suffix = `otel_scope_name="${escapeLabelValue(sm.scope.name)}"`;
        if (sm.scope.schemaUrl)
          suffix += `,otel_scope_schema_url="${escapeLabelValue(sm.scope.schemaUrl)}"`;
        if (sm.scope.version)
          suffix += `,otel_scope_version="${escapeLabelValue(sm.scope.version)}"`;
      }
      if (constant !== '') suffix = suffix === '' ? constant : `${suffix},${constant}`;
      for (const metric of sm.metrics) {
        const type = promType(metric);
        if (type === undefined) {
          warnOnce(
            `prometheus-type-${metric.descriptor.name}`,
            `mcpmeter: metric "${metric.descriptor.name}" is an exponential histogram, which Prometheus text and OpenMetrics 1.0 cannot carry; it is left out. Use an explicit-bucket histogram view for it.`,
          );
          continue;
        }
        const names = specNames(
          metric.descriptor.name,
          metric.descriptor.unit,
          type,
          prefix,
          this.openMetrics,
        );
        if (names === undefined) {
          warnOnce(
            `prometheus-name-${metric.descriptor.name}`,
            `mcpmeter: metric name "${metric.descriptor.name}" has no character valid in a Prometheus name; it is left out. Rename the instrument.`,
          );
          continue;
        }
        const exemplars =
          store !== undefined && type !== 'gauge'
            ? store.find(sm.scope.name, sm.scope.version, metric.descriptor.name)
            : undefined;
        const part: Part = { metric, scope: sm.scope, suffix, exemplars };
        const existing = byName.get(names.family);
        if (existing === undefined) {
          // promtool flags a family without HELP; the OTel name is the most useful fallback.
          const help = metric.descriptor.description || metric.descriptor.name;
          const family = { names, type, help, parts: [part] };
          byName.set(names.family, family);
          this.families.push(family);
        } else if (existing.type !== type || existing.names.unit !== names.unit) {
          warnOnce(
            `prometheus-conflict-${names.family}`,
            `mcpmeter: metrics "${existing.parts[0]?.metric.descriptor.name}" and "${metric.descriptor.name}" both map to the Prometheus name "${names.family}" with different types or units; the second is left out. Rename one instrument or use a view.`,
          );
        } else {
          existing.parts.push(part);
        }
      }
    }
  }

  private targetInfo(attributes: Attributes): void {
    const labels = new LabelRenderer(new Set()).render(attributes);
    const body = labels === '' ? '' : `{${labels}}`;
    this.write(
      this.openMetrics
        ? `# TYPE target info\n# HELP target Target metadata\ntarget_info${body} 1\n`
        : `# HELP target_info Target metadata\n# TYPE target_info gauge\ntarget_info${body} 1\n`,
    );
  }

  private write(text: string): void {
    this.out.push(text);
    this.outChars += text.length;
  }

  step(deadline: number): boolean {
    if (this.done) return true;
    let n = 0;
    while (this.f < this.families.length) {
      const family = this.families[this.f] as Family;
      if (this.p === 0 && this.d === 0) this.header(family);
      while (this.p < family.parts.length) {
        const part = family.parts[this.p] as Part;
        const points = part.metric.dataPoints;
        while (this.d < points.length) {
          if (family.type === 'histogram') this.histogramPoint(family, part, this.d);
          else this.numberPoint(family, part, this.d);
          this.d++;
          if (this.outChars > PIECE_CHARS) this.flush();
          if (++n % CHECK_EVERY === 0 && performance.now() > deadline) return false;
        }
        this.p++;
        this.d = 0;
      }
      this.f++;
      this.p = 0;
    }
    if (this.openMetrics) this.write('# EOF\n');
    this.flush();
    this.done = true;
    return true;
  }

  /*
   * Millions of small concatenations make a rope (several times the size of its
   * text) that survives young-generation GCs and is flattened in one long pause
   * when written. Each ~60K-char piece is joined into one flat string as soon
   * as it is complete. The pieces stay strings, in the V8 heap, which gives its
   * pages back after a GC: as Buffers they were ~28 MB of malloc per scrape at
   * 10,000 series, which glibc kept (issue 20: +60-85 MiB RSS that never went).
   */
  private flush(): void {
    if (this.out.length === 0) return;
    const piece = this.out.join('');
    this.parts.push(piece);
    this.bytes += Buffer.byteLength(piece, 'utf8');
    this.out = [];
    this.outChars = 0;
  }

  /** The finished pieces, flat strings to write in order (complete lines each). */
  pieces(): string[] {
    return this.parts;
  }

  /** The UTF-8 length of the pieces. */
  byteLength(): number {
    return this.bytes;
  }

  result(): string {
    return wellFormed(this.parts.join('') + this.out.join(''));
  }

  chunks(): Buffer[] {
    return this.parts.map((p) => Buffer.from(p, 'utf8'));
  }

  private header(family: Family): void {
    const { family: name, unit } = family.names;
    let h = '';
    h += `# HELP ${name} ${escapeHelp(family.help, this.openMetrics)}\n`;
    h += `# TYPE ${name} ${family.type}\n`;
    if (this.openMetrics && unit !== '') h += `# UNIT ${name} ${unit}\n`;
    this.write(h);
  }

  private labelsOf(part: Part, attributes: Attributes): string {
    const own = this.state.labels.render(attributes);
    if (own === '') return part.suffix;
    return part.suffix === '' ? own : `${own},${part.suffix}`;
  }

  private ts(endTime: readonly [number, number]): string {
    if (!this.appendTs) return '';
    const ms = endTime[0] * 1e3 + Math.round(endTime[1] / 1e6);
    return this.openMetrics ? ` ${formatTimestampSeconds(ms)}` : ` ${ms}`;
  }

  private numberPoint(family: Family, part: Part, i: number): void {
    const dp = part.metric.dataPoints[i] as {
      attributes: Attributes;
      value: number;
      endTime: [number, number];
    };
    const labels = this.labelsOf(part, dp.attributes);
    let line =
      family.names.sample +
      (labels === '' ? ' ' : `{${labels}} `) +
      formatValue(dp.value) +
      this.ts(dp.endTime);
    if (part.exemplars !== undefined) {
      const slot = part.exemplars.get(dp.attributes)?.[0];
      if (slot !== undefined)
        line += exemplarText(slot.traceId, slot.spanId, slot.value, slot.timeMs);
    }
    this.write(line + '\n');
  }

  private leStrings(boundaries: readonly number[]): string[] {
    let le = this.state.leCache.get(boundaries);
    if (le === undefined) {
      le = boundaries.map((b) => `le="${formatValue(b)}"} `);
      le.push('le="+Inf"} ');
      this.state.leCache.set(boundaries, le);
    }
    return le;
  }

  private histogramPoint(family: Family, part: Part, i: number): void {
    const dp = (part.metric as Extract<MetricData, { dataPointType: DataPointType.HISTOGRAM }>)
      .dataPoints[i];
    if (dp === undefined) return;
    const name = family.names.sample;
    const labels = this.labelsOf(part, dp.attributes);
    const { boundaries, counts } = dp.value.buckets;
    const le = this.leStrings(boundaries);
    const ts = this.ts(dp.endTime);
    const open = labels === '' ? `${name}_bucket{` : `${name}_bucket{${labels},`;
    const slots = part.exemplars?.get(dp.attributes);
    const ex = slots === undefined ? undefined : bucketExemplars(slots, boundaries);
    let s = '';
    let cumulative = 0;
    const n = boundaries.length;
    for (let b = 0; b < n; b++) {
      cumulative += counts[b] ?? 0;
      s += open + le[b] + cumulative + ts + (ex?.[b] ?? '') + '\n';
    }
    // The +Inf bucket equals the count (some SDK versions omit the last count).
    s += open + le[n] + dp.value.count + ts + (ex?.[n] ?? '') + '\n';
    const plain = labels === '' ? ' ' : `{${labels}} `;
    if (dp.value.sum !== undefined) s += `${name}_sum${plain}${formatValue(dp.value.sum)}${ts}\n`;
    s += `${name}_count${plain}${dp.value.count}${ts}\n`;
    this.write(s);
  }
}

/** ` # {trace_id="…",span_id="…"} value timestamp` (OpenMetrics exemplar). */
export function exemplarText(
  traceId: string,
  spanId: string,
  value: number,
  timeMs: number,
): string {
  return ` # {trace_id="${traceId}",span_id="${spanId}"} ${formatValue(value)} ${formatTimestampSeconds(timeMs)}`;
}

/** The newest exemplar per bucket under the collected boundaries, as text. */
function bucketExemplars(
  slots: ExemplarSlots,
  boundaries: readonly number[],
): (string | undefined)[] | undefined {
  let out: (string | undefined)[] | undefined;
  let times: number[] | undefined;
  for (const slot of slots) {
    if (slot === undefined) continue;
    let b = 0;
    while (b < boundaries.length && slot.value > (boundaries[b] as number)) b++;
    out ??= [];
    times ??= [];
    if ((times[b] ?? -1) < slot.timeMs) {
      times[b] = slot.timeMs;
      out[b] = exemplarText(slot.traceId, slot.spanId, slot.value, slot.timeMs);
    }
  }
  return out;
}

function runAll(s: Serialization): string {
  s.step(Infinity);
  return s.result();
}

/** Prometheus text format 0.0.4, spec names. */
export function serializeText(rm: ResourceMetrics, options: SerializerOptions = {}): string {
  return runAll(new SpecSerialization(rm, false, new SpecSerializerState(options)));
}

/** OpenMetrics 1.0 text, spec names, exemplars from `options.exemplars`, ending in `# EOF`. */
export function serializeOpenMetrics(rm: ResourceMetrics, options: SerializerOptions = {}): string {
  return runAll(new SpecSerialization(rm, true, new SpecSerializerState(options)));
}
