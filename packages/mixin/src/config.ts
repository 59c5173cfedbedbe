/*
 * The user's thresholds and windows. Every field has a default; `resolveConfig`
 * merges a partial config over the defaults and rejects bad values with one
 * message that names the setting and the fix.
 */

export type Severity = 'critical' | 'warning' | 'info';

interface AlertBase {
  /** How long the condition must hold before the alert fires (Prometheus duration). */
  for: string;
  /** The `severity` label routed by Alertmanager. */
  severity: Severity;
}

export interface MixinConfig {
  /**
   * Extra label matchers added to every selector, e.g. `namespace="prod"` or
   * `job=~"mcp-.*"`. Empty means every series with the metric name.
   * @default ''
   */
  selector: string;
  /** Window of the recorded rates, ratios and quantiles. @default '5m' */
  rateWindow: string;
  /** Base URL of the runbook page; each alert links to `<runbookUrl>#<alert-anchor>`. */
  runbookUrl: string;
  alerts: {
    /** Error ratio of one tool over `window`, only when the tool served at least `minRequests` calls there. */
    toolErrorRatio: AlertBase & { ratio: number; minRequests: number; window: string };
    /** p95 / p99 latency per method and tool over `window`, with a minimum-traffic guard. */
    latency: AlertBase & {
      p95Seconds: number;
      p99Seconds: number;
      minRequests: number;
      window: string;
    };
    /** Ratio of LLM calls failing upstream (5xx, timeouts, 429) per provider. */
    llmUpstream: AlertBase & {
      ratio: number;
      minRequests: number;
      window: string;
      /** Anchored regex on `error_type` that counts as "upstream failing". */
      errorTypes: string;
    };
    /** Tokens consumed at a pace that would spend more than `tokensPerDay` in a day. */
    tokenBudget: AlertBase & { tokensPerDay: number; window: string };
    /** Rolling 30-day LLM spend forecast (predict_linear) to exceed `monthlyUsd` within `horizon`. */
    costBudget: AlertBase & { monthlyUsd: number; trendWindow: string; horizon: string };
    /** Calls to a model with no known price during `window`: their cost is missing from the budgets. */
    unpricedModel: AlertBase & { window: string };
    /** Spend over `window` more than `factor` times the same window `baselineOffset` ago. */
    costSpike: AlertBase & {
      factor: number;
      minUsd: number;
      window: string;
      /** `1d` compares with the same hour yesterday, `1w` with the same hour last week. */
      baselineOffset: string;
    };
    /**
     * LLM spend of one MCP tool (`gen_ai_client_cost_usd_total` by `gen_ai_tool_name`: LLM
     * calls made while the tool's handler, or an agent's `execute_tool`, ran) over `window`
     * above its budget: `usd` for every tool, `tools` overrides it per tool name. Calls made
     * outside any tool carry no tool name and never count.
     */
    toolCostBudget: AlertBase & { usd: number; window: string; tools: Record<string, number> };
    /**
     * Share of `tools/call` requests on a job that name a tool the server does not have
     * (`gen_ai_tool_name="_OTHER"`): the model is calling tools it imagines.
     */
    unknownTools: AlertBase & { ratio: number; minRequests: number; window: string };
    /**
     * Share of one tool's calls refused for invalid arguments (`error_type="-32602"`):
     * the model does not understand the tool's input schema.
     */
    invalidArguments: AlertBase & { ratio: number; minRequests: number; window: string };
    /**
     * A server's tool catalog changed after an instrumented client's session started (a
     * tool `changed` its description or schema, or was `added`): the rug-pull / tool-poisoning
     * warning, from `mcp_client_tool_catalog_changes_total`. Fires for `window` after a change.
     */
    clientToolCatalogChanged: AlertBase & {
      window: string;
      /** Anchored regex on `mcp_tool_change_kind` (`added`, `removed`, `changed`). */
      kinds: string;
    };
    /**
     * A server announced a different tool catalog at run time than at its first listing,
     * from `mcp_server_tool_catalog_changes_total` (in-process or `mcpmeter wrap`/`proxy`).
     */
    serverToolCatalogChanged: AlertBase & { window: string; kinds: string };
    /** In-flight MCP requests per instance above `max`. */
    activeRequests: AlertBase & { max: number };
    /** At least `minOpen` sessions open on a job that served no request during `idleWindow`. */
    stuckSessions: AlertBase & { minOpen: number; idleWindow: string };
    /** A series with `otel_metric_overflow="true"` exists: an instrument hit its cardinality limit. */
    cardinalityOverflow: AlertBase;
    /** A scrape target is down (`up == 0`). */
    targetDown: AlertBase;
    /** Event-loop delay p99 above `p99Seconds`. */
    eventLoopLag: AlertBase & { p99Seconds: number };
    /**
     * V8 heap in use (summed over heap spaces) above `ratio` of the heap limit the
     * process exports (`v8js_memory_heap_limit_bytes`, from `@mcpmeter/node`).
     */
    heap: AlertBase & { ratio: number };
  };
  /**
   * Service-level objectives per MCP server (`job`), and per tool when `perTool` is on,
   * with multi-window, multi-burn-rate alerts (Google SRE workbook, "Alerting on SLOs").
   */
  slo: {
    /** The error budget's period (the SLO window). @default '30d' */
    period: string;
    /**
     * SLOs per `{job, gen_ai_tool_name}` of `tools/call` as well: one more set of series per
     * tool and window, so it is opt-in. @default false
     */
    perTool: boolean;
    /** Share of requests that must not fail by a fault of the server. @default { objective: 0.99 } */
    availability: { objective: number };
    /**
     * Share of requests that must answer within `thresholdSeconds`. The threshold defaults to
     * `alerts.latency.p95Seconds` (with objective 0.95 the same promise as the p95 alert); a
     * value that is not a bucket boundary is rounded down to the boundary below it.
     * @default { objective: 0.95, thresholdSeconds: alerts.latency.p95Seconds }
     */
    latency: { objective: number; thresholdSeconds: number };
    /** The window pairs: an alert fires when both windows burn the budget `factor` times too fast. */
    burnRates: Record<BurnRateName, BurnRate>;
  };
}

