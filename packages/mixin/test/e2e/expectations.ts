/*
 * The end-to-end test's mixin settings (short windows and low thresholds so a
 * one-minute run can page) and, per alert, which label sets must fire and
 * which must stay silent under the traffic the test drives.
 */
import type { PartialMixinConfig } from '../../src/index.js';
import type { Labels } from '../../../../test-utils/mixin-e2e.js';

export const JOBS = {
  server: 'mcp-server',
  gateway: 'llm-gateway',
  /** A second gateway with a cardinality limit of 4 series per instrument. */
  limited: 'llm-gateway-limited',
  /**
   * An MCP server and an instrumented client in one process (examples/mcp-server/rug-pull.mjs):
   * the server rewrites a tool's description under the client's session.
   */
  rugPull: 'rug-pull',
  /** A scrape target nobody listens on. */
  down: 'unreachable',
} as const;

/** Sessions opened and abandoned (never ended) by clients that went away. */
export const ABANDONED_SESSIONS = 3;
/** Slow calls held in flight together. */
export const IN_FLIGHT = 3;
export const UNPRICED_MODEL = 'my-private-model';
/** The claw server's tool that calls the LLM inside its handler (with LLM_BASE_URL). */
export const LLM_TOOL = 'ask_llm';

export const e2eConfig = {
  rateWindow: '2m',
  alerts: {
    // failing: 6 of 6 calls fail → fires; throwing: 2 of 2 fail but under minRequests → silent.
    toolErrorRatio: { ratio: 0.5, minRequests: 5, window: '2m', for: '0s' },
    // slow: 4 × 300 ms and 3 × 6 s → p95 and p99 over 1 s; the fast tools and methods stay under.
    latency: { p95Seconds: 1, p99Seconds: 1, minRequests: 3, window: '2m', for: '0s' },
    // 2 × 429, 2 × 500 and 2 timeouts of ~17 calls → fires; the limited gateway's calls all succeed.
    llmUpstream: { ratio: 0.2, minRequests: 5, window: '2m', for: '0s' },
    tokenBudget: { tokensPerDay: 1000, window: '1m', for: '0s' },
    // The main round (~0.004 USD in seconds) extrapolates to ~15 USD a day; the burst (~0.5 USD in
    // seconds) to over 1000.
    costBudget: { monthlyUsd: 100, trendWindow: '20s', horizon: '1d', for: '0s' },
    // The burst against the same 10 s window 20 s earlier; minUsd keeps the small early calls silent.
    costSpike: { factor: 3, minUsd: 0.05, window: '10s', baselineOffset: '20s', for: '0s' },
    unpricedModel: { window: '2m', for: '0s' },
    // ask_llm: 3 calls of ~0.00008 USD in the main round; the gateways spend more, outside any tool.
    toolCostBudget: { usd: 0.0001, window: '2m', for: '0s' },
    // no_such_tool: 1 of ~35 tool calls in the main round; sharpen_claw: 1 of 6 calls refused.
    unknownTools: { ratio: 0.01, minRequests: 5, window: '2m', for: '0s' },
    invalidArguments: { ratio: 0.1, minRequests: 3, window: '2m', for: '0s' },
    // Any change of a tool after the first listing; a short window so the test sees it resolve if it waits.
    clientToolCatalogChanged: { window: '1m', for: '0s' },
    serverToolCatalogChanged: { window: '1m', for: '0s' },
    activeRequests: { max: IN_FLIGHT - 1, for: '0s' },
    stuckSessions: { minOpen: ABANDONED_SESSIONS - 1, idleWindow: '15s', for: '0s' },
    cardinalityOverflow: { for: '0s' },
    targetDown: { for: '0s' },
    // A live Node process' event-loop delay p99 is ~10 ms (the histogram's resolution).
    eventLoopLag: { p99Seconds: 0.001, for: '0s' },
    // An idle example uses ~0.5% of its heap limit.
    heap: { ratio: 0.001, for: '0s' },
  },
  // Minutes instead of days. Availability: failing (8) and throwing (2) of ~40 requests fail
  // (25%; every pair fires from 5% to 10%); the -32602 calls are client faults. Latency (the
  // threshold follows latency.p95Seconds, 1 s): the 3 held 6 s calls of ~40 are 7.5% (pairs fire
  // from 2% to 4%). Per tool, failing/throwing and slow page; fast and sharpen_claw do not.
  slo: {
    period: '5m',
    perTool: true,
    availability: { objective: 0.95 },
    latency: { objective: 0.98 },
    burnRates: {
      fast: { longWindow: '2m', shortWindow: '1m', factor: 2, for: '0s' },
      medium: { longWindow: '3m', shortWindow: '1m', factor: 1.5, for: '0s' },
      slow: { longWindow: '4m', shortWindow: '1m', factor: 1, for: '0s' },
    },
  },
} satisfies PartialMixinConfig;

