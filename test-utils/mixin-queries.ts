/*
 * Every PromQL expression of the mixin — dashboard panel targets with their
 * Grafana variables substituted, recording rules and alert rules — and a way
 * to evaluate them all through a real Prometheus' HTTP API. The end-to-end
 * test uses it to prove no panel, rule or alert is inert.
 */
import type { RunningPrometheus, PromSample } from './prometheus.js';

export interface MixinQuery {
  /** `dashboard/panel/refId`, `record:<name>` or `alert:<name>` */
  id: string;
  kind: 'panel' | 'record' | 'alert';
  expr: string;
}

export interface GrafanaVars {
  /** Values for `$name` / `${name}`; a multi variable gets a regex such as `.+`. */
  [name: string]: string;
}

/**
 * Replaces Grafana's built-in and template variables the way Grafana does before it sends a query.
 * `$1` (a label_replace group) is not a variable and stays.
 */
export function substitute(expr: string, vars: GrafanaVars): string {
  const all: GrafanaVars = { __rate_interval: '1m', __interval: '15s', __range: '1h', ...vars };
  return expr.replace(
    /\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g,
    (m, a: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      if (!(name in all)) throw new Error(`no value for Grafana variable $${name} in: ${expr}`);
      return all[name]!;
    },
  );
}

interface PanelLike {
  title?: string;
  type?: string;
  targets?: { refId?: string; expr?: string }[];
  panels?: PanelLike[];
}

export function dashboardQueries(
  name: string,
  dashboard: { panels?: PanelLike[] },
  vars: GrafanaVars,
): MixinQuery[] {
  const out: MixinQuery[] = [];
  const visit = (panels: PanelLike[] = []) => {
    for (const p of panels) {
      visit(p.panels);
      for (const t of p.targets ?? []) {
        if (!t.expr) continue;
        out.push({
          id: `${name}/${p.title}/${t.refId}`,
          kind: 'panel',
          expr: substitute(t.expr, vars),
        });
      }
    }
  };
  visit(dashboard.panels);
  return out;
}

interface RuleLike {
  expr: string;
  record?: string;
  alert?: string;
  labels?: Record<string, string>;
}

export function ruleQueries(file: { groups: { rules: RuleLike[] }[] }): MixinQuery[] {
  return file.groups.flatMap((g) =>
    g.rules.map((r): MixinQuery => {
      const rule = r;
      return rule.record
        ? {
            id: `record:${rule.record}${rule.labels?.quantile ? `{quantile=${rule.labels.quantile}}` : ''}`,
            kind: 'record',
            expr: rule.expr,
          }
        : { id: `alert:${rule.alert}`, kind: 'alert', expr: rule.expr };
    }),
  );
}

export interface QueryResult {
  query: MixinQuery;
  samples: PromSample[];
  error?: string;
}

/** Evaluates each query once (instant query, now) and returns what came back. */
export async function evaluate(
  prom: RunningPrometheus,
  queries: MixinQuery[],
): Promise<QueryResult[]> {
  const results: QueryResult[] = [];
  for (const query of queries) {
    try {
      results.push({ query, samples: await prom.query(query.expr) });
    } catch (err) {
      results.push({ query, samples: [], error: (err as Error).message });
    }
  }
  return results;
}
