/*
 * Recording rules: the per-method, per-tool and per-model rates, ratios and
 * quantiles the dashboards read. Names follow level:metric:operations
 * (https://prometheus.io/docs/practices/rules/); the level lists the labels kept.
 */
import type { MixinConfig } from './config.js';
import {
  GEN_AI_COST,
  GEN_AI_DURATION,
  GEN_AI_TOKEN_USAGE,
  GEN_AI_TTFC,
  L,
  MCP_SERVER_DURATION,
  MCP_SERVER_FAULT,
  TOOLS_CALL,
  INVALID_PARAMS,
  UNKNOWN_TOOL,
} from './metrics.js';
import { by, sel } from './promql.js';
import type { RecordingRule, RuleFile } from './rule-types.js';

export const QUANTILES = ['0.5', '0.95', '0.99'] as const;

/** The names of the recorded series, for a given rate window (e.g. `5m`). */
export function recordedNames(w: string) {
  return {
    methodRequests: `job_method:mcp_server_requests:rate${w}`,
    methodErrors: `job_method:mcp_server_errors:rate${w}`,
    methodErrorRatio: `job_method:mcp_server_errors:ratio_rate${w}`,
    methodBuckets: `job_method_le:${MCP_SERVER_DURATION}_bucket:rate${w}`,
    methodQuantile: `job_method:${MCP_SERVER_DURATION}:histogram_quantile_rate${w}`,
    toolCalls: `job_tool:mcp_server_tool_calls:rate${w}`,
    toolErrorsByType: `job_tool_error_type:mcp_server_tool_errors:rate${w}`,
    toolErrors: `job_tool:mcp_server_tool_errors:rate${w}`,
    toolErrorRatio: `job_tool:mcp_server_tool_errors:ratio_rate${w}`,
    toolBuckets: `job_tool_le:${MCP_SERVER_DURATION}_bucket:rate${w}`,
    toolQuantile: `job_tool:${MCP_SERVER_DURATION}:histogram_quantile_rate${w}`,
    /** tools/call naming a tool the server does not have (`gen_ai_tool_name="_OTHER"`). */
    unknownToolCalls: `job:mcp_server_unknown_tool_calls:rate${w}`,
    unknownToolRatio: `job:mcp_server_unknown_tool_calls:ratio_rate${w}`,
    /** Calls of a known tool refused for invalid arguments (`error_type="-32602"`). */
    invalidArguments: `job_tool:mcp_server_tool_invalid_arguments:rate${w}`,
    invalidArgumentsRatio: `job_tool:mcp_server_tool_invalid_arguments:ratio_rate${w}`,
    llmRequests: `job_provider_model:gen_ai_client_requests:rate${w}`,
    llmErrorsByType: `job_provider_model_error_type:gen_ai_client_errors:rate${w}`,
    llmErrorRatio: `job_provider_model:gen_ai_client_errors:ratio_rate${w}`,
    llmBuckets: `job_provider_model_le:${GEN_AI_DURATION}_bucket:rate${w}`,
    llmQuantile: `job_provider_model:${GEN_AI_DURATION}:histogram_quantile_rate${w}`,
    ttfcBuckets: `job_provider_model_le:${GEN_AI_TTFC}_bucket:rate${w}`,
    ttfcQuantile: `job_provider_model:${GEN_AI_TTFC}:histogram_quantile_rate${w}`,
    tokens: `job_provider_model_token_type:${GEN_AI_TOKEN_USAGE}:rate${w}`,
    cost: `job_provider_model:gen_ai_client_cost_usd:rate${w}`,
    /** Rolling 30-day spend over every job: the monthly budget alert forecasts it. */
    cost30d: ':gen_ai_client_cost_usd:increase30d',
  };
}

export type RecordedNames = ReturnType<typeof recordedNames>;

function quantiles(record: string, buckets: string, keep: readonly string[]): RecordingRule[] {
  return QUANTILES.map((q) => ({
    record,
    expr: `histogram_quantile(${q}, sum ${by([...keep, 'le'])} (${buckets}))`,
    labels: { quantile: q },
  }));
}

/** `errors / requests`, with 0 (not a missing series) when there were no errors. */
function ratio(errors: string, requests: string): string {
  return `(${errors} or ${requests} * 0) / ${requests}`;
}