/** When the test waits for the alert to fire. */
export type Phase = 'in-flight' | 'traffic' | 'catalog' | 'idle' | 'burst';

export interface AlertExpectation {
  alert: string;
  phase: Phase;
  fires: Labels[];
  /** Label sets that must never be pending or firing during the whole run. */
  silent: Labels[];
  /** Must also be silent before its phase (the condition it pages on had not happened yet). */
  silentBefore?: boolean;
  /** Must have resolved by the end of the run (the condition went away). */
  resolves?: boolean;
}

const { server, gateway, limited, rugPull, down } = JOBS;
const runtimeJobs = [server, gateway, limited].map((job) => ({ job }));
/** The tool whose description the rug-pull server rewrites, and its unchanged neighbour. */
export const CHANGED_TOOL = 'search';
const UNCHANGED_TOOL = 'fetch_page';

export const expectations: AlertExpectation[] = [
  {
    alert: 'McpToolErrorRatioHigh',
    phase: 'traffic',
    fires: [{ job: server, gen_ai_tool_name: 'failing' }],
    // throwing and _OTHER: every call failed, but too few calls (the min-traffic guard);
    // sharpen_claw: 1 of 5 failed, under the ratio.
    silent: ['throwing', '_OTHER', 'sharpen_claw', 'fast', 'slow'].map((t) => ({
      gen_ai_tool_name: t,
    })),
  },
  ...(['McpLatencyP95High', 'McpLatencyP99High'] as const).map((alert): AlertExpectation => ({
    alert,
    phase: 'traffic',
    fires: [{ job: server, mcp_method_name: 'tools/call', gen_ai_tool_name: 'slow' }],
    silent: [
      { gen_ai_tool_name: 'fast' },
      { gen_ai_tool_name: 'sharpen_claw' },
      { mcp_method_name: 'initialize' },
      { mcp_method_name: 'tools/list' },
    ],
  })),
  {
    alert: 'McpUnknownToolCalls',
    phase: 'traffic',
    fires: [{ job: server }],
    silent: [],
  },
  {
    alert: 'McpToolInvalidArguments',
    phase: 'traffic',
    fires: [{ job: server, gen_ai_tool_name: 'sharpen_claw' }],
    // Unknown tools answer -32602 as well: McpUnknownToolCalls covers them.
    silent: ['_OTHER', 'fast', 'failing', 'throwing', 'slow'].map((t) => ({ gen_ai_tool_name: t })),
  },
  ...(['fast', 'medium', 'slow'] as const).flatMap((pair): AlertExpectation[] => [
    {
      alert: 'McpAvailabilitySloBurnRate',
      phase: 'traffic',
      fires: [{ job: server, burn_rate: pair }],
      silent: [],
    },
    {
      alert: 'McpLatencySloBurnRate',
      phase: 'traffic',
      fires: [{ job: server, burn_rate: pair }],
      silent: [],
    },
    {
      alert: 'McpToolAvailabilitySloBurnRate',
      phase: 'traffic',
      fires: [{ job: server, gen_ai_tool_name: 'failing', burn_rate: pair }],
      // sharpen_claw and _OTHER fail only with -32602 (client faults), fast and slow never.
      silent: ['fast', 'slow', 'sharpen_claw', '_OTHER'].map((t) => ({ gen_ai_tool_name: t })),
    },
    {
      alert: 'McpToolLatencySloBurnRate',
      phase: 'traffic',
      fires: [{ job: server, gen_ai_tool_name: 'slow', burn_rate: pair }],
      silent: ['fast', 'failing', 'sharpen_claw', '_OTHER'].map((t) => ({ gen_ai_tool_name: t })),
    },
  ]),
  {
    alert: 'McpClientToolCatalogChanged',
    phase: 'catalog',
    fires: [
      {
        job: rugPull,
        server_address: '127.0.0.1',
        gen_ai_tool_name: CHANGED_TOOL,
        mcp_tool_change_kind: 'changed',
      },
    ],
    // The client listed twice before the change: no change, no alert.
    silent: [{ gen_ai_tool_name: UNCHANGED_TOOL }, { mcp_tool_change_kind: 'added' }],
    silentBefore: true,
  },
  {
    alert: 'McpServerToolCatalogChanged',
    phase: 'catalog',
    fires: [{ job: rugPull, gen_ai_tool_name: CHANGED_TOOL, mcp_tool_change_kind: 'changed' }],
    // The claw server answered tools/list in every session, always the same catalog.
    silent: [{ job: server }, { gen_ai_tool_name: UNCHANGED_TOOL }],
    silentBefore: true,
  },
  {
    alert: 'McpActiveRequestsSaturated',
    phase: 'in-flight',
    fires: [{ job: server }],
    silent: [],
    resolves: true,
  },
  {
    alert: 'McpSessionsStuck',
    phase: 'idle',
    fires: [{ job: server }],
    silent: [],
    // Sessions were open all along; while requests were served it must not page.
    silentBefore: true,
  },
  {
    alert: 'LlmUpstreamFailing',
    phase: 'traffic',
    fires: [{ job: gateway, gen_ai_provider_name: 'openai' }],
    silent: [{ job: limited }],
  },
  { alert: 'LlmTokenBudgetBurn', phase: 'traffic', fires: [{}], silent: [] },
  {
    alert: 'LlmMonthlyCostBudgetForecast',
    phase: 'burst',
    fires: [{}],
    silent: [],
    silentBefore: true,
  },
  {
    alert: 'LlmCostSpike',
    phase: 'burst',
    fires: [{ job: gateway }],
    silent: [{ job: limited }],
    silentBefore: true,
  },
  {
    alert: 'LlmToolCostBudgetBurn',
    phase: 'traffic',
    fires: [{ job: server, gen_ai_tool_name: LLM_TOOL }],
    // The gateways spend far over the budget, but outside any tool: no tool name, no tool budget.
    silent: [{ job: gateway }, { job: limited }, { gen_ai_tool_name: 'fast' }],
  },
  {
    alert: 'LlmUnpricedModel',
    phase: 'traffic',
    fires: [{ job: gateway, gen_ai_provider_name: 'openai', gen_ai_request_model: UNPRICED_MODEL }],
    silent: [{ gen_ai_request_model: 'gpt-4.1-mini' }, { job: limited }],
  },
  {
    alert: 'OtelMetricCardinalityOverflow',
    phase: 'traffic',
    fires: [{ job: limited, metric: 'gen_ai_client_token_usage_sum' }],
    silent: [{ job: server }, { job: gateway }],
  },
  {
    alert: 'McpmeterTargetDown',
    phase: 'traffic',
    fires: [{ job: down }],
    silent: [{ job: server }, { job: gateway }, { job: limited }],
  },
  { alert: 'NodeEventLoopLagHigh', phase: 'traffic', fires: runtimeJobs, silent: [] },
  { alert: 'NodeHeapNearLimit', phase: 'traffic', fires: runtimeJobs, silent: [] },
];
