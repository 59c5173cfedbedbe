/* The dashboards by file name, for the CLI and the generator. */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { resolveConfig, type PartialMixinConfig } from '../config.js';
import { llmUsageDashboard } from './llm-usage.js';
import { mcpOverviewDashboard } from './mcp-overview.js';
import { toolCatalogDashboard } from './tool-catalog.js';
import { toolDrilldownDashboard } from './tool-drilldown.js';

export const DASHBOARD_NAMES = ['mcp-overview', 'mcp-tool', 'mcp-catalog', 'llm-usage'] as const;
export type DashboardName = (typeof DASHBOARD_NAMES)[number];

/** Every dashboard as Grafana JSON model objects, keyed by name. */
export function dashboards(config: PartialMixinConfig = {}): Record<DashboardName, Dashboard> {
  const c = resolveConfig(config);
  return {
    'mcp-overview': numberPanels(mcpOverviewDashboard(c)),
    'mcp-tool': numberPanels(toolDrilldownDashboard(c)),
    'mcp-catalog': numberPanels(toolCatalogDashboard(c)),
    'llm-usage': numberPanels(llmUsageDashboard(c)),
  };
}

/** Stable, unique panel ids (Grafana links and "view panel" URLs use them). */
function numberPanels(d: Dashboard): Dashboard {
  (d.panels ?? []).forEach((p, i) => {
    p.id = i + 1;
  });
  return d;
}

/** One dashboard as the JSON text Grafana imports or provisions. */
export function dashboardJson(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
