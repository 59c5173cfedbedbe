/*
 * promtool unit tests of the tool-catalog alerts. The change counter of a (kind, tool) is
 * created by its first change, already at 1: the alerts must see a series that appears
 * (the first rug pull of a tool) as well as one that grows, and stay silent for kinds not
 * asked for and once the window has passed. Series start 25 min in: before that, a series
 * Prometheus had not seen a window earlier would count as new.
 */
import { defaultConfig } from '../../src/config.js';
import type { PromtoolCase } from './harness.js';

const a = defaultConfig().alerts;

const client = (tool: string, kind: string) =>
  `mcp_client_tool_catalog_changes_total{job="agent", instance="agent:9464", server_address="tools.example", gen_ai_tool_name="${tool}", mcp_tool_change_kind="${kind}"}`;
const server = (tool: string, kind: string) =>
  `mcp_server_tool_catalog_changes_total{job="mcp", instance="mcp:9464", gen_ai_tool_name="${tool}", mcp_tool_change_kind="${kind}"}`;

export const catalogCases: PromtoolCase[] = [
  {
    name: 'McpClientToolCatalogChanged: a tool changed after the session started warns, for its first and later changes; a removed tool and an old change do not',
    silent: ['old_tool'],
    series: [
      // search: first changed at 25 min (the series appears at 1).
      [client('search', 'changed'), '_x25 1x30'],
      // fetch: changed before the run (1 all along), again at 30 min.
      [client('fetch', 'changed'), '1x30 2x20'],
      // old_tool: removed at 25 min — not a kind that warns by default.
      [client('old_tool', 'removed'), '_x25 1x30'],
    ],
    checks: [
      { at: '20m', alert: 'McpClientToolCatalogChanged', active: [] },
      {
        at: '27m',
        alert: 'McpClientToolCatalogChanged',
        active: [
          {
            job: 'agent',
            server_address: 'tools.example',
            gen_ai_tool_name: 'search',
            mcp_tool_change_kind: 'changed',
            severity: a.clientToolCatalogChanged.severity,
          },
        ],
      },
      {
        at: '32m',
        alert: 'McpClientToolCatalogChanged',
        active: ['fetch', 'search'].map((tool) => ({
          job: 'agent',
          server_address: 'tools.example',
          gen_ai_tool_name: tool,
          mcp_tool_change_kind: 'changed',
          severity: a.clientToolCatalogChanged.severity,
        })),
      },
      // 15 min after the last change: resolved.
      { at: '50m', alert: 'McpClientToolCatalogChanged', active: [] },
    ],
  },
  {
    name: 'McpServerToolCatalogChanged: a server that adds or changes a tool at run time warns; a removed tool and a catalog that stays do not',
    silent: ['retired'],
    series: [
      [server('search', 'changed'), '_x25 1x30'],
      [server('new_tool', 'added'), '_x28 1x30'],
      [server('retired', 'removed'), '_x25 1x30'],
    ],
    checks: [
      { at: '20m', alert: 'McpServerToolCatalogChanged', active: [] },
      {
        at: '30m',
        alert: 'McpServerToolCatalogChanged',
        active: [
          ['new_tool', 'added'],
          ['search', 'changed'],
        ].map(([tool, kind]) => ({
          job: 'mcp',
          gen_ai_tool_name: tool!,
          mcp_tool_change_kind: kind!,
          severity: a.serverToolCatalogChanged.severity,
        })),
      },
      { at: '50m', alert: 'McpServerToolCatalogChanged', active: [] },
    ],
  },
];
