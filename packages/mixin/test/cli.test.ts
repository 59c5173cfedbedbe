import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mixinFiles } from '../src/index.js';

const cli = join(import.meta.dirname, '..', 'dist', 'cli.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'mcpmeter-mixin-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('mcpmeter-mixin CLI (dist)', () => {
  it('prints alert rules with thresholds from --set and --config', async () => {
    const config = join(tmp, 'config.json');
    writeFileSync(config, JSON.stringify({ alerts: { costBudget: { monthlyUsd: 300 } } }));
    const res = await run(
      'alerts',
      '--config',
      config,
      '--set',
      'alerts.activeRequests.max=42',
      '--set',
      'selector=namespace="prod"',
    );
    expect(res.code).toBe(0);
    const file = parse(res.stdout);
    const rules = file.groups.flatMap((g: { rules: { alert: string; expr: string }[] }) => g.rules);
    const byName = Object.fromEntries(
      rules.map((r: { alert: string; expr: string }) => [r.alert, r.expr]),
    );
    expect(byName.McpActiveRequestsSaturated).toBe(
      'sum by (job, instance) (mcp_server_active_requests{namespace="prod"}) > 42',
    );
    expect(byName.LlmMonthlyCostBudgetForecast).toMatch(/> 300\n/);
  });

  it('prints the recording rules and each dashboard as the generator does', async () => {
    const files = mixinFiles();
    expect((await run('rules')).stdout).toBe(files['rules.yml']);
    expect((await run('dashboard', 'llm-usage')).stdout).toBe(files['dashboards/llm-usage.json']);
  });

  it('generate writes every file', async () => {
    const out = join(tmp, 'out');
    const res = await run('generate', '--out', out);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('');
    for (const [rel, content] of Object.entries(mixinFiles()))
      expect(readFileSync(join(out, rel), 'utf8')).toBe(content);
  });

  it.each([
    [
      ['alerts', '--set', 'alerts.heap.ratio=5'],
      /"alerts.heap.ratio" is 5; use a ratio between 0 and 1/,
    ],
    [
      ['dashboard', 'nope'],
      /unknown dashboard "nope"; choose one of mcp-overview, mcp-tool, mcp-catalog, llm-usage/,
    ],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['alerts', '--config', join(tmp, 'missing.json')], /cannot read --config/],
  ])('%j fails with one clear message and exit code 2', async (args, message) => {
    const res = await run(...args);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(message);
  });
});
