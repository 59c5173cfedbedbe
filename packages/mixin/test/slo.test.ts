import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import {
  MixinConfigError,
  alertRules,
  openSlo,
  openSloYaml,
  recordingRules,
  resolveConfig,
  slothSpec,
  slothSpecYaml,
  sloLatencyBoundary,
} from '../src/index.js';

type Json = Record<string, any>;

describe('SLO settings', () => {
  it('the latency threshold follows alerts.latency.p95Seconds unless set', () => {
    expect(resolveConfig().slo.latency.thresholdSeconds).toBe(5);
    expect(
      resolveConfig({ alerts: { latency: { p95Seconds: 2 } } }).slo.latency.thresholdSeconds,
    ).toBe(2);
    expect(
      resolveConfig({
        alerts: { latency: { p95Seconds: 2 } },
        slo: { latency: { thresholdSeconds: 10 } },
      }).slo.latency.thresholdSeconds,
    ).toBe(10);
  });

  it('a threshold between bucket boundaries counts from the boundary below it', () => {
    expect(sloLatencyBoundary(5)).toBe(5);
    expect(sloLatencyBoundary(3)).toBe(2);
    expect(sloLatencyBoundary(0.25)).toBe(0.2);
    expect(sloLatencyBoundary(0.001)).toBe(0.01);
    expect(sloLatencyBoundary(1000)).toBe(300);
    const rules = recordingRules({ slo: { latency: { thresholdSeconds: 0.3 } } });
    const latency = rules.groups
      .flatMap((g) => g.rules)
      .find((r) => r.record === 'job:mcp_server_latency_slo_errors:ratio_rate5m')!;
    expect(latency.expr).toContain('le="0.2"');
    const alert = alertRules({ slo: { latency: { thresholdSeconds: 0.3 } } })
      .groups.flatMap((g) => g.rules)
      .find((r) => r.alert === 'McpLatencySloBurnRate')!;
    expect(alert.annotations.description).toContain('slower than 0.2s');
  });

  it('the le matcher takes the boundary as Prometheus 2 ("5") and 3 ("5.0") write it, and no other bucket', () => {
    const les = [
      '0.01',
      '0.02',
      '0.05',
      '0.1',
      '0.2',
      '0.5',
      '1',
      '2',
      '5',
      '10',
      '30',
      '60',
      '120',
      '300',
    ];
    for (const threshold of [0.01, 0.5, 1, 2, 5, 10, 30, 300]) {
      const expr = recordingRules({ slo: { latency: { thresholdSeconds: threshold } } })
        .groups.flatMap((g) => g.rules)
        .find((r) => r.record === 'job:mcp_server_latency_slo_errors:ratio_rate5m')!.expr;
      const m = /le(=~?)"([^"]+)"/.exec(expr)!;
      const re = new RegExp(`^(?:${m[1] === '=~' ? m[2]! : m[2]!.replace(/\./g, '\\.')})$`);
      const written = [
        ...les,
        ...les.filter((l) => !l.includes('.')).map((l) => `${l}.0`),
        '500',
        '5x0',
      ];
      expect(written.filter((l) => re.test(l)).sort(), String(threshold)).toEqual(
        [String(threshold), ...(Number.isInteger(threshold) ? [`${threshold}.0`] : [])].sort(),
      );
    }
  });

  it.each([
    [
      { slo: { availability: { objective: 1 } } },
      /"slo.availability.objective" is 1; use a ratio above 0 and below 1/,
    ],
    [{ slo: { perTool: 'yes' } }, /"slo.perTool" is "yes"; use true or false/],
    [
      { slo: { burnRates: { fast: { longWindow: 'hour' } } } },
      /"slo.burnRates.fast.longWindow" .* Prometheus duration/,
    ],
    [
      { slo: { burnRates: { fastest: {} } } },
      /unknown setting "slo.burnRates.fastest"; known settings here: fast, medium, slow/,
    ],
  ])('rejects %j', (bad, message) => {
    expect(() => resolveConfig(bad as never)).toThrow(MixinConfigError);
    expect(() => resolveConfig(bad as never)).toThrow(message);
  });

  it('burn-rate pairs, objective and period come from the settings', () => {
    const config = {
      slo: {
        period: '28d',
        availability: { objective: 0.999 },
        burnRates: { fast: { longWindow: '2h', shortWindow: '10m', factor: 10 } },
      },
    };
    const alerts = alertRules(config).groups.flatMap((g) => g.rules);
    const fast = alerts.find(
      (r) => r.alert === 'McpAvailabilitySloBurnRate' && r.labels.burn_rate === 'fast',
    )!;
    expect(fast.expr).toBe(
      'job:mcp_server_availability_slo_errors:ratio_rate2h > 0.01\nand on (job) job:mcp_server_availability_slo_errors:ratio_rate10m > 0.01',
    );
    const records = recordingRules(config).groups.flatMap((g) => g.rules.map((r) => r.record));
    for (const w of ['10m', '2h', '6h', '30m', '3d', '28d'])
      expect(records).toContain(`job:mcp_server_availability_slo_errors:ratio_rate${w}`);
    expect(records).not.toContain('job:mcp_server_availability_slo_errors:ratio_rate1h');
    expect(records).toContain('job:mcp_server_availability_slo_error_budget:ratio_remaining28d');
  });

  it('per-tool SLOs are opt-in', () => {
    const names = (c: object) => alertRules(c).groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(names({})).not.toContain('McpToolAvailabilitySloBurnRate');
    expect(names({ slo: { perTool: true } })).toEqual(
      expect.arrayContaining(['McpToolAvailabilitySloBurnRate', 'McpToolLatencySloBurnRate']),
    );
    const tool = recordingRules({ slo: { perTool: true } })
      .groups.flatMap((g) => g.rules)
      .find((r) => r.record === 'job_tool:mcp_server_tool_availability_slo_errors:ratio_rate1h')!;
    expect(tool.expr).toContain('sum by (job, gen_ai_tool_name)');
    expect(tool.expr).toContain('mcp_method_name="tools/call"');
  });
});