export type BurnRateName = 'fast' | 'medium' | 'slow';

export interface BurnRate extends AlertBase {
  /** The long window: how much budget is gone. */
  longWindow: string;
  /** The short window: is it still burning (lets the alert resolve soon after a fix). */
  shortWindow: string;
  /** Burn rate: 1 spends the whole budget in exactly one `period`. */
  factor: number;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export type PartialMixinConfig = DeepPartial<MixinConfig>;

export const DEFAULT_RUNBOOK_URL = 'https://github.com/mcpmeter/mcpmeter/blob/main/docs/alerts.md';

export function defaultConfig(): MixinConfig {
  return {
    selector: '',
    rateWindow: '5m',
    runbookUrl: DEFAULT_RUNBOOK_URL,
    alerts: {
      toolErrorRatio: {
        ratio: 0.1,
        minRequests: 20,
        window: '10m',
        for: '5m',
        severity: 'warning',
      },
      latency: {
        p95Seconds: 5,
        p99Seconds: 15,
        minRequests: 20,
        window: '10m',
        for: '10m',
        severity: 'warning',
      },
      llmUpstream: {
        ratio: 0.1,
        minRequests: 10,
        window: '10m',
        for: '5m',
        severity: 'critical',
        errorTypes:
          '429|408|5[0-9][0-9]|timeout|connection_error|.*[Tt]ime[Oo]ut.*|RateLimitError|InternalServerError|APIConnectionError|OverloadedError|ServiceUnavailableError',
      },
      tokenBudget: { tokensPerDay: 50_000_000, window: '1h', for: '15m', severity: 'warning' },
      costBudget: {
        monthlyUsd: 1000,
        trendWindow: '6h',
        horizon: '7d',
        for: '30m',
        severity: 'warning',
      },
      costSpike: {
        factor: 3,
        minUsd: 1,
        window: '1h',
        baselineOffset: '1d',
        for: '15m',
        severity: 'warning',
      },
      unpricedModel: { window: '1h', for: '15m', severity: 'warning' },
      // Generous: one tool spending 100 USD a day is worth a look anywhere.
      toolCostBudget: { usd: 100, window: '1d', tools: {}, for: '15m', severity: 'warning' },
      unknownTools: {
        ratio: 0.05,
        minRequests: 20,
        window: '10m',
        for: '10m',
        severity: 'warning',
      },
      invalidArguments: {
        ratio: 0.1,
        minRequests: 20,
        window: '10m',
        for: '10m',
        severity: 'warning',
      },
      clientToolCatalogChanged: {
        window: '15m',
        kinds: 'changed|added',
        for: '0m',
        severity: 'warning',
      },
      serverToolCatalogChanged: {
        window: '15m',
        kinds: 'changed|added',
        for: '0m',
        severity: 'warning',
      },
      activeRequests: { max: 100, for: '5m', severity: 'warning' },
      stuckSessions: { minOpen: 5, idleWindow: '30m', for: '15m', severity: 'warning' },
      cardinalityOverflow: { for: '1m', severity: 'warning' },
      targetDown: { for: '5m', severity: 'critical' },
      eventLoopLag: { p99Seconds: 0.5, for: '5m', severity: 'warning' },
      heap: { ratio: 0.9, for: '5m', severity: 'critical' },
    },
    slo: {
      period: '30d',
      perTool: false,
      availability: { objective: 0.99 },
      latency: { objective: 0.95, thresholdSeconds: 5 },
      // https://sre.google/workbook/alerting-on-slos/ (table 5-8): 2% of the budget in 1h,
      // 5% in 6h page; 10% in 3d is a ticket.
      burnRates: {
        fast: {
          longWindow: '1h',
          shortWindow: '5m',
          factor: 14.4,
          for: '2m',
          severity: 'critical',
        },
        medium: {
          longWindow: '6h',
          shortWindow: '30m',
          factor: 6,
          for: '15m',
          severity: 'critical',
        },
        slow: { longWindow: '3d', shortWindow: '6h', factor: 1, for: '1h', severity: 'warning' },
      },
    },
  };
}

const DURATION = /^(\d+(ms|[smhdwy]))+$/;
const DURATION_KEYS = new Set([
  'for',
  'window',
  'rateWindow',
  'trendWindow',
  'horizon',
  'baselineOffset',
  'idleWindow',
  'period',
  'longWindow',
  'shortWindow',
]);
const RATIO_KEYS = new Set(['ratio']);
/** Regular expressions Prometheus anchors (`=~`). */
const REGEX_KEYS = new Set(['errorTypes', 'kinds']);
const SEVERITIES = new Set<string>(['critical', 'warning', 'info']);

/** Thrown for a bad setting; the message names it and says how to fix it. */
export class MixinConfigError extends Error {
  override name = 'MixinConfigError';
}

function check(path: string, key: string, value: unknown, expected: unknown): void {
  const bad = (fix: string): never => {
    throw new MixinConfigError(
      `mcpmeter mixin: setting "${path}" is ${JSON.stringify(value)}; ${fix}`,
    );
  };
  if (typeof expected === 'boolean') {
    if (typeof value !== 'boolean') bad('use true or false');
    return;
  }
  if (key === 'objective') {
    if (typeof value !== 'number' || !(value > 0 && value < 1))
      bad('use a ratio above 0 and below 1, e.g. 0.99 for 99%');
    return;
  }
  if (typeof expected === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      bad('use a positive number');
    }
    if (RATIO_KEYS.has(key) && (value as number) > 1)
      bad('use a ratio between 0 and 1, e.g. 0.1 for 10%');
    return;
  }
  if (key === 'severity') {
    if (typeof value !== 'string' || !SEVERITIES.has(value))
      bad('use one of "critical", "warning", "info"');
    return;
  }
  if (DURATION_KEYS.has(key)) {
    if (typeof value !== 'string' || !DURATION.test(value))
      bad('use a Prometheus duration such as "5m", "1h" or "1d"');
    return;
  }
  if (REGEX_KEYS.has(key)) {
    if (typeof value !== 'string' || value === '') bad('use a non-empty regular expression');
    try {
      new RegExp(`^(?:${value as string})$`);
    } catch {
      bad('use a valid regular expression (RE2 syntax, anchored by Prometheus)');
    }
    return;
  }
  if (typeof value !== 'string') bad('use a string');
  if (key === 'selector' && /[{}]/.test(value as string)) {
    bad('give label matchers without braces, e.g. namespace="prod",job=~"mcp-.*"');
  }
}

