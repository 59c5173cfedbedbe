/*
 * OpenTelemetry → Prometheus names, per the compatibility spec
 * (https://opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/):
 * invalid characters become `_`, runs of `_` collapse, a UCUM unit becomes a
 * word suffix (`s` → `_seconds`, `By` → `_bytes`, `{request}` → nothing),
 * monotonic sums end in `_total`, and a unit-less gauge with unit `1` ends in `_ratio`.
 */

/** Metric kinds as the exposition sees them. */
export type PromType = 'counter' | 'gauge' | 'histogram';

const UNIT_WORDS: Readonly<Record<string, string>> = {
  // time
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  // bytes
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  // SI
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  // misc
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
  '1': '',
};

const PER_UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  min: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

const INVALID_METRIC_CHARS = /[^a-zA-Z0-9_]+/g;
const INVALID_LABEL_CHARS = /[^a-zA-Z0-9_]+/g;
const UNDERSCORES = /__+/g;
const VALID_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A valid Prometheus metric name: characters outside `[a-zA-Z0-9_]` (colons are
 * reserved for recording rules) become `_`, runs of `_` collapse, a leading digit
 * gets a `_` prefix. Returns '' when nothing usable is left.
 */
export function sanitizeMetricName(name: string): string {
  if (VALID_NAME.test(name) && !name.includes('__')) return name;
  let out = name.replace(INVALID_METRIC_CHARS, '_').replace(UNDERSCORES, '_');
  if (out === '_') return '';
  const c = out.charCodeAt(0);
  if (c >= 48 && c <= 57) out = '_' + out;
  return out;
}

/**
 * A valid Prometheus label name: invalid characters become `_`, a leading digit
 * gets `key_`, and a leading `__` (reserved by Prometheus) gets `key`.
 */
export function sanitizeLabelName(key: string): string {
  let out = VALID_NAME.test(key) ? key : key.replace(INVALID_LABEL_CHARS, '_');
  if (out === '') return 'key_';
  const c = out.charCodeAt(0);
  if (c >= 48 && c <= 57) out = 'key_' + out;
  else if (out.startsWith('__')) out = 'key' + out;
  return out;
}

/** The word suffix for a UCUM unit: `s` → `seconds`, `By/s` → `bytes_per_second`, `{token}` → ''. */
export function unitSuffix(unit: string, type: PromType): string {
  if (unit === '') return '';
  if (unit === '1' && type === 'gauge') return 'ratio';
  const noAnnotations = unit.replace(/\{[^}]*\}/g, '');
  const slash = noAnnotations.indexOf('/');
  const main = slash === -1 ? noAnnotations : noAnnotations.slice(0, slash);
  const per = slash === -1 ? '' : noAnnotations.slice(slash + 1);
  const mainWord = cleanWord(UNIT_WORDS[main] ?? main);
  const perWord = cleanWord(PER_UNIT_WORDS[per] ?? per);
  if (mainWord && perWord) return `${mainWord}_per_${perWord}`;
  if (perWord) return `per_${perWord}`;
  return mainWord;
}

function cleanWord(word: string): string {
  return word.replace(INVALID_METRIC_CHARS, '_').replace(UNDERSCORES, '_').replace(/^_|_$/g, '');
}

/** Names of one metric family: what `# TYPE` names and what its samples are called. */
export interface FamilyNames {
  /** Family name used in `# HELP` / `# TYPE` / `# UNIT` (OpenMetrics: without `_total`). */
  family: string;
  /** Base of sample names: counters get `_total` here; histograms add `_bucket` etc. */
  sample: string;
  /** The unit word for `# UNIT` ('' when none). */
  unit: string;
}

/**
 * Spec names for an OTel metric. `mcp.server.operation.duration` (s, histogram)
 * → `mcp_server_operation_duration_seconds`; `gen_ai.client.cost.usd` ({USD},
 * counter) → `gen_ai_client_cost_usd_total`. Returns undefined for a name that
 * sanitizes to nothing.
 */
export function specNames(
  otelName: string,
  unit: string,
  type: PromType,
  prefix = '',
  openMetrics = false,
): FamilyNames | undefined {
  let base = sanitizeMetricName(prefix + otelName);
  if (base === '') return undefined;
  if (type === 'counter' && base.endsWith('_total')) base = base.slice(0, -6);
  const word = unitSuffix(unit, type);
  if (word !== '' && !base.endsWith('_' + word) && base !== word) base = `${base}_${word}`;
  if (type === 'counter') {
    return { family: openMetrics ? base : base + '_total', sample: base + '_total', unit: word };
  }
  return { family: base, sample: base, unit: word };
}

/**
 * Names as `@opentelemetry/exporter-prometheus` makes them: no unit suffix,
 * `_total` appended to monotonic sums.
 */
export function otelJsMetricName(otelName: string, prefix: string, monotonicSum: boolean): string {
  let name = otelName.replace(/[^a-z0-9_]/gi, '_').replace(UNDERSCORES, '_');
  if (prefix) name = `${prefix}_${name}`;
  if (name === '' || name === '_') return '';
  const c = name.charCodeAt(0);
  if (c >= 48 && c <= 57) name = '_' + name;
  if (monotonicSum && !name.endsWith('_total')) name += '_total';
  return name;
}

/** Label-key sanitizing as `@opentelemetry/exporter-prometheus` does it. */
export function otelJsLabelName(key: string): string {
  return key.replace(/[^a-z0-9_]/gi, '_').replace(UNDERSCORES, '_');
}
