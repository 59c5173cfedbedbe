/* Alerts on the plumbing: scrape targets, cardinality overflow, the Node runtime. */
import type { MixinConfig } from './config.js';
import { alertRule } from './alert-helpers.js';
import {
  NODE_EVENTLOOP_DELAY_P99,
  OVERFLOW_MATCHER,
  V8_HEAP_LIMIT,
  V8_HEAP_USED,
} from './metrics.js';
import { num, sel } from './promql.js';
import type { AlertingRule } from './rule-types.js';

export function platformAlerts(config: MixinConfig): AlertingRule[] {
  const s = config.selector;
  const { cardinalityOverflow: co, targetDown: td, eventLoopLag: el, heap } = config.alerts;
  return [
    alertRule(config, {
      alert: 'OtelMetricCardinalityOverflow',
      // __name__ is dropped from alert labels, so copy it into `metric`.
      expr: `label_replace(count by (job, __name__) ({${[OVERFLOW_MATCHER, s].filter(Boolean).join(', ')}}), "metric", "$1", "__name__", "(.+)") > 0`,
      for: co.for,
      severity: co.severity,
      summary: 'Metric {{ $labels.metric }} hit its cardinality limit on job {{ $labels.job }}.',
      description:
        'Job {{ $labels.job }} exports {{ $labels.metric }} with otel_metric_overflow="true": the instrument reached its cardinality limit and new label sets are merged into one overflow series.',
    }),
    alertRule(config, {
      alert: 'McpmeterTargetDown',
      expr: `${sel('up', s)} == 0`,
      for: td.for,
      severity: td.severity,
      summary: 'Prometheus cannot scrape {{ $labels.instance }}.',
      description: `The scrape target {{ $labels.instance }} of job {{ $labels.job }} has been down for ${td.for}.`,
    }),
    alertRule(config, {
      alert: 'NodeEventLoopLagHigh',
      expr: `max by (job, instance) (${sel(NODE_EVENTLOOP_DELAY_P99, s)}) > ${num(el.p99Seconds)}`,
      for: el.for,
      severity: el.severity,
      summary: 'Node event loop of {{ $labels.instance }} is lagging.',
      description: `The event-loop delay p99 of {{ $labels.instance }} (job {{ $labels.job }}) is {{ $value | humanizeDuration }} (threshold ${num(el.p99Seconds)}s).`,
    }),
    alertRule(config, {
      alert: 'NodeHeapNearLimit',
      // Used is per heap space, the limit one series per process: both summed to {job, instance}.
      expr: `sum by (job, instance) (${sel(V8_HEAP_USED, s)})
/ on (job, instance) sum by (job, instance) (${sel(V8_HEAP_LIMIT, s)}) > ${num(heap.ratio)}`,
      for: heap.for,
      severity: heap.severity,
      summary: 'V8 heap of {{ $labels.instance }} is near its limit.',
      description: `The V8 heap of {{ $labels.instance }} (job {{ $labels.job }}) uses {{ $value | humanizePercentage }} of its heap limit (threshold ${num(heap.ratio * 100)}%).`,
    }),
  ];
}
