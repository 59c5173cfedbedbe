import { describe, expect, it } from 'vitest';
import { dashboards } from '../src/index.js';

type Json = Record<string, any>;
const all = Object.entries(dashboards()) as [string, Json][];
const panelsOf = (d: Json): Json[] => d.panels.filter((p: Json) => p.type !== 'row');

describe('dashboards', () => {
  it.each(all)(
    '%s has variables for datasource and job, reading the picked Prometheus',
    (_name, d) => {
      const vars = d.templating.list.map((v: Json) => v.name);
      expect(vars.slice(0, 2)).toEqual(['datasource', 'job']);
      for (const v of d.templating.list.slice(1)) expect(v.datasource.uid).toBe('${datasource}');
    },
  );

  it('MCP dashboards have a tool variable; the drill-down picks one tool', () => {
    const d = dashboards();
    const tool = (x: Json) => x.templating.list.find((v: Json) => v.name === 'tool');
    expect(tool(d['mcp-overview'] as Json).multi).toBe(true);
    expect(tool(d['mcp-tool'] as Json).multi).toBe(false);
  });

  it.each(all)(
    '%s: every panel has a title, a description and queries on $datasource filtered by $job',
    (_name, d) => {
      for (const p of panelsOf(d)) {
        expect(p.title).toBeTruthy();
        expect(p.description, p.title).toBeTruthy();
        expect(p.datasource.uid).toBe('${datasource}');
        expect(p.targets.length, p.title).toBeGreaterThan(0);
        for (const t of p.targets) {
          expect(t.refId).toMatch(/^[A-Z]$/);
          // Every panel follows the job picker, except the fleet-wide monthly forecast.
          if (!t.expr.startsWith('predict_linear'))
            expect(t.expr, p.title).toContain('job=~"$job"');
        }
      }
    },
  );

  it.each(all)('%s never filters on an SDK-name label', (_name, d) => {
    expect(JSON.stringify(d)).not.toMatch(
      /telemetry_sdk|otel_scope_name|instrumentation_scope|mcpmeter_sdk/,
    );
  });

  it('the tool drill-down heatmap asks for exemplars on the raw histogram', () => {
    const heatmap = panelsOf(dashboards()['mcp-tool'] as Json).find((p) => p.type === 'heatmap')!;
    expect(heatmap.targets[0].exemplar).toBe(true);
    expect(heatmap.targets[0].format).toBe('heatmap');
    expect(heatmap.targets[0].expr).toContain('mcp_server_operation_duration_seconds_bucket{');
  });

  it('panel ids are unique within a dashboard and positions do not overlap', () => {
    for (const [, d] of all) {
      const cells = new Set<string>();
      for (const p of d.panels) {
        const { x, y, w, h } = p.gridPos;
        for (let i = x; i < x + w; i++)
          for (let j = y; j < y + h; j++) {
            expect(cells.has(`${i},${j}`), p.title).toBe(false);
            cells.add(`${i},${j}`);
          }
      }
    }
  });
});

describe('panel ids', () => {
  it.each(all)('%s numbers its panels 1..n', (_name, d) => {
    expect(d.panels.map((p: Json) => p.id)).toEqual(d.panels.map((_: Json, i: number) => i + 1));
  });
});
