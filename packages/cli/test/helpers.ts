/* Shared parts of the cli tests: the built bin, wrapped transports, /metrics parsing. */
import { fileURLToPath } from 'node:url';
import type { Stream } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

export const BIN = fileURLToPath(new URL('../dist/bin.mjs', import.meta.url));
export const PY_SERVER = fileURLToPath(new URL('./fixtures/stdlib_server.py', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Environment for a wrapped server: metrics on a free 127.0.0.1 port, traces off unless given. */
export function wrapEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return {
    ...env,
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    OTEL_EXPORTER_PROMETHEUS_PORT: '0',
    MCPMETER_RUNTIME_METRICS: 'false',
    ...extra,
  };
}

export interface Wrapped {
  client: Client;
  transport: StdioClientTransport;
  metricsUrl: string;
  stderr(): string;
}

/** Connects an SDK `Client` to `command` run through `mcpmeter wrap`. */
export async function connectWrapped(
  command: string[],
  env: Record<string, string> = wrapEnv(),
  options: { wrapArgs?: string[]; client?: Client } = {},
): Promise<Wrapped> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'wrap', ...(options.wrapArgs ?? []), '--', ...command],
    env,
    stderr: 'pipe',
  });
  let err = '';
  (transport.stderr as Stream).on('data', (d: Buffer) => (err += d.toString()));
  const client = options.client ?? new Client({ name: 'wrap-test', version: '1.0.0' });
  await client.connect(transport);
  const metricsUrl =
    env.OTEL_METRICS_EXPORTER === 'otlp' || env.OTEL_METRICS_EXPORTER === 'none'
      ? ''
      : await waitFor(
          () => /metrics at (\S+)/.exec(err)?.[1],
          () => err,
        );
  return { client, transport, metricsUrl, stderr: () => err };
}

export async function waitFor<T>(
  get: () => T | undefined | Promise<T | undefined>,
  describe: () => string = () => '',
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out; ${describe()}`);
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text 0.0.4 (what /metrics answers without an Accept header). */
export function parseProm(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

export async function scrape(url: string): Promise<Sample[]> {
  return parseProm(await (await fetch(url)).text());
}

/** `{method|tool|error_type: count}` of `mcp_server_operation_duration_seconds_count`. */
export function operationCounts(samples: Sample[], method?: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (s.name !== 'mcp_server_operation_duration_seconds_count') continue;
    if (method !== undefined && s.labels.mcp_method_name !== method) continue;
    const key = `${s.labels.mcp_method_name}|${s.labels.gen_ai_tool_name ?? s.labels.gen_ai_prompt_name ?? ''}|${s.labels.error_type ?? ''}`;
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

export function gauge(samples: Sample[], name: string): number {
  return samples.filter((s) => s.name === name).reduce((a, s) => a + s.value, 0);
}

/** Tallies what the client saw per call, the way the wire telemetry must classify it. */
export class Expected {
  readonly counts: Record<string, number> = {};

  add(method: string, target: string, errorType: string): void {
    const key = `${method}|${target}|${errorType}`;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }

  /** Calls `tools/call` and records its outcome; `label` is the bounded tool label expected. */
  async call(
    client: Client,
    name: string,
    label: string,
    args: Record<string, unknown> = {},
    options: { signal?: AbortSignal; timeout?: number } = {},
  ): Promise<void> {
    try {
      const result = await client.callTool({ name, arguments: args }, undefined, options);
      this.add('tools/call', label, result.isError === true ? 'tool_error' : '');
    } catch (err) {
      if (options.signal?.aborted || (err instanceof McpError && err.code === -32001)) {
        this.add('tools/call', label, 'cancelled');
      } else if (err instanceof McpError) {
        this.add('tools/call', label, String(err.code));
      } else throw err;
    }
  }
}
