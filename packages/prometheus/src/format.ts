/*
 * Pure value and text formatting shared by both exposition formats.
 * Text 0.0.4: https://prometheus.io/docs/instrumenting/exposition_formats/
 * OpenMetrics 1.0: https://prometheus.io/docs/specs/om/open_metrics_spec/
 */

const NEEDS_LABEL_ESCAPE = /[\\\n"]/;
const NEEDS_HELP_ESCAPE = /[\\\n]/;
const NEEDS_OM_HELP_ESCAPE = /[\\\n"]/;

/** Escapes a label value: backslash, double quote and line feed (both formats). */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_LABEL_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Escapes `# HELP` text: text 0.0.4 escapes backslash and line feed; OpenMetrics also double quotes. */
export function escapeHelp(text: string, openMetrics: boolean): string {
  if (!(openMetrics ? NEEDS_OM_HELP_ESCAPE : NEEDS_HELP_ESCAPE).test(text)) return text;
  const out = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return openMetrics ? out.replace(/"/g, '\\"') : out;
}

/** A sample value: `NaN`, `+Inf`, `-Inf` or the shortest round-tripping decimal. */
export function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * An attribute value as a label value: strings as they are, booleans and numbers
 * as text, arrays (and anything else) as JSON — as the compatibility spec says.
 */
export function attributeValueText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return '';
    default:
      try {
        return JSON.stringify(value) ?? '';
      } catch {
        return '';
      }
  }
}

/** An exemplar timestamp: Unix seconds with millisecond precision. */
export function formatTimestampSeconds(ms: number): string {
  return String(ms / 1000);
}
