import { describe, expect, it } from 'vitest';
import {
  MixinConfigError,
  alertRules,
  defaultConfig,
  recordingRules,
  resolveConfig,
} from '../src/index.js';

describe('resolveConfig', () => {
  it('returns the defaults when nothing is given', () => {
    expect(resolveConfig()).toEqual(defaultConfig());
  });

  it('overlays nested settings and keeps the rest', () => {
    const c = resolveConfig({
      alerts: { costBudget: { monthlyUsd: 250 } },
      selector: 'namespace="prod"',
    });
    expect(c.alerts.costBudget.monthlyUsd).toBe(250);
    expect(c.alerts.costBudget.horizon).toBe(defaultConfig().alerts.costBudget.horizon);
    expect(c.selector).toBe('namespace="prod"');
  });

  it('takes per-tool cost budgets by any tool name, held apart from the default in the alert', () => {
    const tools = { web_search: 20, 'a.b|c': 5 };
    const c = resolveConfig({ alerts: { toolCostBudget: { tools } } });
    expect(c.alerts.toolCostBudget).toEqual({ ...defaultConfig().alerts.toolCostBudget, tools });
    const rule = alertRules(c)
      .groups.flatMap((g) => g.rules)
      .find((r) => r.alert === 'LlmToolCostBudgetBurn')!;
    // Named tools are left out of the default (regex-escaped) and held to their own budget.
    expect(rule.expr).toContain('gen_ai_tool_name!~"a\\\\.b\\\\|c|web_search"');
    expect(rule.expr).toContain('{gen_ai_tool_name="web_search"}[1d])) > 20');
    expect(rule.expr).toContain('{gen_ai_tool_name="a.b|c"}[1d])) > 5');
  });

  it.each([
    [
      { alerts: { toolCostBudget: { tools: { web_search: 0 } } } },
      /"alerts.toolCostBudget.tools.web_search" is 0; use a positive number/,
    ],
    [
      { alerts: { toolCostBudget: { tools: ['web_search'] } } },
      /"alerts.toolCostBudget.tools" must be an object of tool name/,
    ],
    [
      { alerts: { toolErrorRatio: { ratio: 1.5 } } },
      /"alerts.toolErrorRatio.ratio" is 1.5; use a ratio between 0 and 1/,
    ],
    [
      { alerts: { costBudget: { monthlyUsd: -1 } } },
      /"alerts.costBudget.monthlyUsd" is -1; use a positive number/,
    ],
    [
      { alerts: { latency: { window: '10 minutes' } } },
      /"alerts.latency.window" is "10 minutes"; use a Prometheus duration/,
    ],
    [
      { alerts: { targetDown: { severity: 'page' } } },
      /"alerts.targetDown.severity" is "page"; use one of/,
    ],
    [{ selector: '{job="x"}' }, /"selector" .* without braces/],
    [
      { alerts: { llmUpstream: { errorTypes: '(' } } },
      /"alerts.llmUpstream.errorTypes" .* valid regular expression/,
    ],
    [
      { alerts: { costSpike: { factr: 2 } } },
      /unknown setting "alerts.costSpike.factr"; known settings here: factor/,
    ],
  ])('rejects %j with a message naming the setting and the fix', (bad, message) => {
    expect(() => resolveConfig(bad as never)).toThrow(MixinConfigError);
    expect(() => resolveConfig(bad as never)).toThrow(message);
  });
});

describe('rules from settings', () => {
  it('puts the user thresholds, windows and selector into the expressions', () => {
    const alerts = alertRules({
      selector: 'namespace="prod"',
      alerts: {
        toolErrorRatio: { ratio: 0.02, minRequests: 50, window: '30m' },
        costSpike: { baselineOffset: '1w' },
      },
    });
    const byName = Object.fromEntries(
      alerts.groups.flatMap((g) => g.rules).map((r) => [r.alert, r]),
    );
    const te = byName.McpToolErrorRatioHigh!.expr;
    expect(te).toContain('> 0.02');
    expect(te).toContain('>= 50');
    expect(te).toContain('[30m]');
    expect(te).toContain('namespace="prod"');
    expect(byName.LlmCostSpike!.expr).toContain('offset 1w');
  });

  it('names recorded series after the rate window', () => {
    // The SLO group is named after its own windows (slo.test.ts).
    const names = recordingRules({ rateWindow: '2m' })
      .groups.filter((g) => g.name !== 'mcpmeter-slo.rules')
      .flatMap((g) => g.rules.map((r) => r.record));
    expect(names).toContain('job_tool:mcp_server_tool_errors:ratio_rate2m');
    expect(names.every((n) => n.endsWith('rate2m') || n.endsWith('increase30d'))).toBe(true);
  });

  it('gives every alert a summary, a description and a runbook link to its section of docs/alerts.md', () => {
    for (const rule of alertRules().groups.flatMap((g) => g.rules)) {
      expect(rule.annotations.summary.length, rule.alert).toBeGreaterThan(10);
      expect(rule.annotations.description.length, rule.alert).toBeGreaterThan(20);
      expect(rule.annotations.runbook_url).toMatch(
        new RegExp(`docs/alerts\\.md#${rule.alert.toLowerCase()}$`),
      );
      expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
    }
  });
});