export function buildRecordingRules(config: MixinConfig): RuleFile<RecordingRule> {
  const w = config.rateWindow;
  const s = config.selector;
  const n = recordedNames(w);
  const rate = (metric: string, ...m: string[]) => `rate(${sel(metric, s, ...m)}[${w}])`;
  const errored = `${L.errorType}!=""`;
  const serverFault = MCP_SERVER_FAULT;
  const tool = `${L.method}="${TOOLS_CALL}"`;
  const unknown = `${L.tool}="${UNKNOWN_TOOL}"`;
  const known = `${L.tool}!="${UNKNOWN_TOOL}"`;
  const invalid = `${L.errorType}="${INVALID_PARAMS}"`;

  const method = ['job', L.method];
  const toolKeep = ['job', L.tool];
  const model = ['job', L.provider, L.model];

  const mcp: RecordingRule[] = [
    {
      record: n.methodRequests,
      expr: `sum ${by(method)} (${rate(`${MCP_SERVER_DURATION}_count`)})`,
    },
    {
      record: n.methodErrors,
      expr: `sum ${by(method)} (${rate(`${MCP_SERVER_DURATION}_count`, serverFault)})`,
    },
    { record: n.methodErrorRatio, expr: ratio(n.methodErrors, n.methodRequests) },
    {
      record: n.methodBuckets,
      expr: `sum ${by([...method, 'le'])} (${rate(`${MCP_SERVER_DURATION}_bucket`)})`,
    },
    ...quantiles(n.methodQuantile, n.methodBuckets, method),
    {
      record: n.toolCalls,
      expr: `sum ${by(toolKeep)} (${rate(`${MCP_SERVER_DURATION}_count`, tool)})`,
    },
    {
      record: n.toolErrorsByType,
      expr: `sum ${by([...toolKeep, L.errorType])} (${rate(`${MCP_SERVER_DURATION}_count`, tool, serverFault)})`,
    },
    { record: n.toolErrors, expr: `sum ${by(toolKeep)} (${n.toolErrorsByType})` },
    { record: n.toolErrorRatio, expr: ratio(n.toolErrors, n.toolCalls) },
    {
      record: n.toolBuckets,
      expr: `sum ${by([...toolKeep, 'le'])} (${rate(`${MCP_SERVER_DURATION}_bucket`, tool)})`,
    },
    ...quantiles(n.toolQuantile, n.toolBuckets, toolKeep),
    {
      record: n.unknownToolCalls,
      expr: `sum by (job) (${rate(`${MCP_SERVER_DURATION}_count`, tool, unknown)})`,
    },
    {
      record: n.unknownToolRatio,
      expr: ratio(n.unknownToolCalls, `sum by (job) (${n.toolCalls})`),
    },
    {
      record: n.invalidArguments,
      expr: `sum ${by(toolKeep)} (${rate(`${MCP_SERVER_DURATION}_count`, tool, known, invalid)})`,
    },
    {
      record: n.invalidArgumentsRatio,
      expr: ratio(n.invalidArguments, sel(n.toolCalls, known)),
    },
  ];

  const llm: RecordingRule[] = [
    { record: n.llmRequests, expr: `sum ${by(model)} (${rate(`${GEN_AI_DURATION}_count`)})` },
    {
      record: n.llmErrorsByType,
      expr: `sum ${by([...model, L.errorType])} (${rate(`${GEN_AI_DURATION}_count`, errored)})`,
    },
    {
      record: n.llmErrorRatio,
      expr: ratio(`sum ${by(model)} (${n.llmErrorsByType})`, n.llmRequests),
    },
    {
      record: n.llmBuckets,
      expr: `sum ${by([...model, 'le'])} (${rate(`${GEN_AI_DURATION}_bucket`)})`,
    },
    ...quantiles(n.llmQuantile, n.llmBuckets, model),
    {
      record: n.ttfcBuckets,
      expr: `sum ${by([...model, 'le'])} (${rate(`${GEN_AI_TTFC}_bucket`)})`,
    },
    ...quantiles(n.ttfcQuantile, n.ttfcBuckets, model),
    {
      record: n.tokens,
      expr: `sum ${by([...model, L.tokenType])} (${rate(`${GEN_AI_TOKEN_USAGE}_sum`)})`,
    },
    { record: n.cost, expr: `sum ${by(model)} (${rate(GEN_AI_COST)})` },
    { record: n.cost30d, expr: `sum(increase(${sel(GEN_AI_COST, s)}[30d]))` },
  ];

  return {
    groups: [
      { name: 'mcpmeter-mcp.rules', rules: mcp },
      { name: 'mcpmeter-llm.rules', rules: llm },
    ],
  };
}
