/* Alerts on the tool catalog: a server's tools changed at run time (rug pull / tool poisoning). */
import type { MixinConfig } from './config.js';
import { alertRule } from './alert-helpers.js';
import { L, toolCatalog } from './metrics.js';
import { by, sel, str } from './promql.js';
import type { AlertingRule } from './rule-types.js';

/**
 * Changes counted in the last `window`, per series. The counter of a (kind, tool) is
 * created by its first change, already at 1, and `increase()` needs a sample before
 * the change to see it: a series absent `window` ago counts its whole value instead.
 * (A target Prometheus did not scrape `window` ago therefore shows its changes since
 * the process started: the runbook says so.)
 */
export function catalogChanges(series: string, window: string): string {
  return `(${series} unless ${series} offset ${window}) or increase(${series}[${window}])`;
}

export function catalogAlerts(config: MixinConfig): AlertingRule[] {
  const s = config.selector;
  const { clientToolCatalogChanged: cc, serverToolCatalogChanged: sc } = config.alerts;
  const kinds = (k: string) => `${L.changeKind}=~${str(k)}`;
  const clientKeep = ['job', L.serverAddress, L.tool, L.changeKind];
  const serverKeep = ['job', L.tool, L.changeKind];
  const client = sel(toolCatalog('client').changes, s, kinds(cc.kinds));
  const server = sel(toolCatalog('server').changes, s, kinds(sc.kinds));
  const where = '{{ with $labels.server_address }}at {{ . }}{{ else }}on stdio{{ end }}';

  return [
    alertRule(config, {
      alert: 'McpClientToolCatalogChanged',
      expr: `sum ${by(clientKeep)} (${catalogChanges(client, cc.window)}) > 0`,
      for: cc.for,
      severity: cc.severity,
      summary:
        'An MCP server changed tool {{ $labels.gen_ai_tool_name }} after the session started.',
      description: `The MCP server ${where} that job {{ $labels.job }} talks to announced tool {{ $labels.gen_ai_tool_name }} as {{ $labels.mcp_tool_change_kind }} after the client's first listing ({{ $value | humanize }} change(s) in the last ${cc.window}): the model now reads a definition nobody reviewed — the shape of a rug pull or tool poisoning.`,
    }),
    alertRule(config, {
      alert: 'McpServerToolCatalogChanged',
      expr: `sum ${by(serverKeep)} (${catalogChanges(server, sc.window)}) > 0`,
      for: sc.for,
      severity: sc.severity,
      summary:
        'MCP server {{ $labels.job }} changed tool {{ $labels.gen_ai_tool_name }} at run time.',
      description: `Job {{ $labels.job }} announced tool {{ $labels.gen_ai_tool_name }} as {{ $labels.mcp_tool_change_kind }} after its first listing ({{ $value | humanize }} change(s) in the last ${sc.window}): its tool definitions changed without a restart.`,
    }),
  ];
}