describe('Sloth and OpenSLO output', () => {
  it('Sloth: a prometheus/v1 spec with windowed queries, objectives in percent and page/ticket alerts', () => {
    const spec = parse(slothSpecYaml({ slo: { perTool: true } })) as Json;
    expect(spec).toEqual(slothSpec({ slo: { perTool: true } }));
    expect(spec.version).toBe('prometheus/v1');
    expect(spec.service).toMatch(/^[a-z0-9-]+$/);
    expect(spec.slos.map((s: Json) => s.name)).toEqual([
      'requests-availability',
      'requests-latency',
      'tool-requests-availability',
      'tool-requests-latency',
    ]);
    for (const slo of spec.slos as Json[]) {
      expect(Object.keys(slo).sort()).toEqual([
        'alerting',
        'description',
        'name',
        'objective',
        'sli',
      ]);
      expect(slo.objective).toBeGreaterThan(0);
      expect(slo.objective).toBeLessThan(100);
      for (const q of [slo.sli.events.error_query, slo.sli.events.total_query])
        expect(q).toContain('[{{.window}}]');
      expect(slo.alerting.name).toMatch(/^[A-Za-z]+$/);
      expect(slo.alerting.page_alert.labels.severity).toBe('critical');
      expect(slo.alerting.ticket_alert.labels.severity).toBe('warning');
    }
    expect(spec.slos[0].objective).toBe(99);
    expect(spec.slos[1].objective).toBe(95);
    expect(spec.slos[1].sli.events.error_query).toContain('le=~"5|5[.]0"');
  });

  it('OpenSLO: a Service and v1 SLOs with ratio indicators, the period and a policy per burn-rate pair', () => {
    const docs = parseAllDocuments(openSloYaml()).map((d) => d.toJS() as Json);
    expect(docs).toEqual(openSlo());
    expect(docs.map((d) => d.kind)).toEqual([
      'Service',
      'AlertNotificationTarget',
      'AlertNotificationTarget',
      'SLO',
      'SLO',
    ]);
    const rfc1123 = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
    const targets = docs.filter((d) => d.kind === 'AlertNotificationTarget');
    for (const d of docs) {
      expect(d.apiVersion).toBe('openslo/v1');
      expect(d.metadata.name).toMatch(rfc1123);
    }
    for (const t of targets) expect(t.spec.target).toBeTruthy();
    for (const slo of docs.filter((d) => d.kind === 'SLO')) {
      for (const policy of slo.spec.alertPolicies) {
        expect(policy.kind).toBe('AlertPolicy');
        expect(policy.metadata.name).toMatch(rfc1123);
        expect(policy.spec.conditions).toHaveLength(1);
        expect(policy.spec.conditions[0].metadata.name).toMatch(rfc1123);
        expect(policy.spec.conditions[0].spec.severity).toBeTruthy();
        for (const n of policy.spec.notificationTargets)
          expect(targets.map((t) => t.metadata.name)).toContain(n.targetRef);
      }
      expect(slo.spec.service).toBe(docs[0]!.metadata.name);
      const ratio = slo.spec.indicator.spec.ratioMetric;
      expect(ratio.counter).toBe(true);
      for (const part of [ratio.bad, ratio.total]) {
        expect(part.metricSource.type).toBe('Prometheus');
        expect(part.metricSource.spec.query).toMatch(/^\(?sum by \(job\)/);
        expect(part.metricSource.spec.query).not.toContain('rate(');
      }
      expect(slo.spec.timeWindow).toEqual([{ duration: '30d', isRolling: true }]);
      expect(slo.spec.budgetingMethod).toBe('Occurrences');
      expect(slo.spec.objectives[0].target).toBeGreaterThan(0);
      expect(slo.spec.objectives[0].target).toBeLessThan(1);
      const conditions = slo.spec.alertPolicies.map(
        (p: Json) => p.spec.conditions[0].spec.condition,
      );
      expect(conditions).toEqual([
        { kind: 'burnrate', threshold: 14.4, lookbackWindow: '1h', alertAfter: '2m' },
        { kind: 'burnrate', threshold: 6, lookbackWindow: '6h', alertAfter: '15m' },
        { kind: 'burnrate', threshold: 1, lookbackWindow: '3d', alertAfter: '1h' },
      ]);
    }
  });

  it('the CLI prints both', async () => {
    const cli = join(import.meta.dirname, '..', 'dist', 'cli.mjs');
    const run = (...a: string[]) => promisify(execFile)(process.execPath, [cli, ...a]);
    const sloth = parse((await run('sloth', '--set', 'slo.perTool=true')).stdout) as Json;
    expect(sloth.slos).toHaveLength(4);
    const open = parseAllDocuments((await run('openslo')).stdout);
    expect(open.map((d) => (d.toJS() as Json).kind).filter((k) => k === 'SLO')).toHaveLength(2);
  });
});
