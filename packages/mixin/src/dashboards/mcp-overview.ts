/* MCP server overview: traffic, errors, latency by method and tool, capacity. */
import {
  DashboardLinkBuilder,
  DashboardLinkType,
  RowBuilder,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { MixinConfig } from '../config.js';
import {
  L,
  MCP_SERVER_TOOL_REPEATS,
  MCP_SERVER_ACTIVE_REQUESTS,
  MCP_SERVER_ACTIVE_SESSIONS,
  MCP_SERVER_DURATION,
  MCP_SERVER_SESSION_DURATION,
} from '../metrics.js';
import { num, sel } from '../promql.js';
import { recordedNames } from '../recording-rules.js';
import { errorBudget, sloLatencyBoundary, sloNames, type SloKind } from '../slo.js';
import { dashboardHead, quantileQueries, stat, timeseries, toolVariable } from './common.js';

export const MCP_OVERVIEW_UID = 'mcpmeter-mcp-overview';

export function mcpOverviewDashboard(config: MixinConfig): Dashboard {
  const n = recordedNames(config.rateWindow);
  const job = `job=~"$job"`;
  const tool = `${L.tool}=~"$tool"`;
  const r = (metric: string, ...m: string[]) => sel(metric, job, ...m);
  const slo = config.slo;
  const longWindows = [...new Set(Object.values(slo.burnRates).map((b) => b.longWindow))];
  const burnRate = (kind: SloKind) =>
    longWindows.map((w) => ({
      expr: `${r(sloNames(kind).errorRatio(w))} / ${num(errorBudget(slo[kind].objective))}`,
      legend: `{{job}} ${w}`,
    }));
  const latencyLe = num(sloLatencyBoundary(slo.latency.thresholdSeconds));

  return dashboardHead({
    title: 'MCP server overview',
    uid: MCP_OVERVIEW_UID,
    description:
      'Request rate, errors, latency by method and tool, in-flight requests and sessions of MCP servers.',
    tags: ['mcpmeter', 'mcp'],
    from: 'now-1h',
    jobSource: sel(`${MCP_SERVER_DURATION}_count`, config.selector),
  })
    .withVariable(toolVariable(true))
    .link(
      new DashboardLinkBuilder('Tool drill-down')
        .type(DashboardLinkType.Dashboards)
        .tags(['mcpmeter'])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    )
    .withRow(new RowBuilder('Traffic'))
    .withPanel(
      stat(
        'Requests / s',
        'All MCP requests per second, every method.',
        'reqps',
        `sum(${r(n.methodRequests)})`,
      ),
    )
    .withPanel(
      stat(
        'Error ratio',
        'Share of MCP requests that ended with an error.type (tool errors, JSON-RPC errors, exceptions).',
        'percentunit',
        `(sum(${r(n.methodErrors)}) or vector(0)) / sum(${r(n.methodRequests)})`,
      ),
    )
    .withPanel(
      stat(
        'Requests in flight',
        'MCP requests being processed right now.',
        'short',
        `sum(${r(MCP_SERVER_ACTIVE_REQUESTS)})`,
      ),
    )
    .withPanel(
      stat(
        'Open sessions',
        'MCP sessions open right now.',
        'short',
        `sum(${r(MCP_SERVER_ACTIVE_SESSIONS)})`,
      ),
    )
    .withPanel(
      timeseries(
        'Requests / s by method',
        'Which MCP methods are called, and how often.',
        'reqps',
        [{ expr: `sum by (${L.method}) (${r(n.methodRequests)})`, legend: `{{${L.method}}}` }],
      ),
    )
    .withPanel(
      timeseries('Errors / s by method', 'Which MCP methods fail, and how often.', 'reqps', [
        { expr: `sum by (${L.method}) (${r(n.methodErrors)})`, legend: `{{${L.method}}}` },
      ]),
    )
    .withPanel(
      timeseries(
        'Latency by method (p50 / p95 / p99)',
        'How long each MCP method takes to answer, from the server histogram.',
        's',
        quantileQueries(r(n.methodBuckets), [L.method], `{{${L.method}}}`),
        24,
      ),
    )
    .withRow(new RowBuilder('Tools'))
    .withPanel(
      timeseries('Tool calls / s', 'Calls per second of each tool (tools/call).', 'reqps', [
        { expr: `sum by (${L.tool}) (${r(n.toolCalls, tool)})`, legend: `{{${L.tool}}}` },
      ]),
    )
    .withPanel(
      timeseries(
        'Tool error ratio',
        "Share of each tool's calls that failed (isError results count as tool_error).",
        'percentunit',
        [
          {
            expr: `(sum by (${L.tool}) (${r(n.toolErrors, tool)}) or sum by (${L.tool}) (${r(n.toolCalls, tool)}) * 0) / sum by (${L.tool}) (${r(n.toolCalls, tool)})`,
            legend: `{{${L.tool}}}`,
          },
        ],
      ),
    )
    .withPanel(
      timeseries(
        'Tool latency (p50 / p95 / p99)',
        'How long each tool takes; open the tool drill-down for the heatmap and traces.',
        's',
        quantileQueries(r(n.toolBuckets, tool), [L.tool], `{{${L.tool}}}`),
        24,
      ),
    )
    .withRow(new RowBuilder('Model confusion'))
    .withPanel(
      timeseries(
        'Unknown tool calls / s',
        'tools/call requests naming a tool the server does not have (gen_ai_tool_name="_OTHER"): the model calls tools it imagines, or a client has an old tool list.',
        'reqps',
        [{ expr: `sum by (job) (${r(n.unknownToolCalls)})`, legend: '{{job}}' }],
      ),
    )
    .withPanel(
      timeseries(
        'Invalid arguments / s by tool',
        'Calls of each tool refused because the arguments do not match its input schema (error_type="-32602").',
        'reqps',
        [
          {
            expr: `sum by (${L.tool}) (${r(n.invalidArguments, tool)})`,
            legend: `{{${L.tool}}}`,
          },
        ],
      ),
    )
    .withPanel(
      timeseries(
        'Repeated identical calls / s by tool',
        'Calls of a tool with the same arguments as an earlier call in the same session (mcp_server_tool_call_repeats_total): a model stuck in a loop.',
        'reqps',
        [
          {
            expr: `sum by (${L.tool}) (rate(${r(MCP_SERVER_TOOL_REPEATS, tool)}[$__rate_interval]))`,
            legend: `{{${L.tool}}}`,
          },
        ],
        24,
      ),
    )
    .withRow(new RowBuilder('Error budget (SLO)'))
    .withPanel(
      stat(
        'Availability budget left',
        `Share of the ${slo.period} error budget of the ${num(slo.availability.objective * 100)}% availability SLO still unspent, for the selected job that has least left (below 0: overspent).`,
        'percentunit',
        `min(${r(sloNames('availability').budgetRemaining(slo.period))})`,
        12,
      ),
    )
    .withPanel(
      stat(
        'Latency budget left',
        `Share of the ${slo.period} error budget of the latency SLO (${num(slo.latency.objective * 100)}% of requests within ${latencyLe}s) still unspent, for the selected job that has least left.`,
        'percentunit',
        `min(${r(sloNames('latency').budgetRemaining(slo.period))})`,
        12,
      ),
    )
    .withPanel(
      timeseries(
        'Availability burn rate',
        `How fast each job spends its availability budget over each alert window: 1 spends it in exactly ${slo.period}; the alerts fire at ${Object.values(
          slo.burnRates,
        )
          .map((b) => `${num(b.factor)}x (${b.longWindow})`)
          .join(', ')}.`,
        'short',
        burnRate('availability'),
      ),
    )
    .withPanel(
      timeseries(
        'Latency burn rate',
        `How fast each job spends its latency budget (requests slower than ${latencyLe}s) over each alert window; 1 spends it in exactly ${slo.period}.`,
        'short',
        burnRate('latency'),
      ),
    )
    .withRow(new RowBuilder('Capacity'))
    .withPanel(
      timeseries(
        'Requests in flight by method',
        'Concurrency per method; a plateau means the server is saturated.',
        'short',
        [
          {
            expr: `sum by (${L.method}) (${r(MCP_SERVER_ACTIVE_REQUESTS)})`,
            legend: `{{${L.method}}}`,
          },
        ],
        8,
      ),
    )
    .withPanel(
      timeseries(
        'Open sessions by transport',
        'Sessions open per transport (stdio = pipe, HTTP = tcp).',
        'short',
        [
          {
            expr: `sum by (${L.transport}) (${r(MCP_SERVER_ACTIVE_SESSIONS)})`,
            legend: `{{${L.transport}}}`,
          },
        ],
        8,
      ),
    )
    .withPanel(
      timeseries(
        'Session duration p95',
        'How long sessions last before they close.',
        's',
        [
          {
            expr: `histogram_quantile(0.95, sum by (le) (rate(${r(`${MCP_SERVER_SESSION_DURATION}_bucket`)}[$__rate_interval])))`,
            legend: 'p95',
          },
        ],
        8,
      ),
    )
    .build();
}
