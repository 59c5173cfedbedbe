/*
 * promtool unit tests of the SLO burn-rate alerts (default settings: 99% availability,
 * 95% of requests within 5 s, 30 days). Each window pair fires on the burn it is built
 * for and stays silent on the others: a hard outage (fast), a steady 8x burn (medium), a
 * 2% leak over days (slow), an outage that is over (the short window silences it) and a
 * healthy job.
 */
import { defaultConfig, type BurnRateName } from '../../src/config.js';
import type { AlertCheck, Labels, PromtoolCase } from './harness.js';

const slo = defaultConfig().slo;
// Whole numbers per minute: a float sum that drifts below its last value reads as a counter reset.
const PER_MIN = 1000;

/** A counter's samples, one a minute, from `[minutes, increase per minute]` segments. */
export function cumulative(segments: [minutes: number, perMinute: number][]): string {
  let v = 0;
  const parts = ['0'];
  for (const [n, r] of segments) {
    parts.push(n === 1 ? `${v + r}` : `${v + r}+${r}x${n - 1}`);
    v += r * n;
  }
  return parts.join(' ');
}

/** Minute-by-minute share of bad requests, as segments of `[minutes, bad share]`. */
type Profile = [minutes: number, badShare: number][];

const op = (job: string, extra = '') =>
  `mcp_server_operation_duration_seconds_count{job="${job}", mcp_method_name="tools/call", gen_ai_tool_name="t"${extra}}`;
const bucket = (job: string, le: string) =>
  `mcp_server_operation_duration_seconds_bucket{job="${job}", mcp_method_name="tools/call", gen_ai_tool_name="t", le="${le}"}`;

/** Requests of one job whose `bad` share fails (`tool_error`); all of them are fast. */
function failing(job: string, profile: Profile): [string, string][] {
  return [
    [op(job), cumulative(profile.map(([n, bad]) => [n, Math.round(PER_MIN * (1 - bad))]))],
    [
      op(job, ', error_type="tool_error"'),
      cumulative(profile.map(([n, bad]) => [n, Math.round(PER_MIN * bad)])),
    ],
  ];
}

/** Requests of one job that all succeed; the `bad` share takes longer than 5 s. */
function slow(job: string, profile: Profile): [string, string][] {
  const all = cumulative(profile.map(([n]) => [n, PER_MIN]));
  return [
    [op(job), all],
    [bucket(job, '1'), cumulative(profile.map(([n, bad]) => [n, Math.round(PER_MIN * (1 - bad))]))],
    [bucket(job, '5'), cumulative(profile.map(([n, bad]) => [n, Math.round(PER_MIN * (1 - bad))]))],
    [bucket(job, '10'), all],
    [bucket(job, '+Inf'), all],
  ];
}

function active(
  alert: string,
  jobs: [job: string, pair: BurnRateName, state?: 'pending' | 'firing'][],
  kind: 'availability' | 'latency',
) {
  return jobs.map(([job, pair, state]): Labels & { alertstate?: 'firing' | 'pending' } => {
    const b = slo.burnRates[pair];
    return {
      alertstate: state ?? 'firing',
      job,
      severity: b.severity,
      slo: kind,
      burn_rate: pair,
      long_window: b.longWindow,
      short_window: b.shortWindow,
    };
  });
}

function hoursCase(kind: 'availability' | 'latency'): PromtoolCase {
  const alert = kind === 'availability' ? 'McpAvailabilitySloBurnRate' : 'McpLatencySloBurnRate';
  const series = kind === 'availability' ? failing : slow;
  const p = kind === 'availability' ? 'a' : 'l';
  // 8 hours: 7 healthy, then trouble; checked at 7h15m.
  const checks: AlertCheck[] = [
    // Before any outage only the steady 8x burn pages (medium and the ticket).
    {
      at: '6h',
      alert,
      active: active(
        alert,
        [
          [`${p}_steady`, 'medium'],
          [`${p}_steady`, 'slow'],
        ],
        kind,
      ),
    },
    {
      at: '7h15m',
      alert,
      active: active(
        alert,
        [
          // Every request bad for the last 15 (availability) or 50 (latency) minutes.
          [`${p}_outage`, 'fast'],
          // Over 1x on 3d and 6h for the ticket, but not for its `for` (1h) yet.
          [`${p}_outage`, 'slow', 'pending'],
          [`${p}_recovered`, 'slow', 'pending'],
          [`${p}_steady`, 'medium'],
          [`${p}_steady`, 'slow'],
        ],
        kind,
      ),
    },
  ];
  // Availability has a 1% budget (14.4x = 14.4% bad), latency 5% (14.4x = 72% slow): an
  // outage of every request needs 9 minutes to page the first, 44 minutes the second.
  const [outageFrom, recoveredFrom, recoveredFor] =
    kind === 'availability' ? [420, 390, 20] : [385, 375, 50];
  return {
    name: `${alert}: a hard outage pages on 1h/5m, a steady 8x burn on 6h/30m; an outage that is over and a healthy job do not page`,
    silent: [`${p}_healthy`],
    series: [
      ...series(`${p}_outage`, [
        [outageFrom, 0.001],
        [480 - outageFrom, 1],
      ]),
      // 8x the budget: over 6x (medium pages), under 14.4x (fast does not).
      ...series(`${p}_steady`, [[480, kind === 'availability' ? 0.08 : 0.4]]),
      // An outage that ended minutes before the check: the 1h window still burns over 14.4x,
      // the 5m window no longer does; 6h holds under 6x.
      ...series(`${p}_recovered`, [
        [recoveredFrom, 0],
        [recoveredFor, 1],
        [480 - recoveredFrom - recoveredFor, 0],
      ]),
      // Under 1x the budget.
      ...series(`${p}_healthy`, [[480, kind === 'availability' ? 0.005 : 0.02]]),
    ],
    checks,
  };
}

