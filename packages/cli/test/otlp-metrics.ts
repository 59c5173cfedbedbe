/* OTLP/HTTP JSON metric posts (from test-utils/otlp-receiver) read back as samples. */
import type { Sample } from './helpers.js';

type Kv = { key: string; value: Record<string, unknown> };
type Point = {
  attributes?: Kv[];
  count?: string | number;
  asInt?: string | number;
  asDouble?: number;
};
type Metric = {
  name: string;
  histogram?: { dataPoints: Point[] };
  sum?: { dataPoints: Point[] };
  gauge?: { dataPoints: Point[] };
};

const attrs = (list: Kv[] = []) =>
  Object.fromEntries(
    list.map((kv) => [kv.key.replace(/\./g, '_'), String(Object.values(kv.value)[0])]),
  );

/**
 * The samples of the last post that holds `mcp.server.operation.duration`, named
 * as Prometheus names them (`…_seconds_count`, gauges as is) so the helpers of
 * helpers.ts read them alike.
 */
export function otlpSamples(posts: { contentType: string; body: Buffer }[]): Sample[] {
  for (let i = posts.length - 1; i >= 0; i--) {
    const body = JSON.parse(posts[i]!.body.toString('utf8')) as {
      resourceMetrics?: { scopeMetrics?: { metrics?: Metric[] }[] }[];
    };
    const metrics = (body.resourceMetrics ?? []).flatMap((r) =>
      (r.scopeMetrics ?? []).flatMap((s) => s.metrics ?? []),
    );
    if (!metrics.some((m) => m.name === 'mcp.server.operation.duration')) continue;
    const out: Sample[] = [];
    for (const m of metrics) {
      const base = m.name.replace(/\./g, '_');
      if (m.histogram) {
        for (const p of m.histogram.dataPoints) {
          out.push({
            name: `${base}_seconds_count`,
            labels: attrs(p.attributes),
            value: Number(p.count),
          });
        }
      }
      for (const p of m.sum?.dataPoints ?? m.gauge?.dataPoints ?? []) {
        out.push({ name: base, labels: attrs(p.attributes), value: Number(p.asInt ?? p.asDouble) });
      }
    }
    return out;
  }
  return [];
}
