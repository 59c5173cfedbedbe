import type { MixinConfig, Severity } from './config.js';
import type { AlertingRule } from './rule-types.js';

/** The anchor of an alert's runbook entry in docs/alerts.md (a `## AlertName` heading). */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

export function alertRule(
  config: MixinConfig,
  a: {
    alert: string;
    expr: string;
    for: string;
    severity: Severity;
    summary: string;
    description: string;
  },
): AlertingRule {
  return {
    alert: a.alert,
    expr: a.expr,
    ...(a.for !== '0s' && a.for !== '0m' ? { for: a.for } : {}),
    labels: { severity: a.severity },
    annotations: {
      summary: a.summary,
      description: a.description,
      runbook_url: `${config.runbookUrl}#${runbookAnchor(a.alert)}`,
    },
  };
}
