/* promtool unit tests of the MCP alerts: each fires on trouble and stays silent otherwise. */
import { defaultConfig } from '../../src/config.js';
import type { PromtoolCase } from './harness.js';

const a = defaultConfig().alerts;
const op = (labels: string) =>
  `mcp_server_operation_duration_seconds_count{job="mcp", mcp_method_name="tools/call", ${labels}}`;
const bucket = (tool: string, le: string) =>
  `mcp_server_operation_duration_seconds_bucket{job="mcp", mcp_method_name="tools/call", gen_ai_tool_name="${tool}", le="${le}"}`;

/** Histogram series of one tool whose calls all take between `lower` and `upper` bucket bounds. */
function latencySeries(
  tool: string,
  perMinute: number,
  slowFromLe: string,
  every = 1,
): [string, string][] {
  const les = ['0.1', '1', '5', '10', '30', '+Inf'];
  const idx = les.indexOf(slowFromLe);
  // `every` > 1 spreads the calls: one call every `every` minutes.
  const growth =
    every === 1
      ? `0+${perMinute}x40`
      : Array.from({ length: 41 }, (_, m) => Math.floor(m / every)).join(' ');
  return [
    ...les.map((le, i): [string, string] => [bucket(tool, le), i >= idx ? growth : '0x40']),
    [op(`gen_ai_tool_name="${tool}"`), growth],
  ];
}

