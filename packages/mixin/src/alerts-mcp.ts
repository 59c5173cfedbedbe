/* Alerts on the MCP server metrics. */
import type { MixinConfig } from './config.js';
import { alertRule } from './alert-helpers.js';
import {
  L,
  MCP_SERVER_ACTIVE_REQUESTS,
  MCP_SERVER_ACTIVE_SESSIONS,
  MCP_SERVER_DURATION,
  MCP_SERVER_FAULT,
  TOOLS_CALL,
  INVALID_PARAMS,
  UNKNOWN_TOOL,
} from './metrics.js';
import { by, num, sel } from './promql.js';
import type { AlertingRule } from './rule-types.js';

export function mcpAlerts(config: MixinConfig): AlertingRule[] {
  const s = config.selector;
  const {
    toolErrorRatio: te,
    latency: lat,
    activeRequests: ar,
    stuckSessions: ss,
    unknownTools: ut,
    invalidArguments: ia,
  } = config.alerts;
  const tool = `${L.method}="${TOOLS_CALL}"`;
  const toolKeep = ['job', L.tool];
  const calls = (w: string, ...m: string[]) =>
    `sum ${by(toolKeep)} (increase(${sel(`${MCP_SERVER_DURATION}_count`, s, tool, ...m)}[${w}]))`;

  // The ratio alone pages on one failure of a quiet tool (1 of 1 = 100%); the
  // `and` keeps only tools that served at least `minRequests` calls in the window.
  const errorRatio = `(${calls(te.window, MCP_SERVER_FAULT)} / ${calls(te.window)}) > ${num(te.ratio)}
and on (job, ${L.tool}) ${calls(te.window)} >= ${num(te.minRequests)}`;

  // Confusion: the model calls tools that do not exist, or passes arguments the schema refuses.
  // Any outcome of an `_OTHER` call counts: SDK 2.x answers -32602, SDK 1.x an isError result.
  const unknown = `${L.tool}="${UNKNOWN_TOOL}"`;
  const known = `${L.tool}!="${UNKNOWN_TOOL}"`;
  const jobCalls = (w: string, ...m: string[]) =>
    `sum by (job) (increase(${sel(`${MCP_SERVER_DURATION}_count`, s, tool, ...m)}[${w}]))`;
  const unknownExpr = `(${jobCalls(ut.window, unknown)} / ${jobCalls(ut.window)}) > ${num(ut.ratio)}
and on (job) ${jobCalls(ut.window)} >= ${num(ut.minRequests)}`;
  const invalidExpr = `(${calls(ia.window, known, `${L.errorType}="${INVALID_PARAMS}"`)} / ${calls(ia.window, known)}) > ${num(ia.ratio)}
and on (job, ${L.tool}) ${calls(ia.window, known)} >= ${num(ia.minRequests)}`;

  const latKeep = ['job', L.method, L.tool];
  const latencyExpr = (q: string, threshold: number) =>
    `histogram_quantile(${q}, sum ${by([...latKeep, 'le'])} (rate(${sel(`${MCP_SERVER_DURATION}_bucket`, s)}[${lat.window}]))) > ${num(threshold)}
and on (${latKeep.join(', ')}) sum ${by(latKeep)} (increase(${sel(`${MCP_SERVER_DURATION}_count`, s)}[${lat.window}])) >= ${num(lat.minRequests)}`;

  const target =
    '{{ $labels.mcp_method_name }}{{ with $labels.gen_ai_tool_name }} {{ . }}{{ end }}';

  return [
    alertRule(config, {
      alert: 'McpToolErrorRatioHigh',
      expr: errorRatio,
      for: te.for,
      severity: te.severity,
      summary: 'MCP tool {{ $labels.gen_ai_tool_name }} is failing often.',
      description: `{{ $value | humanizePercentage }} of calls to tool {{ $labels.gen_ai_tool_name }} on job {{ $labels.job }} failed over the last ${te.window} (threshold ${num(te.ratio * 100)}%, counted only with at least ${num(te.minRequests)} calls).`,
    }),
    alertRule(config, {
      alert: 'McpUnknownToolCalls',
      expr: unknownExpr,
      for: ut.for,
      severity: ut.severity,
      summary: 'Clients of job {{ $labels.job }} call tools that do not exist.',
      description: `{{ $value | humanizePercentage }} of tools/call requests on job {{ $labels.job }} named a tool the server does not have over the last ${ut.window} (threshold ${num(ut.ratio * 100)}%, counted only with at least ${num(ut.minRequests)} calls).`,
    }),
    alertRule(config, {
      alert: 'McpToolInvalidArguments',
      expr: invalidExpr,
      for: ia.for,
      severity: ia.severity,
      summary: 'Calls to MCP tool {{ $labels.gen_ai_tool_name }} often have invalid arguments.',
      description: `{{ $value | humanizePercentage }} of calls to tool {{ $labels.gen_ai_tool_name }} on job {{ $labels.job }} were refused with invalid arguments (-32602) over the last ${ia.window} (threshold ${num(ia.ratio * 100)}%, counted only with at least ${num(ia.minRequests)} calls).`,
    }),
    alertRule(config, {
      alert: 'McpLatencyP95High',
      expr: latencyExpr('0.95', lat.p95Seconds),
      for: lat.for,
      severity: lat.severity,
      summary: 'MCP {{ $labels.mcp_method_name }} p95 latency is high.',
      description: `p95 latency of ${target} on job {{ $labels.job }} is {{ $value | humanizeDuration }} over the last ${lat.window} (threshold ${num(lat.p95Seconds)}s).`,
    }),
    alertRule(config, {
      alert: 'McpLatencyP99High',
      expr: latencyExpr('0.99', lat.p99Seconds),
      for: lat.for,
      severity: lat.severity,
      summary: 'MCP {{ $labels.mcp_method_name }} p99 latency is high.',
      description: `p99 latency of ${target} on job {{ $labels.job }} is {{ $value | humanizeDuration }} over the last ${lat.window} (threshold ${num(lat.p99Seconds)}s).`,
    }),
    alertRule(config, {
      alert: 'McpActiveRequestsSaturated',
      expr: `sum by (job, instance) (${sel(MCP_SERVER_ACTIVE_REQUESTS, s)}) > ${num(ar.max)}`,
      for: ar.for,
      severity: ar.severity,
      summary: 'MCP server {{ $labels.instance }} has too many requests in flight.',
      description: `{{ $value }} MCP requests are in flight on {{ $labels.instance }} (job {{ $labels.job }}); threshold ${num(ar.max)}.`,
    }),
    alertRule(config, {
      alert: 'McpSessionsStuck',
      // Idle = a request rate of exactly 0 over the window, judged only once the job's request
      // counters are older than the window (a job that just started has too few samples to tell).
      expr: `sum by (job) (${sel(MCP_SERVER_ACTIVE_SESSIONS, s)}) >= ${num(ss.minOpen)}
and on (job) sum by (job) (rate(${sel(`${MCP_SERVER_DURATION}_count`, s)}[${ss.idleWindow}])) == 0
and on (job) sum by (job) (${sel(`${MCP_SERVER_DURATION}_count`, s)} offset ${ss.idleWindow})`,
      for: ss.for,
      severity: ss.severity,
      summary: 'MCP sessions are open on job {{ $labels.job }} but no request is served.',
      description: `{{ $value }} MCP sessions are open on job {{ $labels.job }} and it served no request in the last ${ss.idleWindow}.`,
    }),
  ];
}
