/*
 * Starts a real Prometheus (Debian package `prometheus`) on 127.0.0.1 with a
 * temporary config and data directory, for scrape, rule and PromQL tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? 'prometheus';

export interface ScrapeTarget {
  job: string;
  /** host:port */
  target: string;
  metricsPath?: string;
  /** e.g. '1s' */
  interval?: string;
  /** Extra YAML lines appended to the scrape config (indented 4 spaces). */
  extra?: string;
}

export interface StartPrometheusOptions {
  targets: ScrapeTarget[];
  /** Rule file contents (YAML); written to a temp file and loaded. */
  rules?: string[];
  evaluationInterval?: string;
  enableExemplars?: boolean;
}

export interface RunningPrometheus {
  url: string;
  process: ChildProcess;
  /** Instant query; returns `data.result`. */
  query(expr: string): Promise<PromSample[]>;
  /** Waits until `expr` returns at least one series (or `predicate` holds). */
  waitFor(
    expr: string,
    predicate?: (r: PromSample[]) => boolean,
    timeoutMs?: number,
  ): Promise<PromSample[]>;
  api<T = unknown>(path: string): Promise<T>;
  stop(): Promise<void>;
  logs(): string;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export { freePort };

export async function startPrometheus(opts: StartPrometheusOptions): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpmeter-prom-'));
  const ruleFiles = (opts.rules ?? []).map((content, i) => {
    const file = join(dir, `rules-${i}.yml`);
    writeFileSync(file, content);
    return file;
  });
  const scrapeConfigs = opts.targets
    .map(
      (t) => `  - job_name: ${JSON.stringify(t.job)}
    scrape_interval: ${t.interval ?? '1s'}
    scrape_timeout: ${t.interval ?? '1s'}
    metrics_path: ${JSON.stringify(t.metricsPath ?? '/metrics')}
    static_configs:
      - targets: [${JSON.stringify(t.target)}]
${t.extra ?? ''}`,
    )
    .join('\n');
  const config = `global:
  scrape_interval: 1s
  evaluation_interval: ${opts.evaluationInterval ?? '1s'}
${ruleFiles.length ? `rule_files:\n${ruleFiles.map((f) => `  - ${JSON.stringify(f)}`).join('\n')}\n` : ''}scrape_configs:
${scrapeConfigs}
`;
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, config);
  const port = await freePort();
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];
  if (opts.enableExemplars) args.push('--enable-feature=exemplar-storage');
  const child = spawn(PROMETHEUS_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (err) =>
      reject(
        new Error(
          `could not start ${PROMETHEUS_BIN} (${err.message}); install it with "apt-get install -y prometheus" or set PROMETHEUS_BIN`,
        ),
      ),
    );
  });
  const url = `http://127.0.0.1:${port}`;

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(url + path);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success')
      throw new Error(`prometheus ${path}: ${body.error ?? res.status}`);
    return body.data;
  };
  const query = async (expr: string) =>
    (await api<{ result: PromSample[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result;

  const ready = (async () => {
    for (let i = 0; i < 300; i++) {
      try {
        const res = await fetch(`${url}/-/ready`);
        if (res.ok) return;
      } catch {
        /* not up yet */
      }
      if (child.exitCode !== null) throw new Error(`prometheus exited early:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`prometheus did not become ready:\n${output}`);
  })();
  await Promise.race([ready, spawnError]);

  return {
    url,
    process: child,
    api,
    query,
    async waitFor(expr, predicate = (r) => r.length > 0, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last: PromSample[] = [];
      while (Date.now() < deadline) {
        last = await query(expr);
        if (predicate(last)) return last;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`timed out waiting for ${expr}; last result: ${JSON.stringify(last)}`);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
    logs: () => output,
  };
}