export const mcpCases: PromtoolCase[] = [
  {
    name: 'McpToolErrorRatioHigh: a failing busy tool pages; a quiet failing tool, a healthy tool and a tool whose calls clients cancel do not',
    silent: ['rare', 'ok', 'stopped'],
    series: [
      // search: 10 calls/min, half of them tool errors.
      [op('gen_ai_tool_name="search"'), '0+5x30'],
      [op('gen_ai_tool_name="search", error_type="tool_error"'), '0+5x30'],
      // rare: every call fails, but only one call every 5 minutes (under minRequests in the window).
      [op('gen_ai_tool_name="rare", error_type="tool_error"'), '0x4 1x4 2x4 3x4 4x4 5x4 6x4'],
      // ok: 20 calls/min, 1 error/min = 5% (under the 10% threshold).
      [op('gen_ai_tool_name="ok"'), '0+19x30'],
      [op('gen_ai_tool_name="ok", error_type="-32603"'), '0+1x30'],
      // stopped: 10 calls/min, half cancelled by the client — not a server fault.
      [op('gen_ai_tool_name="stopped"'), '0+5x30'],
      [op('gen_ai_tool_name="stopped", error_type="cancelled"'), '0+5x30'],
    ],
    checks: [
      {
        at: '3m',
        alert: 'McpToolErrorRatioHigh',
        active: [
          {
            alertstate: 'pending',
            job: 'mcp',
            gen_ai_tool_name: 'search',
            severity: a.toolErrorRatio.severity,
          },
        ],
      },
      {
        at: '20m',
        alert: 'McpToolErrorRatioHigh',
        active: [{ job: 'mcp', gen_ai_tool_name: 'search', severity: a.toolErrorRatio.severity }],
      },
    ],
  },
  {
    name: 'McpUnknownToolCalls: a job whose clients often name tools it lacks warns; rare slips and quiet jobs do not',
    silent: ['careful', 'quiet'],
    series: [
      // confused: 100 calls/min, 10 of them to tools the server does not have (SDK 2.x: -32602).
      [`${op('gen_ai_tool_name="search"').replace('job="mcp"', 'job="confused"')}`, '0+90x40'],
      [
        `${op('gen_ai_tool_name="_OTHER", error_type="-32602"').replace('job="mcp"', 'job="confused"')}`,
        '0+10x40',
      ],
      // careful: 1 in 100 (under 5%); SDK 1.x reports an unknown tool as an isError result.
      [`${op('gen_ai_tool_name="search"').replace('job="mcp"', 'job="careful"')}`, '0+99x40'],
      [
        `${op('gen_ai_tool_name="_OTHER", error_type="tool_error"').replace('job="mcp"', 'job="careful"')}`,
        '0+1x40',
      ],
      // quiet: every call names an unknown tool, but one call every 5 minutes (under minRequests).
      [
        `${op('gen_ai_tool_name="_OTHER", error_type="-32602"').replace('job="mcp"', 'job="quiet"')}`,
        '0x4 1x4 2x4 3x4 4x4 5x4 6x4 7x4 8x4',
      ],
    ],
    checks: [
      {
        at: '5m',
        alert: 'McpUnknownToolCalls',
        active: [{ alertstate: 'pending', job: 'confused', severity: a.unknownTools.severity }],
      },
      {
        at: '30m',
        alert: 'McpUnknownToolCalls',
        active: [{ job: 'confused', severity: a.unknownTools.severity }],
      },
    ],
  },
  {
    name: 'McpToolInvalidArguments: a tool whose arguments are often refused warns; unknown tools, rare refusals and quiet tools do not',
    silent: ['tolerant', 'rare', '_OTHER'],
    series: [
      // picky: 20 calls/min, 5 refused with -32602 (25%).
      [op('gen_ai_tool_name="picky"'), '0+15x40'],
      [op('gen_ai_tool_name="picky", error_type="-32602"'), '0+5x40'],
      // tolerant: 50 calls/min, 1 refused (2%).
      [op('gen_ai_tool_name="tolerant"'), '0+49x40'],
      [op('gen_ai_tool_name="tolerant", error_type="-32602"'), '0+1x40'],
      // rare: every call refused, one every 5 minutes.
      [op('gen_ai_tool_name="rare", error_type="-32602"'), '0x4 1x4 2x4 3x4 4x4 5x4 6x4 7x4 8x4'],
      // Unknown tools answer -32602 too (SDK 2.x): McpUnknownToolCalls watches them, not this alert.
      [op('gen_ai_tool_name="_OTHER", error_type="-32602"'), '0+20x40'],
    ],
    checks: [
      {
        at: '5m',
        alert: 'McpToolInvalidArguments',
        active: [
          {
            alertstate: 'pending',
            job: 'mcp',
            gen_ai_tool_name: 'picky',
            severity: a.invalidArguments.severity,
          },
        ],
      },
      {
        at: '30m',
        alert: 'McpToolInvalidArguments',
        active: [{ job: 'mcp', gen_ai_tool_name: 'picky', severity: a.invalidArguments.severity }],
      },
    ],
  },
  {
    name: 'McpLatencyP95High / P99High: slow busy tools page; fast tools and quiet slow tools do not',
    silent: ['fast', 'slow_rare'],
    series: [
      ...latencySeries('slow', 10, '10'), // all calls in (5s, 10s]: p95 ≈ 9.75s > 5s, p99 ≈ 9.95s < 15s
      ...latencySeries('glacial', 10, '30'), // all calls in (10s, 30s]: p95 and p99 above both thresholds
      ...latencySeries('fast', 10, '0.1'),
      ...latencySeries('slow_rare', 1, '30', 5), // glacial but one call every 5 minutes: under minRequests
    ],
    checks: [
      {
        at: '30m',
        alert: 'McpLatencyP95High',
        active: ['slow', 'glacial'].map((t) => ({
          job: 'mcp',
          mcp_method_name: 'tools/call',
          gen_ai_tool_name: t,
          severity: a.latency.severity,
        })),
      },
      {
        at: '30m',
        alert: 'McpLatencyP99High',
        active: [
          {
            job: 'mcp',
            mcp_method_name: 'tools/call',
            gen_ai_tool_name: 'glacial',
            severity: a.latency.severity,
          },
        ],
      },
    ],
  },
  {
    name: 'McpActiveRequestsSaturated: per instance, summed over methods',
    silent: ['b:1', 'd:1'],
    series: [
      [
        `mcp_server_active_requests{job="mcp", instance="a:1", mcp_method_name="tools/call"}`,
        `${a.activeRequests.max + 50}x20`,
      ],
      [
        `mcp_server_active_requests{job="mcp", instance="b:1", mcp_method_name="tools/call"}`,
        `${a.activeRequests.max / 2}x20`,
      ],
      [
        `mcp_server_active_requests{job="mcp", instance="c:1", mcp_method_name="tools/call"}`,
        `${a.activeRequests.max * 0.6}x20`,
      ],
      [
        `mcp_server_active_requests{job="mcp", instance="c:1", mcp_method_name="resources/read"}`,
        `${a.activeRequests.max * 0.6}x20`,
      ],
      // d: saturated for two minutes only, shorter than `for`.
      [
        `mcp_server_active_requests{job="mcp", instance="d:1", mcp_method_name="tools/call"}`,
        `0x5 ${a.activeRequests.max * 2}x1 0x12`,
      ],
    ],
    checks: [
      {
        at: '15m',
        alert: 'McpActiveRequestsSaturated',
        active: ['a:1', 'c:1'].map((instance) => ({
          job: 'mcp',
          instance,
          severity: a.activeRequests.severity,
        })),
      },
    ],
  },
  {
    name: 'McpSessionsStuck: sessions open on a job that serves nothing',
    silent: ['busy', 'few'],
    series: [
      [
        `mcp_server_active_sessions{job="stuck", instance="s:1", network_transport="tcp"}`,
        `${a.stuckSessions.minOpen + 3}x70`,
      ],
      // stuck: served requests in its first 10 minutes, none since.
      [
        `mcp_server_operation_duration_seconds_count{job="stuck", mcp_method_name="initialize"}`,
        '0+1x10 10x60',
      ],
      [
        `mcp_server_active_sessions{job="idle", instance="i:1", network_transport="tcp"}`,
        `${a.stuckSessions.minOpen}x70`,
      ],
      [
        `mcp_server_operation_duration_seconds_count{job="idle", mcp_method_name="tools/call", gen_ai_tool_name="x"}`,
        '40x70',
      ],
      [
        `mcp_server_active_sessions{job="busy", instance="b:1", network_transport="tcp"}`,
        `${a.stuckSessions.minOpen + 3}x70`,
      ],
      [
        `mcp_server_operation_duration_seconds_count{job="busy", mcp_method_name="tools/call", gen_ai_tool_name="x"}`,
        '0+3x70',
      ],
      [
        `mcp_server_active_sessions{job="few", instance="f:1", network_transport="pipe"}`,
        `${a.stuckSessions.minOpen - 1}x70`,
      ],
    ],
    checks: [
      {
        at: '60m',
        alert: 'McpSessionsStuck',
        active: ['idle', 'stuck'].map((job) => ({ job, severity: a.stuckSessions.severity })),
      },
    ],
  },
];
