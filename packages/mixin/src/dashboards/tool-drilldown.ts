/* One tool: rate, errors, latency heatmap with exemplars, error types, custom metrics. */
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  PanelBuilder as HeatmapPanel,
  RowsHeatmapOptionsBuilder,
  YAxisConfigBuilder,
} from '@grafana/grafana-foundation-sdk/heatmap';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import type { MixinConfig } from '../config.js';
import { L, MCP_SERVER_DURATION, TOOLS_CALL } from '../metrics.js';
import { sel } from '../promql.js';
import { recordedNames } from '../recording-rules.js';
import { DATASOURCE, dashboardHead, stat, timeseries, toolVariable } from './common.js';

export const TOOL_DRILLDOWN_UID = 'mcpmeter-mcp-tool';

/**
 * Series a tool author records inside a handler carry `gen_ai_tool_name`; ours,
 * recorded ones and Prometheus' own alert series (which copy the tool label) are left out.
 */
const NOT_CUSTOM = '__name__!~"mcp_.+|gen_ai_.+|.+_bucket|.+:.+|ALERTS|ALERTS_FOR_STATE"';

export function toolDrilldownDashboard(config: MixinConfig): Dashboard {
  const n = recordedNames(config.rateWindow);
  const job = `job=~"$job"`;
  const tool = `${L.tool}="$tool"`;
  const r = (metric: string, ...m: string[]) => sel(metric, job, tool, ...m);
  const rawBuckets = sel(`${MCP_SERVER_DURATION}_bucket`, job, `${L.method}="${TOOLS_CALL}"`, tool);

  const heatmap = new HeatmapPanel()
    .title('Latency heatmap (with exemplars)')
    .description(
      'Distribution of call durations. The dots are exemplars: click one to open the trace of that call in Jaeger.',
    )
    .datasource(DATASOURCE)
    .span(24)
    .height(10)
    .calculate(false)
    .cellGap(1)
    .yAxis(new YAxisConfigBuilder().unit('s'))
    .rowsFrame(new RowsHeatmapOptionsBuilder().layout(common.HeatmapCellLayout.Le))
    .withTarget(
      new DataqueryBuilder()
        .refId('A')
        .expr(`sum by (le) (rate(${rawBuckets}[$__rate_interval]))`)
        .legendFormat('{{le}}')
        .format(PromQueryFormat.Heatmap)
        .exemplar(true)
        .range(),
    );

  return dashboardHead({
    title: 'MCP tool drill-down',
    uid: TOOL_DRILLDOWN_UID,
    description:
      'One MCP tool: calls, errors by type, latency heatmap with exemplars linking to traces, custom tool metrics.',
    tags: ['mcpmeter', 'mcp'],
    from: 'now-1h',
    jobSource: sel(`${MCP_SERVER_DURATION}_count`, config.selector),
  })
    .withVariable(toolVariable(false))
    .withRow(new RowBuilder('Tool $tool'))
    .withPanel(
      stat('Calls / s', 'Calls per second of this tool.', 'reqps', `sum(${r(n.toolCalls)})`, 8),
    )
    .withPanel(
      stat(
        'Error ratio',
        "Share of this tool's calls that failed.",
        'percentunit',
        `(sum(${r(n.toolErrors)}) or vector(0)) / sum(${r(n.toolCalls)})`,
        8,
      ),
    )
    .withPanel(
      stat(
        'p95 latency',
        '95% of calls finish faster than this.',
        's',
        `histogram_quantile(0.95, sum by (le) (${r(n.toolBuckets)}))`,
        8,
      ),
    )
    .withPanel(heatmap)
    .withPanel(
      timeseries('Latency (p50 / p95 / p99)', 'Recorded latency quantiles of this tool.', 's', [
        { expr: `max by (quantile) (${r(n.toolQuantile)})`, legend: 'p{{quantile}}' },
      ]),
    )
    .withPanel(
      timeseries(
        'Errors / s by type',
        'How the tool fails: tool_error (isError result), a JSON-RPC code, or an exception class.',
        'reqps',
        [
          {
            expr: `sum by (${L.errorType}) (${r(n.toolErrorsByType)})`,
            legend: `{{${L.errorType}}}`,
          },
        ],
      ),
    )
    .withRow(new RowBuilder('Custom tool metrics'))
    .withPanel(
      timeseries(
        'Custom tool metrics',
        'Metrics the tool author records inside the handler (they carry the tool name). Gauges show their value, counters and histogram _sum/_count their running total.',
        'short',
        [
          {
            expr: `sum by (metric) (label_replace({${[job, tool, NOT_CUSTOM].join(', ')}}, "metric", "$1", "__name__", "(.+)"))`,
            legend: '{{metric}}',
          },
        ],
        24,
      ),
    )
    .build();
}
