/*
 * Availability and latency SLOs per MCP server (and per tool, opt-in): error
 * ratios recorded per window, the error budget left over the period, and
 * multi-window, multi-burn-rate alerts
 * (https://sre.google/workbook/alerting-on-slos/, "6: Multiwindow, Multi-Burn-Rate Alerts").
 */
import { alertRule } from './alert-helpers.js';
import type { BurnRate, BurnRateName, MixinConfig } from './config.js';
import { L, MCP_SERVER_DURATION, TOOLS_CALL } from './metrics.js';
import { by, durationSeconds, num, sel } from './promql.js';
import type { AlertingRule, RecordingRule, RuleGroup } from './rule-types.js';

/** Boundaries of `mcp.server.operation.duration` (semconv), the only latencies a bucket can tell. */
export const SLO_BUCKETS = [
  0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300,
] as const;

/**
 * Errors that spend the availability budget: every `error_type` except a cancellation
 * (the client's choice) and the JSON-RPC codes of a client's own mistake (parse error,
 * invalid request, method not found, invalid params — the confusion alerts watch those).
 */
export const SLO_ERROR = `${L.errorType}!~"|cancelled|-32700|-32600|-32601|-32602"`;

export type SloKind = 'availability' | 'latency';
export type SloLevel = 'job' | 'tool';
export const SLO_KINDS: readonly SloKind[] = ['availability', 'latency'];

/**
 * The bucket boundary the latency SLO counts with: the threshold itself when it is a
 * boundary, else the boundary below it (stricter: calls between the two count as slow),
 * and the lowest boundary for a threshold under it.
 */
export function sloLatencyBoundary(thresholdSeconds: number): number {
  let le: number = SLO_BUCKETS[0];
  for (const b of SLO_BUCKETS) if (b <= thresholdSeconds) le = b;
  return le;
}

/** The `le` matcher of the bucket the latency SLO counts as fast. */
export function sloLeMatcher(thresholdSeconds: number): string {
  const le = num(sloLatencyBoundary(thresholdSeconds));
  // Prometheus 3 writes classic-histogram `le` values as floats ("5.0"); `[.]` because "5.0" would match "500".
  return Number.isInteger(Number(le)) ? `le=~"${le}|${le}[.]0"` : `le="${le}"`;
}

/** The windows the rules record, shortest first: every burn-rate window and the period. */
export function sloWindows(config: MixinConfig): string[] {
  const ws = new Set<string>([config.slo.period]);
  for (const b of Object.values(config.slo.burnRates)) ws.add(b.longWindow).add(b.shortWindow);
  return [...ws].sort((a, b) => durationSeconds(a) - durationSeconds(b));
}

/** Names of the SLO series (`level:metric:operation`). */
export function sloNames(kind: SloKind, level: SloLevel = 'job') {
  const prefix = level === 'job' ? 'job:mcp_server' : 'job_tool:mcp_server_tool';
  return {
    errorRatio: (w: string) => `${prefix}_${kind}_slo_errors:ratio_rate${w}`,
    budgetRemaining: (period: string) =>
      `${prefix}_${kind}_slo_error_budget:ratio_remaining${period}`,
  };
}

/** `1 - objective`, as PromQL reads it back exactly. */
export function errorBudget(objective: number): number {
  return Number((1 - objective).toPrecision(12));
}

function objective(config: MixinConfig, kind: SloKind): number {
  return config.slo[kind].objective;
}

function levels(config: MixinConfig): SloLevel[] {
  return config.slo.perTool ? ['job', 'tool'] : ['job'];
}

