/*
 * Parts of the mixin's end-to-end test: the example MCP server and LLM gateway
 * as child processes (with @mcpmeter/node's register() serving /metrics),
 * calls to the gateway, and Prometheus' alert states now and in the past.
 */
import { fileURLToPath } from 'node:url';
import { startNode, type Child } from './process.js';
import { freePort, type PromSample, type RunningPrometheus } from './prometheus.js';

const root = fileURLToPath(new URL('..', import.meta.url));

const SCRIPTS = {
  'mcp-server': ['examples/mcp-server/http.mjs', '/mcp'],
  'rug-pull': ['examples/mcp-server/rug-pull.mjs', '/mutate'],
  'llm-gateway': ['examples/llm-gateway/gateway.mjs', '/chat'],
} as const;

export interface Example {
  job: string;
  /** URL of the app (`…/mcp` for the server, `…/mutate` for rug-pull, `…/chat` for the gateway). */
  url: string;
  /** host:port of /metrics. */
  metrics: string;
  child: Child;
}

async function waitHttp(url: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) break;
    try {
      await (await fetch(url)).arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not answer; exit=${child.process.exitCode}\n${child.stderr()}`);
}

/**
 * Starts `examples/mcp-server/http.mjs`, `examples/mcp-server/rug-pull.mjs` or
 * `examples/llm-gateway/gateway.mjs` on free ports with the Prometheus exposition on
 * 127.0.0.1, traces off.
 */
export async function startExample(
  kind: keyof typeof SCRIPTS,
  job: string,
  env: Record<string, string> = {},
): Promise<Example> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const [script, path] = SCRIPTS[kind];
  const child = startNode([script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      OTEL_SERVICE_NAME: job,
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      OTEL_TRACES_EXPORTER: 'none',
      ...env,
    },
  });
  const base = `http://127.0.0.1:${port}`;
  await waitHttp(`${base}/healthz`, child);
  await waitHttp(`http://127.0.0.1:${metricsPort}/metrics`, child);
  return {
    job,
    url: `${base}${path}`,
    metrics: `127.0.0.1:${metricsPort}`,
    child,
  };
}

export interface ChatOptions {
  model?: string;
  stream?: boolean;
  /** x-fake-scenario of the fake upstream: fail-429, fail-500, fail-400, hang, … */
  scenario?: string;
  /** x-fake-usage of the fake upstream. */
  usage?: Record<string, number>;
}

/** One POST /chat to the gateway; resolves with the HTTP status once the body is read. */
export async function chat(url: string, o: ChatOptions = {}): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.scenario) headers['x-fake-scenario'] = o.scenario;
  if (o.usage) headers['x-fake-usage'] = JSON.stringify(o.usage);
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      messages: [{ role: 'user', content: 'hi' }],
      ...(o.model ? { model: o.model } : {}),
      ...(o.stream ? { stream: true } : {}),
    }),
  });
  await res.arrayBuffer();
  return res.status;
}

export type Labels = Record<string, string>;

export interface ActiveAlert {
  labels: Labels;
  state: 'pending' | 'firing';
}

const matches = (labels: Labels, want: Labels) =>
  Object.entries(want).every(([k, v]) => labels[k] === v);

/** Instant query at `time` (unix seconds; now when left out). */
export function queryAt(prom: RunningPrometheus, expr: string, time?: number) {
  const t = time === undefined ? '' : `&time=${time}`;
  return prom
    .api<{ result: PromSample[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}${t}`)
    .then((d) => d.result);
}

/** Waits until Prometheus reports `alert` firing with (at least) `labels`. */
export async function waitFiring(
  prom: RunningPrometheus,
  alert: string,
  labels: Labels,
  timeoutMs = 30_000,
): Promise<ActiveAlert> {
  const deadline = Date.now() + timeoutMs;
  let last: ActiveAlert[] = [];
  while (Date.now() < deadline) {
    last = (await prom.api<{ alerts: ActiveAlert[] }>('/api/v1/alerts')).alerts.filter(
      (a) => a.labels.alertname === alert,
    );
    const hit = last.find((a) => a.state === 'firing' && matches(a.labels, labels));
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${alert} ${JSON.stringify(labels)} did not fire in ${timeoutMs} ms; active: ${JSON.stringify(last)}`,
  );
}

/** PromQL selector of the ALERTS series of `alert` with `labels`. */
export function alertsSelector(alert: string, labels: Labels = {}): string {
  const m = Object.entries({ alertname: alert, ...labels }).map(
    ([k, v]) => `${k}=${JSON.stringify(v)}`,
  );
  return `ALERTS{${m.join(', ')}}`;
}

/**
 * ALERTS series (pending or firing) of `alert` with `labels` recorded between
 * `from` and `to` (unix seconds): empty when the alert stayed silent.
 */
export async function alertHistory(
  prom: RunningPrometheus,
  alert: string,
  labels: Labels,
  from: number,
  to: number,
): Promise<PromSample[]> {
  const range = Math.max(1, Math.ceil(to - from));
  return queryAt(prom, `max_over_time(${alertsSelector(alert, labels)}[${range}s])`, to);
}
