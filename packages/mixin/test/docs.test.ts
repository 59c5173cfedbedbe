import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  alertRules,
  dashboards,
  defaultConfig,
  recordingRules,
  resolveConfig,
  runbookAnchor,
} from '../src/index.js';
import { sloWindows } from '../src/slo.js';

const docs = join(import.meta.dirname, '..', '..', '..', 'docs');

describe('docs', () => {
  it('docs/alerts.md has a runbook section for every alert, at the anchor its runbook_url names', () => {
    const md = readFileSync(join(docs, 'alerts.md'), 'utf8');
    const headings = [...md.matchAll(/^## (\S+)$/gm)].map((m) => m[1]!);
    // Every alert name, with the opt-in per-tool SLO alerts; one name per SLO has a rule per window pair.
    const alerts = [
      ...new Set(
        alertRules({ slo: { perTool: true } }).groups.flatMap((g) => g.rules.map((r) => r.alert)),
      ),
    ];
    expect(headings.sort()).toEqual([...alerts].sort());
    for (const a of alerts) expect(runbookAnchor(a)).toBe(a.toLowerCase());
  });

  it.each(Object.entries(dashboards()))('docs/dashboards/%s.md explains every panel', (name, d) => {
    const md = readFileSync(join(docs, 'dashboards', `${name}.md`), 'utf8');
    const rows = [...md.matchAll(/^\|\s*([^|]+?)\s*\|/gm)]
      .map((m) => m[1]!)
      .filter((t) => t !== 'Panel' && !t.startsWith('-'));
    const titles = (d.panels ?? []).filter((p) => p.type !== 'row').map((p) => p.title);
    expect(rows).toEqual(titles);
  });

  it('the package README names every setting and alert, and counts the rules right', () => {
    const md = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const c = defaultConfig();
    for (const key of Object.keys(c).filter((k) => k !== 'alerts'))
      expect(md).toContain(`\`${key}\``);
    for (const [name, settings] of Object.entries(c.slo)) {
      const row = md.split('\n').find((l) => l.startsWith(`| \`slo.${name}\``));
      if (typeof settings !== 'object') expect(row, `slo.${name}`).toBeDefined();
      else if (name === 'burnRates')
        for (const [pair, b] of Object.entries(settings)) {
          const r = md.split('\n').find((l) => l.startsWith(`| \`slo.burnRates.${pair}\``))!;
          for (const key of Object.keys(b).filter((k) => k !== 'severity'))
            expect(r, `slo.burnRates.${pair}.${key}`).toContain(`\`${key}\``);
        }
      else
        for (const key of Object.keys(settings))
          expect(row, `slo.${name}.${key}`).toContain(`\`${key}\``);
    }
    for (const [name, settings] of Object.entries(c.alerts)) {
      expect(md).toContain(`\`alerts.${name}\``);
      const row = md.split('\n').find((l) => l.includes(`\`alerts.${name}\``))!;
      for (const key of Object.keys(settings).filter((k) => k !== 'severity'))
        expect(row, `${name}.${key}`).toContain(`\`${key}\``);
    }
    const rules = alertRules().groups.flatMap((g) => g.rules.map((r) => r.alert));
    const alerts = [...new Set(rules)];
    for (const a of alerts) expect(md).toContain(a);
    expect(md).toContain(`${alerts.length} alerts (${rules.length} rules`);
    expect(md).toContain(
      `${recordingRules().groups.flatMap((g) => g.rules).length} recording rules`,
    );
    expect(md).toContain(`${Object.keys(dashboards()).length} dashboards`);
  });

  it('the package README has a reference row for every recorded series', () => {
    const md = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const rows = new Set([...md.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1]!));
    const config = { slo: { perTool: true } } as const;
    const windows = [defaultConfig().rateWindow, ...sloWindows(resolveConfig(config))];
    const suffix = new RegExp(`(rate|remaining)(${windows.join('|')})$`);
    const names = recordingRules(config).groups.flatMap((g) =>
      g.rules.map((r) => r.record.replace(suffix, '$1<w>')),
    );
    expect(names.filter((n) => !rows.has(n))).toEqual([]);
    expect([...rows].filter((r) => r.includes(':') && !names.includes(r))).toEqual([]);
  });
});
