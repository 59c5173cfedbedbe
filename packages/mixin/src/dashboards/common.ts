/* Shared pieces of the dashboards: datasource, variables, panel helpers. */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
  type Panel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, type PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { L, MCP_SERVER_DURATION, TOOLS_CALL } from '../metrics.js';
import { sel } from '../promql.js';

/** Every panel and variable reads the Prometheus picked in the `datasource` variable. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

export interface Query {
  expr: string;
  legend?: string;
  /** Ask Grafana for exemplars (trace ids) with this query. */
  exemplar?: boolean;
  format?: PromQueryFormat;
}

export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus');
}

/**
 * A query variable over one label of one metric. `multi` variables are matched
 * with `=~` (the "All" value is `.+`), single ones with `=`.
 */
export function labelVariable(
  name: string,
  label: string,
  title: string,
  selector: string,
  multi: boolean,
): QueryVariableBuilder {
  const query = `label_values(${selector}, ${label})`;
  const v = new QueryVariableBuilder(name)
    .label(title)
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(multi);
  return multi ? v.includeAll(true).allValue('.+') : v;
}

function targets(queries: Query[]): cog.Builder<cog.Dataquery>[] {
  return queries.map((q, i) => {
    const t = new DataqueryBuilder()
      .refId(String.fromCharCode(65 + i))
      .expr(q.expr)
      .legendFormat(q.legend ?? '__auto')
      .range();
    if (q.exemplar) t.exemplar(true);
    if (q.format) t.format(q.format);
    return t;
  });
}

export function timeseries(
  title: string,
  description: string,
  unit: string,
  queries: Query[],
  width = 12,
): cog.Builder<Panel> {
  const p = new TimeseriesPanel()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .min(0)
    .span(width)
    .height(8)
    .fillOpacity(10)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .calcs(['mean', 'max', 'lastNotNull']),
    );
  for (const t of targets(queries)) p.withTarget(t);
  return p;
}

export function stat(
  title: string,
  description: string,
  unit: string,
  expr: string,
  width = 6,
): cog.Builder<Panel> {
  return new StatPanel()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .span(width)
    .height(4)
    .graphMode(common.BigValueGraphMode.Area)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .withTarget(targets([{ expr, legend: title }])[0]!);
}

/** p50, p95 and p99 from a `..._bucket` rate, one series per `keep` label set. */
export function quantileQueries(buckets: string, keep: string[], legendPrefix: string): Query[] {
  const grouping = [...keep, 'le'].join(', ');
  return (['0.5', '0.95', '0.99'] as const).map((q) => ({
    expr: `histogram_quantile(${q}, sum by (${grouping}) (${buckets}))`,
    legend: `${legendPrefix} p${String(Number(q) * 100)}`,
  }));
}

/** What every mcpmeter dashboard shares: settings, the datasource and the job variable. */
export interface DashboardHead {
  title: string;
  uid: string;
  description: string;
  tags: string[];
  /** Start of the default time range, e.g. `now-1h`. */
  from: string;
  /** The series the job variable lists jobs from (already with the user's selector). */
  jobSource: string;
}

export function dashboardHead(head: DashboardHead): DashboardBuilder {
  return new DashboardBuilder(head.title)
    .uid(head.uid)
    .description(head.description)
    .tags(head.tags)
    .refresh('30s')
    .time({ from: head.from, to: 'now' })
    .tooltip(DashboardCursorSync.Crosshair)
    .withVariable(datasourceVariable())
    .withVariable(labelVariable('job', 'job', 'Job / service', head.jobSource, true));
}

/** The MCP tool variable: tools that served `tools/call` on the selected jobs. */
export function toolVariable(multi: boolean): QueryVariableBuilder {
  return labelVariable(
    'tool',
    L.tool,
    'Tool',
    sel(`${MCP_SERVER_DURATION}_count`, `job=~"$job"`, `${L.method}="${TOOLS_CALL}"`),
    multi,
  );
}
