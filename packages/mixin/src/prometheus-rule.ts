/* The rules as a Prometheus Operator `PrometheusRule` resource (monitoring.coreos.com/v1). */
import { stringify } from 'yaml';
import type { PartialMixinConfig } from './config.js';
import { alertRules, recordingRules } from './rules.js';
import type { RuleGroup } from './rule-types.js';

export interface PrometheusRuleOptions {
  /** @default 'mcpmeter' */
  name?: string;
  /** @default 'monitoring' */
  namespace?: string;
  /** Labels the Prometheus resource's `ruleSelector` matches. @default { release: 'prometheus' } */
  labels?: Record<string, string>;
}

export function prometheusRule(
  config: PartialMixinConfig = {},
  options: PrometheusRuleOptions = {},
) {
  const groups: RuleGroup[] = [...recordingRules(config).groups, ...alertRules(config).groups];
  return {
    apiVersion: 'monitoring.coreos.com/v1' as const,
    kind: 'PrometheusRule' as const,
    metadata: {
      name: options.name ?? 'mcpmeter',
      namespace: options.namespace ?? 'monitoring',
      labels: options.labels ?? { release: 'prometheus' },
    },
    spec: { groups },
  };
}

export function prometheusRuleYaml(
  config: PartialMixinConfig = {},
  options: PrometheusRuleOptions = {},
): string {
  return stringify(prometheusRule(config, options), { lineWidth: 0 });
}
