/* The tool catalog: what servers announce, what clients were given, and changes at run time. */
import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { catalogChanges } from '../alerts-catalog.js';
import type { MixinConfig } from '../config.js';
import { L, toolCatalog } from '../metrics.js';
import { by, sel } from '../promql.js';
import { dashboardHead, timeseries } from './common.js';

export const TOOL_CATALOG_UID = 'mcpmeter-mcp-catalog';

export function toolCatalogDashboard(config: MixinConfig): Dashboard {
  const job = `job=~"$job"`;
  const server = toolCatalog('server');
  const client = toolCatalog('client');
  const seen = ['job', L.serverAddress];
  const seenLegend = `{{${L.serverAddress}}} via {{job}}`;
  const changes = (metric: string, keep: string[]) =>
    `sum ${by(keep)} (${catalogChanges(sel(metric, job), '$__rate_interval')})`;

  return dashboardHead({
    title: 'MCP tool catalog',
    uid: TOOL_CATALOG_UID,
    description:
      'The context each MCP tool catalog costs (bytes, estimated tokens, tools) and changes of tool definitions at run time, as servers announce them and as clients receive them.',
    tags: ['mcpmeter', 'mcp'],
    from: 'now-24h',
    jobSource: sel('', `__name__=~"${server.info}|${client.info}"`, config.selector),
  })
    .withRow(new RowBuilder('Catalogs servers announce'))
    .withPanel(
      timeseries(
        'Catalog tokens by server',
        'Estimated tokens (bytes / 4) of the tools/list answer each server gives: context every conversation that loads the server pays before it asks anything.',
        'short',
        [{ expr: `sum by (job) (${sel(server.tokens, job)})`, legend: '{{job}}' }],
        8,
      ),
    )
    .withPanel(
      timeseries(
        'Catalog size by server',
        'Bytes of the tools/list answer (JSON) each server gives.',
        'bytes',
        [{ expr: `sum by (job) (${sel(server.bytes, job)})`, legend: '{{job}}' }],
        8,
      ),
    )
    .withPanel(
      timeseries(
        'Tools announced by server',
        'Tools in the catalog each server announces now (one mcp_tool_hash per tool).',
        'short',
        [{ expr: `count by (job) (${sel(server.info, job)} == 1)`, legend: '{{job}}' }],
        8,
      ),
    )
    .withPanel(
      timeseries(
        'Tool definitions changed by the server',
        'Tools added, removed or changed in a server’s own catalog after its first listing, per interval (McpServerToolCatalogChanged).',
        'short',
        [
          {
            expr: changes(server.changes, ['job', L.tool, L.changeKind]),
            legend: `{{job}} {{${L.tool}}} {{${L.changeKind}}}`,
          },
        ],
        24,
      ),
    )
    .withRow(new RowBuilder('Catalogs clients were given'))
    .withPanel(
      timeseries(
        'Catalog tokens per server, as clients see them',
        'Estimated tokens of the catalog each server announced to the instrumented clients of the selected jobs (server_address is empty on stdio).',
        'short',
        [{ expr: `max ${by(seen)} (${sel(client.tokens, job)})`, legend: seenLegend }],
        8,
      ),
    )
    .withPanel(
      timeseries(
        'Catalog size per server, as clients see it',
        'Bytes of the tools/list answers the instrumented clients received.',
        'bytes',
        [{ expr: `max ${by(seen)} (${sel(client.bytes, job)})`, legend: seenLegend }],
        8,
      ),
    )
    .withPanel(
      timeseries(
        'Tools announced to clients',
        'Tools each server announced to the instrumented clients, now.',
        'short',
        [{ expr: `count ${by(seen)} (${sel(client.info, job)} == 1)`, legend: seenLegend }],
        8,
      ),
    )
    .withPanel(
      timeseries(
        'Tools changed after the session started',
        'A tool a server added, removed or changed after the client’s first listing, per interval: the rug-pull / tool-poisoning signal (McpClientToolCatalogChanged).',
        'short',
        [
          {
            expr: changes(client.changes, [...seen, L.tool, L.changeKind]),
            legend: `{{${L.serverAddress}}} {{${L.tool}}} {{${L.changeKind}}} via {{job}}`,
          },
        ],
        24,
      ),
    )
    .build();
}
