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
  MCP_SERVER_ACTIVE_REQUESTS,
  MCP_SERVER_ACTIVE_SESSIONS,
  MCP_SERVER_DURATION,
  MCP_SERVER_SESSION_DURATION,
} from '../metrics.js';
import { sel } from '../promql.js';
import { recordedNames } from '../recording-rules.js';
import { dashboardHead, quantileQueries, stat, timeseries, toolVariable } from './common.js';

export const MCP_OVERVIEW_UID = 'mcpmeter-mcp-overview';

export function mcpOverviewDashboard(config: MixinConfig): Dashboard {
  const n = recordedNames(config.rateWindow);
  const job = `job=~"$job"`;
  const tool = `${L.tool}=~"$tool"`;
  const r = (metric: string, ...m: string[]) => sel(metric, job, ...m);

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
