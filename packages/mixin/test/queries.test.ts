/*
 * Every panel query (with Grafana variables substituted), recording rule and
 * alert expression is accepted by a real Prometheus with the rules loaded.
 * Whether each one returns data from live instrumented processes is the
 * end-to-end test's job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, type RunningPrometheus } from '../../../test-utils/prometheus.js';
import {
  dashboardQueries,
  evaluate,
  ruleQueries,
  substitute,
} from '../../../test-utils/mixin-queries.js';
import { alertRules, dashboards, recordingRules, ruleFileYaml } from '../src/index.js';

const vars = { datasource: 'prometheus', job: '.+', tool: 'search', provider: '.+', model: '.+' };
const queries = [
  ...Object.entries(dashboards()).flatMap(([name, d]) => dashboardQueries(name, d as never, vars)),
  ...ruleQueries(recordingRules()),
  ...ruleQueries(alertRules()),
];

let prom: RunningPrometheus;
beforeAll(async () => {
  prom = await startPrometheus({
    targets: [{ job: 'self', target: '127.0.0.1:1' }],
    rules: [ruleFileYaml(recordingRules()), ruleFileYaml(alertRules())],
  });
});
afterAll(() => prom?.stop());

describe('mixin queries', () => {
  it('substitutes Grafana variables and refuses unknown ones', () => {
    expect(
      substitute('rate(x{job=~"$job"}[$__rate_interval]) ${tool}', { job: 'a', tool: 't' }),
    ).toBe('rate(x{job=~"a"}[1m]) t');
    expect(() => substitute('x{a="$nope"}', {})).toThrow(/\$nope/);
    expect(substitute('label_replace(x, "m", "$1", "__name__", "(.+)")', {})).toContain('"$1"');
  });

  it('collects every panel target, recording rule and alert', () => {
    const panels = Object.values(dashboards()).flatMap((d) =>
      (d.panels ?? []).flatMap((p) => (p as { targets?: unknown[] }).targets ?? []),
    );
    const rules = [...recordingRules().groups, ...alertRules().groups].flatMap(
      (g) => g.rules as { expr: string }[],
    );
    expect(queries).toHaveLength(panels.length + rules.length);
  });

  it('Prometheus loads the rules and parses every query', async () => {
    const groups = await prom.api<{
      groups: { rules: { health: string; lastError?: string }[] }[];
    }>('/api/v1/rules');
    expect(groups.groups.flatMap((g) => g.rules)).toHaveLength(
      queries.filter((q) => q.kind !== 'panel').length,
    );
    const errors = (await evaluate(prom, queries))
      .filter((r) => r.error)
      .map((r) => `${r.query.id}: ${r.error}`);
    expect(errors).toEqual([]);
  });
});
