/* The rule files, as objects and as YAML. */
import { stringify } from 'yaml';
import { catalogAlerts } from './alerts-catalog.js';
import { mcpAlerts } from './alerts-mcp.js';
import { llmAlerts } from './alerts-llm.js';
import { platformAlerts } from './alerts-platform.js';
import { resolveConfig, type PartialMixinConfig } from './config.js';
import { buildRecordingRules } from './recording-rules.js';
import { sloAlerts, sloRecordingRules } from './slo.js';
import type { AlertingRule, RecordingRule, RuleFile } from './rule-types.js';

/** Recording rules for the given settings (defaults for anything left out). */
export function recordingRules(config: PartialMixinConfig = {}): RuleFile<RecordingRule> {
  const c = resolveConfig(config);
  const file = buildRecordingRules(c);
  return { groups: [...file.groups, sloRecordingRules(c)] };
}

/**
 * Alert rules for the given settings. `LlmMonthlyCostBudgetForecast` and the SLO
 * burn-rate alerts read recorded series, so load the recording rules as well.
 */
export function alertRules(config: PartialMixinConfig = {}): RuleFile<AlertingRule> {
  const c = resolveConfig(config);
  return {
    groups: [
      { name: 'mcpmeter-mcp.alerts', rules: [...mcpAlerts(c), ...catalogAlerts(c)] },
      { name: 'mcpmeter-llm.alerts', rules: llmAlerts(c) },
      { name: 'mcpmeter-platform.alerts', rules: platformAlerts(c) },
      { name: 'mcpmeter-slo.alerts', rules: sloAlerts(c) },
    ],
  };
}

/** A rule file as YAML, as `promtool check rules` and Prometheus read it. */
export function ruleFileYaml(file: RuleFile): string {
  return stringify(file, { lineWidth: 0 });
}