export function sloRecordingRules(config: MixinConfig): RuleGroup<RecordingRule> {
  const s = config.selector;
  const leMatcher = sloLeMatcher(config.slo.latency.thresholdSeconds);
  const rules: RecordingRule[] = [];
  for (const level of levels(config)) {
    const keep = level === 'job' ? ['job'] : ['job', L.tool];
    const scope = level === 'job' ? [] : [`${L.method}="${TOOLS_CALL}"`];
    const sum = (metric: string, w: string, ...m: string[]) =>
      `sum ${by(keep)} (rate(${sel(metric, s, ...scope, ...m)}[${w}]))`;
    for (const w of sloWindows(config)) {
      const total = sum(`${MCP_SERVER_DURATION}_count`, w);
      rules.push({
        record: sloNames('availability', level).errorRatio(w),
        expr: `(${sum(`${MCP_SERVER_DURATION}_count`, w, SLO_ERROR)} or ${total} * 0) / ${total}`,
      });
      rules.push({
        record: sloNames('latency', level).errorRatio(w),
        expr: `(${total} - ${sum(`${MCP_SERVER_DURATION}_bucket`, w, leMatcher)}) / ${total}`,
      });
    }
    for (const kind of SLO_KINDS) {
      const names = sloNames(kind, level);
      rules.push({
        record: names.budgetRemaining(config.slo.period),
        expr: `1 - ${names.errorRatio(config.slo.period)} / ${num(errorBudget(objective(config, kind)))}`,
      });
    }
  }
  return { name: 'mcpmeter-slo.rules', rules };
}

/** The alert name of one SLO, e.g. `McpAvailabilitySloBurnRate`, `McpToolLatencySloBurnRate`. */
export function sloAlertName(kind: SloKind, level: SloLevel): string {
  const k = kind === 'availability' ? 'Availability' : 'Latency';
  return `Mcp${level === 'tool' ? 'Tool' : ''}${k}SloBurnRate`;
}

function burnAlert(
  config: MixinConfig,
  kind: SloKind,
  level: SloLevel,
  pair: BurnRateName,
  b: BurnRate,
): AlertingRule {
  const names = sloNames(kind, level);
  const keep = level === 'job' ? 'job' : `job, ${L.tool}`;
  const budget = errorBudget(objective(config, kind));
  const limit = num(b.factor * budget);
  const what =
    kind === 'availability'
      ? 'failing requests'
      : `requests slower than ${num(sloLatencyBoundary(config.slo.latency.thresholdSeconds))}s`;
  const target =
    level === 'job'
      ? 'job {{ $labels.job }}'
      : 'tool {{ $labels.gen_ai_tool_name }} on job {{ $labels.job }}';
  const rule = alertRule(config, {
    alert: sloAlertName(kind, level),
    // Both windows must burn: the long one says enough budget is gone, the short one that it
    // is still going (so the alert resolves minutes after a fix, not hours).
    expr: `${names.errorRatio(b.longWindow)} > ${limit}
and on (${keep}) ${names.errorRatio(b.shortWindow)} > ${limit}`,
    for: b.for,
    severity: b.severity,
    summary: `The ${kind} SLO of ${target} burns its error budget ${num(b.factor)}x too fast.`,
    description: `{{ $value | humanizePercentage }} ${what} on ${target} over the last ${b.longWindow} (and still over ${num(b.factor * budget * 100)}% in the last ${b.shortWindow}); at this rate the ${num(objective(config, kind) * 100)}% objective's budget for ${config.slo.period} lasts ${humanPeriod(config.slo.period, b.factor)}.`,
  });
  rule.labels = {
    ...rule.labels,
    slo: kind,
    burn_rate: pair,
    long_window: b.longWindow,
    short_window: b.shortWindow,
  };
  return rule;
}

function humanPeriod(period: string, factor: number): string {
  const hours = durationSeconds(period) / 3600 / factor;
  return hours >= 48
    ? `${num(Math.round(hours / 24))} days`
    : `${num(Math.round(hours * 10) / 10)} hours`;
}

export function sloAlerts(config: MixinConfig): AlertingRule[] {
  const rules: AlertingRule[] = [];
  for (const level of levels(config))
    for (const kind of SLO_KINDS)
      for (const [pair, b] of Object.entries(config.slo.burnRates) as [BurnRateName, BurnRate][])
        rules.push(burnAlert(config, kind, level, pair, b));
  return rules;
}
