/* LLM usage and cost: tokens, spend, latency, time to first chunk, errors, budgets. */
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { MixinConfig } from '../config.js';
import {
  GEN_AI_ACTIVE_REQUESTS,
  GEN_AI_COST,
  GEN_AI_DURATION,
  GEN_AI_TOKEN_USAGE,
  GEN_AI_UNPRICED,
  L,
  MCP_SERVER_DURATION,
  TOOLS_CALL,
  TOTAL_TOKEN_TYPES,
} from '../metrics.js';
import { durationSeconds, num, sel } from '../promql.js';
import { recordedNames } from '../recording-rules.js';
import { dashboardHead, labelVariable, quantileQueries, stat, timeseries } from './common.js';

export const LLM_USAGE_UID = 'mcpmeter-llm-usage';

export function llmUsageDashboard(config: MixinConfig): Dashboard {
  const n = recordedNames(config.rateWindow);
  const { tokenBudget: tb, costBudget: cb, costSpike: cs, toolCostBudget: tc } = config.alerts;
  const job = `job=~"$job"`;
  const provider = `${L.provider}=~"$provider"`;
  const model = `${L.model}=~"$model"`;
  const r = (metric: string, ...m: string[]) => sel(metric, job, provider, model, ...m);
  const spend = (offset: string) =>
    `sum(increase(${r(GEN_AI_COST)}[${cs.window}]${offset ? ` offset ${offset}` : ''}))`;

  return dashboardHead({
    title: 'LLM usage and cost',
    uid: LLM_USAGE_UID,
    description:
      'Tokens by model and type, spend by model and provider, latency, time to first chunk, errors and budget burn of LLM calls.',
    tags: ['mcpmeter', 'llm'],
    from: 'now-6h',
    jobSource: sel(`${GEN_AI_DURATION}_count`, config.selector),
  })
    .withVariable(
      labelVariable('provider', L.provider, 'Provider', sel(`${GEN_AI_DURATION}_count`, job), true),
    )
    .withVariable(
      labelVariable(
        'model',
        L.model,
        'Model',
        sel(`${GEN_AI_DURATION}_count`, job, provider),
        true,
      ),
    )
    .withRow(new RowBuilder('Spend and budget'))
    .withPanel(
      stat(
        'Spend in range (USD)',
        'What LLM calls cost over the selected time range.',
        'currencyUSD',
        `sum(increase(${r(GEN_AI_COST)}[$__range]))`,
      ),
    )
    .withPanel(
      stat(
        'Tokens in range',
        'Input plus output tokens over the selected time range (cache and reasoning tokens are part of these).',
        'short',
        `sum(increase(${r(`${GEN_AI_TOKEN_USAGE}_sum`, TOTAL_TOKEN_TYPES)}[$__range]))`,
      ),
    )
    .withPanel(
      stat(
        'Token budget burn',
        `Token pace of the last ${tb.window} against the daily budget of ${num(tb.tokensPerDay)} tokens; above 1 the budget runs out before the day ends.`,
        'x',
        `sum(rate(${r(`${GEN_AI_TOKEN_USAGE}_sum`, TOTAL_TOKEN_TYPES)}[${tb.window}])) * 86400 / ${num(tb.tokensPerDay)}`,
      ),
    )
    .withPanel(
      stat(
        'Monthly budget used (forecast)',
        `Rolling 30-day spend of all jobs, forecast ${cb.horizon} ahead from the trend of the last ${cb.trendWindow}, as a share of the ${num(cb.monthlyUsd)} USD budget.`,
        'percentunit',
        `predict_linear(${n.cost30d}[${cb.trendWindow}], ${num(durationSeconds(cb.horizon))}) / ${num(cb.monthlyUsd)}`,
      ),
    )
    .withPanel(
      timeseries(
        'Spend per hour by provider and model',
        'USD per hour at the current pace, per provider and model.',
        'currencyUSD',
        [
          {
            expr: `sum by (${L.provider}, ${L.model}) (${r(n.cost)}) * 3600`,
            legend: `{{${L.provider}}} {{${L.model}}}`,
          },
        ],
      ),
    )
    .withPanel(
      timeseries(
        `Spend per ${cs.window} vs ${cs.baselineOffset} ago`,
        `Spend over the last ${cs.window} against the same window ${cs.baselineOffset} earlier: the cost-spike alert fires at ${num(cs.factor)}x.`,
        'currencyUSD',
        [
          { expr: spend(''), legend: 'now' },
          { expr: spend(cs.baselineOffset), legend: `${cs.baselineOffset} ago` },
        ],
      ),
    )
    .withRow(new RowBuilder('Spend by MCP tool'))
    .withPanel(
      timeseries(
        'Spend per hour by tool',
        `USD per hour at the current pace of the LLM calls made inside each MCP tool (server handler or agent execute_tool); calls outside any tool are left out. LlmToolCostBudgetBurn fires when a tool spends more than ${num(tc.usd)} USD in ${tc.window}.`,
        'currencyUSD',
        [
          {
            expr: `sum by (job, ${L.tool}) (rate(${r(GEN_AI_COST, `${L.tool}!=""`)}[$__rate_interval])) * 3600`,
            legend: `{{job}} {{${L.tool}}}`,
          },
        ],
      ),
    )
    .withPanel(
      timeseries(
        '$ per tool call',
        'LLM spend inside each MCP tool divided by the calls the MCP server counted for it (tools/call): what one call of the tool costs in LLM fees.',
        'currencyUSD',
        [
          {
            expr: `sum by (job, ${L.tool}) (increase(${r(GEN_AI_COST, `${L.tool}!=""`)}[$__rate_interval]))
/ on (job, ${L.tool}) sum by (job, ${L.tool}) (increase(${sel(`${MCP_SERVER_DURATION}_count`, job, `${L.method}="${TOOLS_CALL}"`)}[$__rate_interval]))`,
            legend: `{{job}} {{${L.tool}}}`,
          },
        ],
      ),
    )
    .withRow(new RowBuilder('Tokens'))
    .withPanel(
      timeseries(
        'Tokens / s by model and type',
        'Input, output, cache and reasoning tokens per second, per model.',
        'short',
        [
          {
            expr: `sum by (${L.model}, ${L.tokenType}) (${r(n.tokens)})`,
            legend: `{{${L.model}}} {{${L.tokenType}}}`,
          },
        ],
      ),
    )
    .withPanel(
      timeseries(
        'Unpriced requests',
        'Calls to models with no known price: their tokens are counted, their cost is not.',
        'short',
        [
          {
            expr: `sum by (${L.model}) (increase(${r(GEN_AI_UNPRICED)}[$__rate_interval]))`,
            legend: `{{${L.model}}}`,
          },
        ],
      ),
    )
    .withRow(new RowBuilder('Latency and errors'))
    .withPanel(
      timeseries(
        'Requests / s by model',
        'LLM calls per second, per provider and model.',
        'reqps',
        [
          {
            expr: `sum by (${L.provider}, ${L.model}) (${r(n.llmRequests)})`,
            legend: `{{${L.provider}}} {{${L.model}}}`,
          },
        ],
        8,
      ),
    )
    .withPanel(
      timeseries(
        'Errors / s by type',
        'Rate limits (429), timeouts, 5xx and client errors, per provider.',
        'reqps',
        [
          {
            expr: `sum by (${L.provider}, ${L.errorType}) (${r(n.llmErrorsByType)})`,
            legend: `{{${L.provider}}} {{${L.errorType}}}`,
          },
        ],
        8,
      ),
    )
    .withPanel(
      timeseries(
        'Requests in flight',
        'LLM calls waiting for an answer right now.',
        'short',
        [{ expr: `sum by (job) (${sel(GEN_AI_ACTIVE_REQUESTS, job)})`, legend: '{{job}}' }],
        8,
      ),
    )
    .withPanel(
      timeseries(
        'Call duration by model (p50 / p95 / p99)',
        'How long LLM calls take end to end.',
        's',
        quantileQueries(r(n.llmBuckets), [L.model], `{{${L.model}}}`),
      ),
    )
    .withPanel(
      timeseries(
        'Time to first chunk by model (p50 / p95 / p99)',
        'How long a streamed answer takes to start.',
        's',
        quantileQueries(r(n.ttfcBuckets), [L.model], `{{${L.model}}}`),
      ),
    )
    .build();
}
