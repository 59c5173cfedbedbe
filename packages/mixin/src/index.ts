// Every export here is public API of @mcpmeter/mixin.
export {
  DEFAULT_RUNBOOK_URL,
  MixinConfigError,
  defaultConfig,
  resolveConfig,
  type MixinConfig,
  type BurnRate,
  type BurnRateName,
  type PartialMixinConfig,
  type Severity,
} from './config.js';
export { alertRules, recordingRules, ruleFileYaml } from './rules.js';
export { QUANTILES, recordedNames, type RecordedNames } from './recording-rules.js';
export { runbookAnchor } from './alert-helpers.js';
export type { AlertingRule, RecordingRule, RuleFile, RuleGroup } from './rule-types.js';
export {
  DASHBOARD_NAMES,
  dashboardJson,
  dashboards,
  type DashboardName,
} from './dashboards/index.js';
export { MCP_OVERVIEW_UID } from './dashboards/mcp-overview.js';
export { TOOL_DRILLDOWN_UID } from './dashboards/tool-drilldown.js';
export { TOOL_CATALOG_UID } from './dashboards/tool-catalog.js';
export { LLM_USAGE_UID } from './dashboards/llm-usage.js';
export { mixinFiles, writeMixin } from './generate.js';
export {
  prometheusRule,
  prometheusRuleYaml,
  type PrometheusRuleOptions,
} from './prometheus-rule.js';
export {
  SLO_BUCKETS,
  errorBudget,
  sloAlertName,
  sloLatencyBoundary,
  sloNames,
  sloWindows,
  type SloKind,
  type SloLevel,
} from './slo.js';
export { SLO_SERVICE, openSlo, openSloYaml, slothSpec, slothSpecYaml } from './slo-specs.js';
