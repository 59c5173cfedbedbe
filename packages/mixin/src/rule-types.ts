/* The shapes of a Prometheus rule file (https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/). */

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: {
    summary: string;
    description: string;
    runbook_url: string;
  };
}

export interface RuleGroup<R = RecordingRule | AlertingRule> {
  name: string;
  interval?: string;
  rules: R[];
}

export interface RuleFile<R = RecordingRule | AlertingRule> {
  groups: RuleGroup<R>[];
}
