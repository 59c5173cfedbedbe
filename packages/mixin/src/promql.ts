/* Small PromQL builders shared by the rules and the dashboards. */

/** `metric{m1, m2}` with the empty matchers dropped. */
export function sel(metric: string, ...matchers: (string | undefined)[]): string {
  const parts = matchers.filter((m): m is string => !!m && m.trim() !== '');
  return parts.length ? `${metric}{${parts.join(', ')}}` : metric;
}

export function by(labels: readonly string[]): string {
  return `by (${labels.join(', ')})`;
}

/** A Prometheus duration in seconds (`1h30m` → 5400). */
export function durationSeconds(d: string): number {
  const units: Record<string, number> = {
    ms: 0.001,
    s: 1,
    m: 60,
    h: 3600,
    d: 86400,
    w: 604800,
    y: 31536000,
  };
  let total = 0;
  for (const [, n, u] of d.matchAll(/(\d+)(ms|[smhdwy])/g)) total += Number(n) * units[u!]!;
  return total;
}

/** Number formatting that YAML and PromQL both read back exactly. */
export function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}

/** A PromQL double-quoted string literal. */
export function str(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
