/*
 * The mixin's SLOs as input for other SLO tools, from the same settings:
 * a Sloth `prometheus/v1` spec (https://sloth.dev/specs/prometheus-v1/) and
 * OpenSLO v1 `SLO` documents (https://github.com/OpenSLO/OpenSLO#slo).
 */
import { stringify } from 'yaml';
import {
  resolveConfig,
  type BurnRate,
  type MixinConfig,
  type PartialMixinConfig,
} from './config.js';
import { L, MCP_SERVER_DURATION, TOOLS_CALL } from './metrics.js';
import { by, num, sel } from './promql.js';
import {
  SLO_ERROR,
  SLO_KINDS,
  sloLatencyBoundary,
  sloLeMatcher,
  type SloKind,
  type SloLevel,
} from './slo.js';

/** The `service` of the Sloth spec and the OpenSLO `Service` the SLOs belong to. */
export const SLO_SERVICE = 'mcp-servers';

interface SliQueries {
  /** PromQL of the bad events; `window` is the range selector's duration (a placeholder for Sloth). */
  bad: (window: string) => string;
  total: (window: string) => string;
}

function levelsOf(c: MixinConfig): SloLevel[] {
  return c.slo.perTool ? ['job', 'tool'] : ['job'];
}

/** The SLI of one SLO: bad and total requests per `job` (and tool), as rates over `window`. */
function sli(c: MixinConfig, kind: SloKind, level: SloLevel, counter = false): SliQueries {
  const keep = level === 'job' ? ['job'] : ['job', L.tool];
  const scope = level === 'job' ? [] : [`${L.method}="${TOOLS_CALL}"`];
  const series = (metric: string, ...m: string[]) => sel(metric, c.selector, ...scope, ...m);
  // OpenSLO asks for the counters themselves (`counter: true`), Sloth for rates over its windows.
  const sum = (metric: string, w: string, ...m: string[]) =>
    counter
      ? `sum ${by(keep)} (${series(metric, ...m)})`
      : `sum ${by(keep)} (rate(${series(metric, ...m)}[${w}]))`;
  const count = `${MCP_SERVER_DURATION}_count`;
  if (kind === 'availability')
    return { bad: (w) => sum(count, w, SLO_ERROR), total: (w) => sum(count, w) };
  const leMatcher = sloLeMatcher(c.slo.latency.thresholdSeconds);
  return {
    bad: (w) => `(${sum(count, w)} - ${sum(`${MCP_SERVER_DURATION}_bucket`, w, leMatcher)})`,
    total: (w) => sum(count, w),
  };
}

function sloName(kind: SloKind, level: SloLevel): string {
  return `${level === 'tool' ? 'tool-' : ''}requests-${kind}`;
}

function describe(c: MixinConfig, kind: SloKind, level: SloLevel): string {
  const per = level === 'job' ? 'per MCP server (job)' : 'per MCP tool (job, gen_ai_tool_name)';
  return kind === 'availability'
    ? `${num(c.slo.availability.objective * 100)}% of MCP requests do not fail by a fault of the server, ${per}.`
    : `${num(c.slo.latency.objective * 100)}% of MCP requests answer within ${num(sloLatencyBoundary(c.slo.latency.thresholdSeconds))}s, ${per}.`;
}

function alertName(kind: SloKind, level: SloLevel): string {
  return `Mcp${level === 'tool' ? 'Tool' : ''}${kind === 'availability' ? 'Availability' : 'Latency'}Slo`;
}

/**
 * A Sloth `prometheus/v1` spec with the mixin's SLOs. Sloth generates its own
 * recording and alert rules (page on 1h/5m at 14.4x and 6h/30m at 6x, ticket on
 * 3d/6h at 1x over its 30-day period; `sloth generate --default-slo-period`
 * for another period), so `slo.burnRates` are not carried over. The queries keep
 * `job` (and the tool): Sloth divides the two and each label set is an SLO of its own.
 */
