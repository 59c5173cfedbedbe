import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertRules } from '../src/index.js';
import { llmCases } from './promtool/cases-llm.js';
import { mcpCases } from './promtool/cases-mcp.js';
import { platformCases } from './promtool/cases-platform.js';
import { promtool, runPromtoolTests, type PromtoolCase } from './promtool/harness.js';

const generated = join(import.meta.dirname, '..', 'generated');
const ruleFiles = [join(generated, 'rules.yml'), join(generated, 'alerts.yml')];
const allCases: PromtoolCase[] = [...mcpCases, ...llmCases, ...platformCases];

describe('promtool', () => {
  it('check rules accepts the generated rule files', async () => {
    const res = await promtool(['check', 'rules', ...ruleFiles]);
    expect(res.output).toContain('SUCCESS');
    expect(res.ok, res.output).toBe(true);
  });

  it('unit tests cover every alert, each both firing and staying silent', () => {
    const alerts = alertRules().groups.flatMap((g) => g.rules.map((r) => r.alert));
    for (const alert of alerts) {
      const checks = allCases.flatMap((c) => c.checks).filter((c) => c.alert === alert);
      const fires = checks.some((c) =>
        c.active.some((x) => (x.alertstate ?? 'firing') === 'firing'),
      );
      const cases = allCases.filter((c) => c.checks.some((k) => k.alert === alert));
      const silent = cases.some(
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

  it.each(allCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const res = await runPromtoolTests(ruleFiles, [testCase]);
    expect(res.ok, res.output).toBe(true);
    expect(res.output).toContain('SUCCESS');
  });
});
