/* promtool unit tests of the LLM alerts. */
import { defaultConfig } from '../../src/config.js';
import type { PromtoolCase } from './harness.js';

const a = defaultConfig().alerts;
const calls = (provider: string, extra = '') =>
  `gen_ai_client_operation_duration_seconds_count{job="gw", gen_ai_provider_name="${provider}", gen_ai_request_model="m"${extra}}`;
const tokens = (job: string) =>
  `gen_ai_client_token_usage_sum{job="${job}", gen_ai_provider_name="openai", gen_ai_request_model="m", gen_ai_token_type="input"}`;
const unpriced = (model: string) =>
  `gen_ai_client_cost_unpriced_total{job="gw", gen_ai_provider_name="openai", gen_ai_request_model="${model}"}`;
const cost = (job: string) =>
  `gen_ai_client_cost_usd_total{job="${job}", gen_ai_provider_name="openai", gen_ai_request_model="m", gen_ai_token_type="input", mcpmeter_price_source="catalog"}`;

/** LLM spend inside an MCP tool (no `tool`: a call made outside any tool). */
const toolCost = (job: string, tool?: string) =>
  cost(job).replace('}', tool === undefined ? '}' : `, gen_ai_tool_name="${tool}"}`);
/** Per-tool budgets of the files `toolBudgetOverrideCases` run against. */
export const TOOL_BUDGETS = { translate: 20, summarize: 1000 };

/** Tokens per minute that spend `share` of the daily token budget. */
const tokensPerMinute = (share: number) => Math.round((a.tokenBudget.tokensPerDay / 1440) * share);
/** USD per minute that adds up to `share` of the monthly budget over the forecast horizon (7d = 10080 min). */
const usdPerMinute = (share: number) =>
  Number(((a.costBudget.monthlyUsd / 10080) * share).toFixed(4));

