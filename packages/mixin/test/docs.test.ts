import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  alertRules,
  dashboards,
  defaultConfig,
  recordingRules,
  runbookAnchor,
} from '../src/index.js';

const docs = join(import.meta.dirname, '..', '..', '..', 'docs');

describe('docs', () => {
  it('docs/alerts.md has a runbook section for every alert, at the anchor its runbook_url names', () => {
    const md = readFileSync(join(docs, 'alerts.md'), 'utf8');
    const headings = [...md.matchAll(/^## (\S+)$/gm)].map((m) => m[1]!);
    const alerts = alertRules().groups.flatMap((g) => g.rules.map((r) => r.alert));
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
    for (const [name, settings] of Object.entries(c.alerts)) {
      expect(md).toContain(`\`alerts.${name}\``);
      const row = md.split('\n').find((l) => l.includes(`\`alerts.${name}\``))!;
      for (const key of Object.keys(settings).filter((k) => k !== 'severity'))
        expect(row, `${name}.${key}`).toContain(`\`${key}\``);
    }
    const alerts = alertRules().groups.flatMap((g) => g.rules.map((r) => r.alert));
    for (const a of alerts) expect(md).toContain(a);
    expect(md).toContain(`${alerts.length} alerts`);
    expect(md).toContain(
      `${recordingRules().groups.flatMap((g) => g.rules).length} recording rules`,
    );
    expect(md).toContain(`${Object.keys(dashboards()).length} dashboards`);
  });
});
