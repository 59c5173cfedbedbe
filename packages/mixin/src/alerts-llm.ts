/* Alerts on the LLM client metrics: upstream failures, token and cost budgets. */
import type { MixinConfig } from './config.js';
import { alertRule } from './alert-helpers.js';
import {
  GEN_AI_COST,
  GEN_AI_DURATION,
  GEN_AI_TOKEN_USAGE,
  GEN_AI_UNPRICED,
  L,
  TOTAL_TOKEN_TYPES,
} from './metrics.js';
import { durationSeconds, num, sel, str } from './promql.js';
import { recordedNames } from './recording-rules.js';
import type { AlertingRule } from './rule-types.js';

export function llmAlerts(config: MixinConfig): AlertingRule[] {
  const s = config.selector;
  const {
    llmUpstream: up,
    tokenBudget: tb,
    costBudget: cb,
    costSpike: cs,
    unpricedModel: un,
    toolCostBudget: tc,
  } = config.alerts;
  const keep = `job, ${L.provider}`;
  const calls = (...m: string[]) =>
    `sum by (${keep}) (increase(${sel(`${GEN_AI_DURATION}_count`, s, ...m)}[${up.window}]))`;
  const spend = (offset: string) =>
    `sum by (job) (increase(${sel(GEN_AI_COST, s)}[${cs.window}]${offset ? ` offset ${offset}` : ''}))`;
  const cost30d = recordedNames(config.rateWindow).cost30d;

  return [
    alertRule(config, {
      alert: 'LlmUpstreamFailing',
      // The traffic guard keeps a single 429 of a quiet job from paging.
      expr: `(${calls(`${L.errorType}=~${str(up.errorTypes)}`)} / ${calls()}) > ${num(up.ratio)}
and on (${keep}) ${calls()} >= ${num(up.minRequests)}`,
      for: up.for,
      severity: up.severity,
      summary:
        'LLM provider {{ $labels.gen_ai_provider_name }} is failing (5xx, timeouts, rate limits).',
      description: `{{ $value | humanizePercentage }} of calls from job {{ $labels.job }} to {{ $labels.gen_ai_provider_name }} failed upstream (5xx, timeout or 429) over the last ${up.window} (threshold ${num(up.ratio * 100)}%).`,
    }),
    alertRule(config, {
      alert: 'LlmTokenBudgetBurn',
      expr: `sum(rate(${sel(`${GEN_AI_TOKEN_USAGE}_sum`, s, TOTAL_TOKEN_TYPES)}[${tb.window}])) * 86400 / ${num(tb.tokensPerDay)} > 1`,
      for: tb.for,
      severity: tb.severity,
      summary: 'LLM tokens are being used faster than the daily budget allows.',
      description: `At the pace of the last ${tb.window}, LLM calls would use {{ $value | humanize }}x the daily budget of ${num(tb.tokensPerDay)} tokens.`,
    }),
    alertRule(config, {
      alert: 'LlmMonthlyCostBudgetForecast',
      // A trend needs history: with only a few samples (the first calls, a new Prometheus) the
      // slope is noise, so the forecast waits until the recorded spend is older than the window.
      expr: `predict_linear(${cost30d}[${cb.trendWindow}], ${num(durationSeconds(cb.horizon))}) > ${num(cb.monthlyUsd)}
and on () ${cost30d} offset ${cb.trendWindow}`,
      for: cb.for,
      severity: cb.severity,
      summary: 'LLM spend is forecast to exceed the monthly budget.',
      description: `The rolling 30-day LLM spend is forecast at {{ $value | printf "%.2f" }} USD within ${cb.horizon} (trend of the last ${cb.trendWindow}); the budget is ${num(cb.monthlyUsd)} USD.`,
    }),
    alertRule(config, {
      alert: 'LlmCostSpike',
      expr: `${spend('')} > ${num(cs.factor)} * ${spend(cs.baselineOffset)}
and ${spend('')} > ${num(cs.minUsd)}`,
      for: cs.for,
      severity: cs.severity,
      summary: 'LLM spend of job {{ $labels.job }} spiked against the same hour a period ago.',
      description: `Job {{ $labels.job }} spent {{ $value | printf "%.2f" }} USD in the last ${cs.window}, more than ${num(cs.factor)}x the same window ${cs.baselineOffset} ago (and above ${num(cs.minUsd)} USD).`,
    }),
    alertRule(config, {
      alert: 'LlmToolCostBudgetBurn',
      expr: toolSpendOverBudget(config),
      for: tc.for,
      severity: tc.severity,
      summary: 'MCP tool {{ $labels.gen_ai_tool_name }} spent more than its LLM budget.',
      description: `LLM calls made inside tool {{ $labels.gen_ai_tool_name }} on job {{ $labels.job }} cost {{ $value | printf "%.2f" }} USD over the last ${tc.window}, above its budget (${num(tc.usd)} USD per tool${Object.keys(tc.tools).length ? '; alerts.toolCostBudget.tools sets some tools apart' : ''}).`,
    }),
    alertRule(config, {
      alert: 'LlmUnpricedModel',
      expr: `sum by (job, ${L.provider}, ${L.model}) (increase(${sel(GEN_AI_UNPRICED, s)}[${un.window}])) > 0`,
      for: un.for,
      severity: un.severity,
      summary:
        'LLM model {{ $labels.gen_ai_request_model }} has no price: its spend is not counted.',
      description: `Job {{ $labels.job }} made {{ $value | humanize }} calls to {{ $labels.gen_ai_provider_name }} model {{ $labels.gen_ai_request_model }} over the last ${un.window} with no known price: their tokens are recorded, their cost is missing from the spend panels and the budget alerts.`,
    }),
  ];
}

/** RE2 metacharacters escaped, for a tool name inside a regex matcher. */
const reEscape = (v: string) => v.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');

/**
 * Spend per `{job, gen_ai_tool_name}` over the window above the tool's budget: the default
 * for every tool not named in `tools`, each named tool against its own. Series with no tool
 * name (LLM calls outside any tool) are never matched.
 */
export function toolSpendOverBudget(config: MixinConfig): string {
  const { usd, window, tools } = config.alerts.toolCostBudget;
  const spent = (m: string) =>
    `sum by (job, ${L.tool}) (increase(${sel(GEN_AI_COST, config.selector, m)}[${window}]))`;
  const named = Object.keys(tools).sort();
  const others = named.length
    ? `${L.tool}!="", ${L.tool}!~${str(named.map(reEscape).join('|'))}`
    : `${L.tool}!=""`;
  return [
    `${spent(others)} > ${num(usd)}`,
    ...named.map((t) => `${spent(`${L.tool}=${str(t)}`)} > ${num(tools[t]!)}`),
  ].join('\nor\n');
}
