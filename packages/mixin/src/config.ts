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
}

export type PartialMixinConfig = {
  [K in keyof MixinConfig]?: K extends 'alerts'
    ? { [A in keyof MixinConfig['alerts']]?: Partial<MixinConfig['alerts'][A]> }
    : MixinConfig[K];
};

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
      activeRequests: { max: 100, for: '5m', severity: 'warning' },
      stuckSessions: { minOpen: 5, idleWindow: '30m', for: '15m', severity: 'warning' },
      cardinalityOverflow: { for: '1m', severity: 'warning' },
      targetDown: { for: '5m', severity: 'critical' },
      eventLoopLag: { p99Seconds: 0.5, for: '5m', severity: 'warning' },
      heap: { ratio: 0.9, for: '5m', severity: 'critical' },
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
]);
const RATIO_KEYS = new Set(['ratio']);
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
  if (key === 'errorTypes') {
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
    if (typeof expected === 'object' && expected !== null) {
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
  return merge('', base, partial) as unknown as MixinConfig;
}