export const llmCases: PromtoolCase[] = [
  {
    name: 'LlmUpstreamFailing: 429s and timeouts of a busy provider page; client errors and a quiet provider do not',
    silent: ['anthropic', 'relay'],
    series: [
      [calls('openai'), '0+10x30'],
      [calls('openai', ', error_type="429"'), '0+3x30'],
      [calls('openai', ', error_type="timeout"'), '0+2x30'],
      // anthropic: half of the calls are rejected as bad requests: a client bug, not the upstream failing.
      [calls('anthropic'), '0+5x30'],
      [calls('anthropic', ', error_type="400"'), '0+5x30'],
      // relay: every call is a 503, but one call every 5 minutes (under minRequests).
      [calls('relay', ', error_type="503"'), '0x4 1x4 2x4 3x4 4x4 5x4 6x4'],
    ],
    checks: [
      {
        at: '20m',
        alert: 'LlmUpstreamFailing',
        active: [{ job: 'gw', gen_ai_provider_name: 'openai', severity: a.llmUpstream.severity }],
      },
    ],
  },
  {
    name: 'LlmTokenBudgetBurn: a pace over the daily budget pages',
    silent: [],
    series: [[tokens('gw'), `0+${tokensPerMinute(1.5)}x120`]],
    checks: [
      { at: '100m', alert: 'LlmTokenBudgetBurn', active: [{ severity: a.tokenBudget.severity }] },
    ],
  },
  {
    name: 'LlmTokenBudgetBurn: a pace under the daily budget stays silent',
    silent: ['gw', 'other'],
    series: [
      [tokens('gw'), `0+${tokensPerMinute(0.4)}x120`],
      [tokens('other'), `0+${tokensPerMinute(0.4)}x120`],
      // Cache-read tokens are part of `input`: counting them again would cross the budget.
      [tokens('gw').replace('"input"', '"cache_read"'), `0+${tokensPerMinute(0.4)}x120`],
    ],
    checks: [{ at: '100m', alert: 'LlmTokenBudgetBurn', active: [] }],
  },
  {
    name: 'LlmMonthlyCostBudgetForecast: a trend that crosses the budget within the horizon pages, once the trend window has history',
    silent: [],
    series: [
      [cost('gw'), `0+${usdPerMinute(0.7)}x500`],
      [cost('other'), `0+${usdPerMinute(0.7)}x500`],
    ],
    checks: [
      // Less than a trend window (6h) of recorded spend: no forecast yet.
      { at: '140m', alert: 'LlmMonthlyCostBudgetForecast', active: [] },
      {
        at: '420m',
        alert: 'LlmMonthlyCostBudgetForecast',
        active: [{ severity: a.costBudget.severity }],
      },
    ],
  },
  {
    name: 'LlmMonthlyCostBudgetForecast: a trend that stays under the budget is silent',
    silent: ['gw'],
    series: [[cost('gw'), `0+${usdPerMinute(0.5)}x500`]],
    checks: [{ at: '420m', alert: 'LlmMonthlyCostBudgetForecast', active: [] }],
  },
  {
    name: 'LlmCostSpike: spend far above the same hour a day ago pages; steady spend and tiny spikes do not',
    silent: ['steady', 'tiny'],
    interval: '5m',
    series: [
      // 0.6 USD/h for 25 h, then 6 USD/h.
      [cost('spiky'), '0+0.05x299 15+0.5x24'],
      // 6 USD/h all along: high, but no spike.
      [cost('steady'), '0+0.5x324'],
      // 0.012 USD/h then 0.12 USD/h: 10x, but under minUsd.
      [cost('tiny'), '0+0.001x299 0.3+0.01x24'],
    ],
    checks: [
      {
        at: '26h30m',
        alert: 'LlmCostSpike',
        active: [{ job: 'spiky', severity: a.costSpike.severity }],
      },
      { at: '24h', alert: 'LlmCostSpike', active: [] },
    ],
  },
  {
    name: 'LlmUnpricedModel: calls to a model with no price page; a model that stopped being called resolves',
    silent: ['old-model'],
    series: [
      // old-model: unpriced calls in the first 10 minutes, none since.
      [unpriced('old-model'), '0+1x10 10x200'],
      // my-model: one unpriced call a minute from minute 100 on.
      [unpriced('my-model'), '0x100 1+1x100'],
    ],
    checks: [
      { at: '95m', alert: 'LlmUnpricedModel', active: [] },
      {
        at: '105m',
        alert: 'LlmUnpricedModel',
        active: [
          {
            alertstate: 'pending',
            job: 'gw',
            gen_ai_provider_name: 'openai',
            gen_ai_request_model: 'my-model',
            severity: a.unpricedModel.severity,
          },
        ],
      },
      {
        at: '3h',
        alert: 'LlmUnpricedModel',
        active: [
          {
            job: 'gw',
            gen_ai_provider_name: 'openai',
            gen_ai_request_model: 'my-model',
            severity: a.unpricedModel.severity,
          },
        ],
      },
    ],
  },
  {
    name: 'LlmToolCostBudgetBurn: a tool spending over its daily budget pages; a cheaper tool and calls outside any tool do not',
    silent: ['translate', 'agent'],
    interval: '5m',
    series: [
      // 24 USD/h: past the 100 USD budget after ~4h10m.
      [toolCost('srv', 'summarize'), '0+2x100'],
      // 6 USD/h: 36 USD at 6h.
      [toolCost('srv', 'translate'), '0+0.5x100'],
      // 60 USD/h spent outside any tool: no gen_ai_tool_name, no tool budget.
      [toolCost('agent'), '0+5x100'],
    ],
    checks: [
      { at: '3h', alert: 'LlmToolCostBudgetBurn', active: [] },
      {
        at: '6h',
        alert: 'LlmToolCostBudgetBurn',
        active: [
          { job: 'srv', gen_ai_tool_name: 'summarize', severity: a.toolCostBudget.severity },
        ],
      },
    ],
  },
];

/** Against files generated with `alerts.toolCostBudget.tools` = TOOL_BUDGETS. */
export const toolBudgetOverrideCases: PromtoolCase[] = [
  {
    name: 'LlmToolCostBudgetBurn: a tool with its own budget is held to it, the others to the default',
    silent: ['summarize'],
    interval: '5m',
    series: [
      // 144 USD at 6h: over the default, under its own 1000.
      [toolCost('srv', 'summarize'), '0+2x100'],
      // 36 USD at 6h: under the default, over its own 20.
      [toolCost('srv', 'translate'), '0+0.5x100'],
      // No budget of its own: the default 100.
      [toolCost('srv', 'search'), '0+2x100'],
    ],
    checks: [
      {
        at: '6h',
        alert: 'LlmToolCostBudgetBurn',
        active: [
          { job: 'srv', gen_ai_tool_name: 'search', severity: a.toolCostBudget.severity },
          { job: 'srv', gen_ai_tool_name: 'translate', severity: a.toolCostBudget.severity },
        ],
      },
    ],
  },
];
