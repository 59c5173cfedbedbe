import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alertRules, recordingRules, ruleFileYaml } from '../src/index.js';
import { catalogCases } from './promtool/cases-catalog.js';
import { TOOL_BUDGETS, llmCases, toolBudgetOverrideCases } from './promtool/cases-llm.js';
import { mcpCases } from './promtool/cases-mcp.js';
import { platformCases } from './promtool/cases-platform.js';
import { perToolSloCases, sloCases } from './promtool/cases-slo.js';
import { promtool, runPromtoolTests, type PromtoolCase } from './promtool/harness.js';

const generated = join(import.meta.dirname, '..', 'generated');
const ruleFiles = [join(generated, 'rules.yml'), join(generated, 'alerts.yml')];
const allCases: PromtoolCase[] = [
  ...mcpCases,
  ...catalogCases,
  ...llmCases,
  ...platformCases,
  ...sloCases,
];

// The opt-in per-tool SLO alerts and per-tool cost budgets are not in the committed files:
// generate files with them.
const perToolDir = mkdtempSync(join(tmpdir(), 'mcpmeter-mixin-pertool-'));
const perTool = { slo: { perTool: true }, alerts: { toolCostBudget: { tools: TOOL_BUDGETS } } };
const perToolCases = [...perToolSloCases, ...toolBudgetOverrideCases];
const perToolFiles = [join(perToolDir, 'rules.yml'), join(perToolDir, 'alerts.yml')];
writeFileSync(perToolFiles[0]!, ruleFileYaml(recordingRules(perTool)));
writeFileSync(perToolFiles[1]!, ruleFileYaml(alertRules(perTool)));
afterAll(() => rmSync(perToolDir, { recursive: true, force: true }));

// The 3-day burn-rate cases evaluate days of samples: ~45 s on an idle 2-core machine.
const PROMTOOL_TIMEOUT = 300_000;

describe('promtool', () => {
  it('check rules accepts the generated rule files', async () => {
    const res = await promtool(['check', 'rules', ...ruleFiles]);
    expect(res.output).toContain('SUCCESS');
    expect(res.ok, res.output).toBe(true);
  });

  it('check rules accepts the rule files with per-tool SLOs', async () => {
    const res = await promtool(['check', 'rules', ...perToolFiles]);
    expect(res.ok, res.output).toBe(true);
  });

  it('unit tests cover every alert, each both firing and staying silent', () => {
    const alerts = alertRules(perTool).groups.flatMap((g) => g.rules.map((r) => r.alert));
    const cases = [...allCases, ...perToolCases];
    for (const alert of alerts) {
      const checks = cases.flatMap((c) => c.checks).filter((c) => c.alert === alert);
      const fires = checks.some((c) =>
        c.active.some((x) => (x.alertstate ?? 'firing') === 'firing'),
      );
      const silent = cases
        .filter((c) => c.checks.some((k) => k.alert === alert))
        .some(
          (c) =>
            c.checks.some((k) => k.alert === alert && k.active.length === 0) ||
            (c.silent.length > 0 &&
              c.silent.every(
                (v) =>
                  c.series.some(([sel]) => sel.includes(`"${v}"`)) &&
                  !c.checks.some((k) => k.active.some((x) => Object.values(x).includes(v))),
              )),
        );
      expect({ alert, fires, silent }).toEqual({ alert, fires: true, silent: true });
    }
    // The generated file is what the tests load.
    expect(readFileSync(ruleFiles[1]!, 'utf8')).toContain(`alert: ${alerts[0]}`);
  });

  it('unit tests show every SLO burn-rate window pair firing and staying silent', () => {
    const burn = alertRules().groups.flatMap((g) =>
      g.rules.filter((r) => r.labels.burn_rate !== undefined),
    );
    expect(burn.length).toBe(6);
    // (The per-tool rules share the expressions' shape; perToolSloCases shows them firing.)
    for (const rule of burn) {
      const pair = rule.labels.burn_rate!;
      const checks = allCases.flatMap((c) => c.checks).filter((k) => k.alert === rule.alert);
      const fires = checks.some((k) =>
        k.active.some((x) => x.burn_rate === pair && (x.alertstate ?? 'firing') === 'firing'),
      );
      // A check at which some job fed to the case is not active on this pair.
      const silent = allCases.some((c) =>
        c.checks.some(
          (k) =>
            k.alert === rule.alert &&
            c.series.some(([sel]) => {
              const job = /job="([^"]+)"/.exec(sel)![1]!;
              return !k.active.some((x) => x.job === job && x.burn_rate === pair);
            }),
        ),
      );
      expect({ alert: rule.alert, pair, fires, silent }).toEqual({
        alert: rule.alert,
        pair,
        fires: true,
        silent: true,
      });
    }
  });

  it.each(allCases.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, testCase) => {
      const res = await runPromtoolTests(ruleFiles, [testCase]);
      expect(res.ok, res.output).toBe(true);
      expect(res.output).toContain('SUCCESS');
    },
    PROMTOOL_TIMEOUT,
  );

  it.each(perToolCases.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, testCase) => {
      const res = await runPromtoolTests(perToolFiles, [testCase]);
      expect(res.ok, res.output).toBe(true);
      expect(res.output).toContain('SUCCESS');
    },
    PROMTOOL_TIMEOUT,
  );
});
