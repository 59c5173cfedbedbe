/*
 * Runs `promtool test rules` on unit tests written as TS objects. Alert state
 * is checked through the ALERTS series (alertname, alertstate, labels), so each
 * check lists exactly which alerts are active at that time: anything not
 * listed must be silent.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';

export const PROMTOOL = process.env.PROMTOOL_BIN ?? 'promtool';
const run = promisify(execFile);

export type Labels = Record<string, string>;

export interface AlertCheck {
  /** e.g. '20m' */
  at: string;
  alert: string;
  /** Active alerts expected at `at`: their labels (without alertname/alertstate) and state. */
  active: (Labels & { alertstate?: 'firing' | 'pending' })[];
}

export interface PromtoolCase {
  name: string;
  interval?: string;
  series: [selector: string, values: string][];
  checks: AlertCheck[];
  /**
   * Label values (a tool, instance, job or provider present in `series`) whose
   * input must NOT page: the checks list every active alert, so these are
   * proven silent. Empty when a check with no active alert proves silence.
   */
  silent: string[];
  /**
   * Rule evaluation interval (default 1m). It is per test file: the test runs each case in
   * a file of its own. Cases over days use a longer one to keep promtool quick.
   */
  evaluationInterval?: string;
}

function alertsSelector(labels: Labels): string {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  return `ALERTS{${body}}`;
}

export function promtoolTestFile(ruleFiles: string[], cases: PromtoolCase[]): string {
  return stringify(
    {
      rule_files: ruleFiles,
      evaluation_interval: cases.find((c) => c.evaluationInterval)?.evaluationInterval ?? '1m',
      tests: cases.map((c) => ({
        name: c.name,
        interval: c.interval ?? '1m',
        input_series: c.series.map(([series, values]) => ({ series, values })),
        promql_expr_test: c.checks.map((check) => ({
          expr: `ALERTS{alertname="${check.alert}"}`,
          eval_time: check.at,
          exp_samples: check.active.map(({ alertstate, ...labels }) => ({
            labels: alertsSelector({
              alertname: check.alert,
              alertstate: alertstate ?? 'firing',
              ...labels,
            }),
            value: 1,
          })),
        })),
      })),
    },
    { lineWidth: 0 },
  );
}

export interface PromtoolResult {
  ok: boolean;
  output: string;
}

export async function promtool(args: string[]): Promise<PromtoolResult> {
  try {
    const { stdout, stderr } = await run(PROMTOOL, args, { maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message };
  }
}

export async function runPromtoolTests(
  ruleFiles: string[],
  cases: PromtoolCase[],
): Promise<PromtoolResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpmeter-promtool-'));
  try {
    const file = join(dir, 'tests.yml');
    writeFileSync(file, promtoolTestFile(ruleFiles, cases));
    return await promtool(['test', 'rules', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