/** The one open-keyed setting: budgets by tool name. */
const TOOL_BUDGETS = 'alerts.toolCostBudget.tools';

function toolBudgets(value: unknown): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new MixinConfigError(
      `mcpmeter mixin: setting "${TOOL_BUDGETS}" must be an object of tool name → USD, e.g. { "web_search": 20 }`,
    );
  const out: Record<string, number> = {};
  for (const [tool, usd] of Object.entries(value as Record<string, unknown>)) {
    if (tool === '')
      throw new MixinConfigError(
        `mcpmeter mixin: setting "${TOOL_BUDGETS}" has an empty tool name`,
      );
    check(`${TOOL_BUDGETS}.${tool}`, 'usd', usd, 0);
    out[tool] = usd as number;
  }
  return out;
}

function merge(
  path: string,
  base: Record<string, unknown>,
  over: unknown,
): Record<string, unknown> {
  if (over === undefined) return base;
  if (typeof over !== 'object' || over === null || Array.isArray(over)) {
    throw new MixinConfigError(`mcpmeter mixin: setting "${path || 'config'}" must be an object`);
  }
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over as Record<string, unknown>)) {
    const full = path ? `${path}.${key}` : key;
    if (!(key in base)) {
      throw new MixinConfigError(
        `mcpmeter mixin: unknown setting "${full}"; known settings here: ${Object.keys(base).join(', ')}`,
      );
    }
    if (value === undefined) continue;
    const expected = base[key];
    if (full === TOOL_BUDGETS) {
      out[key] = toolBudgets(value);
    } else if (typeof expected === 'object' && expected !== null) {
      out[key] = merge(full, expected as Record<string, unknown>, value);
    } else {
      check(full, key, value, expected);
      out[key] = value;
    }
  }
  return out;
}

/** Defaults overlaid with the user's settings, validated. */
export function resolveConfig(partial: PartialMixinConfig = {}): MixinConfig {
  const base = defaultConfig() as unknown as Record<string, unknown>;
  const config = merge('', base, partial) as unknown as MixinConfig;
  // The latency SLO keeps the promise the user already set for p95 unless told otherwise.
  const latency = (partial as { slo?: { latency?: { thresholdSeconds?: unknown } } }).slo?.latency;
  if (latency?.thresholdSeconds === undefined)
    config.slo = {
      ...config.slo,
      latency: { ...config.slo.latency, thresholdSeconds: config.alerts.latency.p95Seconds },
    };
  return config;
}
