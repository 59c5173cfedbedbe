/* promtool unit tests of the plumbing alerts: overflow, scrape target, Node runtime. */
import { defaultConfig } from '../../src/config.js';
import type { PromtoolCase } from './harness.js';

const a = defaultConfig().alerts;
const GIB = 1024 ** 3;
const heapUsed = (instance: string, space: string) =>
  `v8js_memory_heap_used_bytes{job="mcp", instance="${instance}", v8js_heap_space_name="${space}"}`;
const heapLimit = (instance: string) =>
  `v8js_memory_heap_limit_bytes{job="mcp", instance="${instance}", otel_scope_name="@mcpmeter/node"}`;

export const platformCases: PromtoolCase[] = [
  {
    name: 'OtelMetricCardinalityOverflow: an overflow series appears',
    silent: ['gw'],
    series: [
      [
        'mcp_server_operation_duration_seconds_count{job="mcp", mcp_method_name="tools/call", gen_ai_tool_name="a"}',
        '0+1x10',
      ],
      [
        'mcp_server_operation_duration_seconds_count{job="mcp", otel_metric_overflow="true"}',
        '_x3 0+1x6',
      ],
      ['gen_ai_client_token_usage_sum{job="gw", gen_ai_token_type="input"}', '0+10x10'],
    ],
    checks: [
      { at: '2m', alert: 'OtelMetricCardinalityOverflow', active: [] },
      {
        at: '8m',
        alert: 'OtelMetricCardinalityOverflow',
        active: [
          {
            job: 'mcp',
            metric: 'mcp_server_operation_duration_seconds_count',
            severity: a.cardinalityOverflow.severity,
          },
        ],
      },
    ],
  },
  {
    name: 'McpmeterTargetDown: a target that stays down pages; a flapping one does not',
    silent: ['ok:1', 'blip:1'],
    series: [
      ['up{job="mcp", instance="down:1"}', '0x15'],
      ['up{job="mcp", instance="ok:1"}', '1x15'],
      ['up{job="mcp", instance="blip:1"}', '1 0 0 1x12'],
    ],
    checks: [
      {
        at: '3m',
        alert: 'McpmeterTargetDown',
        active: [
          {
            alertstate: 'pending',
            job: 'mcp',
            instance: 'down:1',
            severity: a.targetDown.severity,
          },
        ],
      },
      {
        at: '10m',
        alert: 'McpmeterTargetDown',
        active: [{ job: 'mcp', instance: 'down:1', severity: a.targetDown.severity }],
      },
    ],
  },
  {
    name: 'NodeEventLoopLagHigh: sustained lag pages; a short stall does not',
    silent: ['ok:1', 'stall:1'],
    series: [
      [
        'nodejs_eventloop_delay_p99_seconds{job="mcp", instance="lag:1"}',
        `${a.eventLoopLag.p99Seconds * 2}x15`,
      ],
      [
        'nodejs_eventloop_delay_p99_seconds{job="mcp", instance="ok:1"}',
        `${a.eventLoopLag.p99Seconds / 10}x15`,
      ],
      [
        'nodejs_eventloop_delay_p99_seconds{job="mcp", instance="stall:1"}',
        `0.01x4 ${a.eventLoopLag.p99Seconds * 4}x1 0.01x9`,
      ],
    ],
    checks: [
      {
        at: '12m',
        alert: 'NodeEventLoopLagHigh',
        active: [{ job: 'mcp', instance: 'lag:1', severity: a.eventLoopLag.severity }],
      },
    ],
  },
  {
    name: 'NodeHeapNearLimit: heap summed over spaces near the exported limit pages',
    silent: ['half:1', 'small:1'],
    series: [
      [heapLimit('full:1'), `${GIB * 4}x15`],
      [heapUsed('full:1', 'old_space'), `${Math.round(GIB * 4 * 0.85)}x15`],
      [heapUsed('full:1', 'new_space'), `${Math.round(GIB * 4 * 0.08)}x15`],
      [heapLimit('half:1'), `${GIB * 4}x15`],
      [heapUsed('half:1', 'old_space'), `${Math.round(GIB * 4 * 0.45)}x15`],
      [heapUsed('half:1', 'new_space'), `${Math.round(GIB * 4 * 0.05)}x15`],
      // The same bytes as full:1 are fine on a process with a 16 GiB limit.
      [heapLimit('small:1'), `${GIB * 16}x15`],
      [heapUsed('small:1', 'old_space'), `${Math.round(GIB * 4 * 0.93)}x15`],
    ],
    checks: [
      {
        at: '12m',
        alert: 'NodeHeapNearLimit',
        active: [{ job: 'mcp', instance: 'full:1', severity: a.heap.severity }],
      },
    ],
  },
];