export function slothSpec(config: PartialMixinConfig = {}): Record<string, unknown> {
  const c = resolveConfig(config);
  const slos = levelsOf(c).flatMap((level) =>
    SLO_KINDS.map((kind) => {
      const q = sli(c, kind, level);
      return {
        name: sloName(kind, level),
        objective: Number(num(c.slo[kind].objective * 100)),
        description: describe(c, kind, level),
        sli: { events: { error_query: q.bad('{{.window}}'), total_query: q.total('{{.window}}') } },
        alerting: {
          name: alertName(kind, level),
          labels: { slo: kind },
          annotations: {
            runbook_url: `${c.runbookUrl}#${alertName(kind, level).toLowerCase()}burnrate`,
          },
          page_alert: { labels: { severity: c.slo.burnRates.fast.severity } },
          ticket_alert: { labels: { severity: c.slo.burnRates.slow.severity } },
        },
      };
    }),
  );
  return { version: 'prometheus/v1', service: SLO_SERVICE, labels: { owner: 'mcpmeter' }, slos };
}

export function slothSpecYaml(config: PartialMixinConfig = {}): string {
  return stringify(slothSpec(config), { lineWidth: 0 });
}

function alertPolicy(name: string, pair: string, b: BurnRate): Record<string, unknown> {
  return {
    kind: 'AlertPolicy',
    metadata: { name: `${name}-${pair}-burn` },
    spec: {
      description: `Burn rate ${num(b.factor)}x over ${b.longWindow} (the mixin also requires it over ${b.shortWindow}).`,
      alertWhenBreaching: true,
      conditions: [
        {
          kind: 'AlertCondition',
          metadata: { name: `${name}-${pair}-burn-rate` },
          spec: {
            severity: b.severity,
            condition: {
              kind: 'burnrate',
              threshold: b.factor,
              lookbackWindow: b.longWindow,
              alertAfter: b.for === '0s' ? '1m' : b.for,
            },
          },
        },
      ],
      notificationTargets: [{ targetRef: notificationTargetName(b.severity) }],
    },
  };
}

/** One notification target per severity: route them as the `severity` label of the mixin's alerts. */
function notificationTargetName(severity: string): string {
  return `mcpmeter-${severity}`;
}

/**
 * OpenSLO v1 documents: the `Service`, an `AlertNotificationTarget` per severity and one `SLO` per SLO, each with a ratio
 * indicator on the Prometheus counters (`counter: true`, bad over total), a
 * rolling `slo.period` window and an inline alert policy per burn-rate pair
 * (OpenSLO has one lookback window per condition: the short window is not carried).
 */
export function openSlo(config: PartialMixinConfig = {}): Record<string, unknown>[] {
  const c = resolveConfig(config);
  const service = {
    apiVersion: 'openslo/v1',
    kind: 'Service',
    metadata: { name: SLO_SERVICE, displayName: 'MCP servers' },
    spec: { description: 'MCP servers instrumented with mcpmeter (one SLO per job label value).' },
  };
  const slos = levelsOf(c).flatMap((level) =>
    SLO_KINDS.map((kind) => {
      const q = sli(c, kind, level, true);
      const name = `mcp-${sloName(kind, level)}`;
      const source = (query: string) => ({
        metricSource: { type: 'Prometheus', spec: { query } },
      });
      return {
        apiVersion: 'openslo/v1',
        kind: 'SLO',
        metadata: { name, displayName: describe(c, kind, level) },
        spec: {
          description: describe(c, kind, level),
          service: SLO_SERVICE,
          indicator: {
            metadata: { name: `${name}-sli` },
            spec: {
              ratioMetric: { counter: true, bad: source(q.bad('')), total: source(q.total('')) },
            },
          },
          timeWindow: [{ duration: c.slo.period, isRolling: true }],
          budgetingMethod: 'Occurrences',
          objectives: [{ displayName: describe(c, kind, level), target: c.slo[kind].objective }],
          alertPolicies: Object.entries(c.slo.burnRates).map(([pair, b]) =>
            alertPolicy(name, pair, b),
          ),
        },
      };
    }),
  );
  const severities = [...new Set(Object.values(c.slo.burnRates).map((b) => b.severity))];
  const targets = severities.map((severity) => ({
    apiVersion: 'openslo/v1',
    kind: 'AlertNotificationTarget',
    metadata: { name: notificationTargetName(severity) },
    spec: {
      description: `Where alerts with severity=${severity} go (the mixin's burn-rate alerts carry the same label).`,
      target: `alertmanager severity=${severity}`,
    },
  }));
  return [service, ...targets, ...slos];
}

/** The OpenSLO documents as one multi-document YAML stream. */
export function openSloYaml(config: PartialMixinConfig = {}): string {
  return openSlo(config)
    .map((d) => stringify(d, { lineWidth: 0 }))
    .join('---\n');
}