function daysCase(kind: 'availability' | 'latency'): PromtoolCase {
  const alert = kind === 'availability' ? 'McpAvailabilitySloBurnRate' : 'McpLatencySloBurnRate';
  const series = kind === 'availability' ? failing : slow;
  const p = kind === 'availability' ? 'a' : 'l';
  // Twice the budget's share over 3 days: the whole budget gone in 15 days, a ticket.
  const leak = kind === 'availability' ? 0.02 : 0.1;
  const fine = kind === 'availability' ? 0.005 : 0.03;
  return {
    name: `${alert}: a leak at 2x the budget over days opens a ticket on 3d/6h and pages on nothing; a job within budget stays silent`,
    // Under the 5m lookback: an alert must see the recorded ratios of the last evaluation.
    evaluationInterval: '3m',
    silent: [`${p}_fine`],
    series: [
      ...series(`${p}_leak`, [[3 * 1440 + 60, leak]]),
      ...series(`${p}_fine`, [[3 * 1440 + 60, fine]]),
    ],
    checks: [
      // 30 minutes in: the condition holds but `for` (1h) has not passed yet.
      { at: '30m', alert, active: active(alert, [[`${p}_leak`, 'slow', 'pending']], kind) },
      { at: '3d', alert, active: active(alert, [[`${p}_leak`, 'slow']], kind) },
    ],
  };
}

export const sloCases: PromtoolCase[] = [
  hoursCase('availability'),
  hoursCase('latency'),
  daysCase('availability'),
  daysCase('latency'),
];

const toolOp = (tool: string, extra = '') =>
  `mcp_server_operation_duration_seconds_count{job="mcp", mcp_method_name="tools/call", gen_ai_tool_name="${tool}"${extra}}`;
const toolBucket = (tool: string, le: string) =>
  `mcp_server_operation_duration_seconds_bucket{job="mcp", mcp_method_name="tools/call", gen_ai_tool_name="${tool}", le="${le}"}`;

/** Per-tool SLOs (`slo.perTool: true`): run against rule files generated with that setting. */
export const perToolSloCases: PromtoolCase[] = [
  {
    name: 'McpToolAvailabilitySloBurnRate / McpToolLatencySloBurnRate: a broken and a sluggish tool page; a healthy tool on the same job does not',
    silent: ['ok'],
    series: [
      // broken: fine for 45 minutes, then every call fails.
      [
        toolOp('broken'),
        cumulative([
          [45, PER_MIN],
          [15, 0],
        ]),
      ],
      [
        toolOp('broken', ', error_type="tool_error"'),
        cumulative([
          [45, 0],
          [15, PER_MIN],
        ]),
      ],
      [toolBucket('broken', '5'), cumulative([[60, PER_MIN]])],
      [toolBucket('broken', '+Inf'), cumulative([[60, PER_MIN]])],
      // sluggish: every call slower than 5 s from minute 10.
      [toolOp('sluggish'), cumulative([[60, PER_MIN]])],
      [
        toolBucket('sluggish', '5'),
        cumulative([
          [10, PER_MIN],
          [50, 0],
        ]),
      ],
      [toolBucket('sluggish', '+Inf'), cumulative([[60, PER_MIN]])],
      // ok: 0.5% errors, all fast.
      [toolOp('ok'), cumulative([[60, PER_MIN - 5]])],
      [toolOp('ok', ', error_type="tool_error"'), cumulative([[60, 5]])],
      [toolBucket('ok', '5'), cumulative([[60, PER_MIN]])],
      [toolBucket('ok', '+Inf'), cumulative([[60, PER_MIN]])],
    ],
    checks: (
      [
        ['McpToolAvailabilitySloBurnRate', 'availability', 'broken', ['fast'], ['medium', 'slow']],
        ['McpToolLatencySloBurnRate', 'latency', 'sluggish', ['fast', 'medium'], ['slow']],
      ] as const
    ).map(([alert, kind, tool, firing, pending]) => ({
      at: '1h',
      alert,
      active: [
        ...active(
          alert,
          firing.map((p) => ['mcp', p] as [string, BurnRateName]),
          kind,
        ),
        ...active(
          alert,
          pending.map((p) => ['mcp', p, 'pending'] as [string, BurnRateName, 'pending']),
          kind,
        ),
      ].map((labels) => ({ ...labels, gen_ai_tool_name: tool })),
    })),
  },
];
