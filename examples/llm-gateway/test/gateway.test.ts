import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway } from '../gateway.mjs';
import {
  DEFAULT_USAGE,
  fakeHeaders,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test-utils/llm-upstream.js';
import {
  countOf,
  findMetric,
  setupTelemetry,
  sumOf,
  type TestTelemetry,
} from '../../../test-utils/otel.js';
import { freePort } from '../../../test-utils/prometheus.js';

describe('llm-gateway (in process)', () => {
  let otel: TestTelemetry;
  let upstream: FakeUpstream;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  beforeEach(async () => {
    otel = setupTelemetry();
    upstream = await startFakeUpstream();
    gateway = await startGateway({ upstreamBaseURL: upstream.baseURL, providerName: 'openai' });
  });
  afterEach(async () => {
    await gateway.close();
    await upstream.close();
    await otel.shutdown();
  });

  const chat = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('relays JSON and streamed chats and records their tokens and cost', async () => {
    const res = await chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { content: string; usage: { prompt_tokens: number } };
    expect(json.content).toContain('Hello');
    const sse = await chat({
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      model: 'gpt-4.1',
    });
    expect(await sse.text()).toContain('[DONE]');
    const all = await otel.collect();
    const tokens = findMetric(all, 'gen_ai.client.token.usage');
    expect(sumOf(tokens, { 'gen_ai.token.type': 'input' })).toBe(2 * DEFAULT_USAGE.input);
    expect(sumOf(findMetric(all, 'gen_ai.client.cost.usd'))).toBeGreaterThan(0);
    expect(countOf(findMetric(all, 'gen_ai.client.operation.time_to_first_chunk'))).toBe(1);
  });

  it('answers 502 on upstream errors and records them by status', async () => {
    const res = await chat(
      { messages: [{ role: 'user', content: 'hi' }] },
      fakeHeaders({ scenario: 'fail-429' }),
    );
    expect(res.status).toBe(502);
    const all = await otel.collect();
    expect(
      countOf(findMetric(all, 'gen_ai.client.operation.duration'), { 'error.type': '429' }),
    ).toBe(1);
    expect(sumOf(findMetric(all, 'gen_ai.client.active_requests'))).toBe(0);
  });

  it('cuts an upstream that does not answer within timeoutMs: 504, recorded as a timeout', async () => {
    const slow = await startGateway({
      upstreamBaseURL: upstream.baseURL,
      providerName: 'openai',
      timeoutMs: 200,
    });
    try {
      const res = await fetch(`${slow.url}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...fakeHeaders({ scenario: 'hang' }) },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(504);
      expect(((await res.json()) as { error: string }).error).toContain('timeout');
    } finally {
      await slow.close();
    }
    const all = await otel.collect();
    expect(
      countOf(findMetric(all, 'gen_ai.client.operation.duration'), { 'error.type': 'timeout' }),
    ).toBe(1);
    expect(sumOf(findMetric(all, 'gen_ai.client.active_requests'))).toBe(0);
  });

  it('rejects a body without messages with a clear message', async () => {
    const res = await chat({ prompt: 'hi' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('messages');
  });
});

describe('llm-gateway (process with @mcpmeter/node register)', () => {
  let child: ChildProcess;
  let metricsPort: number;
  let gatewayUrl: string;
  let stderr = '';
  beforeAll(async () => {
    metricsPort = await freePort();
    child = spawn(process.execPath, [fileURLToPath(new URL('../gateway.mjs', import.meta.url))], {
      env: {
        ...process.env,
        PORT: '0',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
        OTEL_TRACES_EXPORTER: 'none',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 30_000;
    while (!/POST (http:\/\/\S+)\/chat/.test(stderr)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`gateway did not start:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    gatewayUrl = /POST (http:\/\/\S+)\/chat/.exec(stderr)![1]!;
  });
  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('serves the LLM metrics under their Prometheus names and writes nothing to stdout', async () => {
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    for (const stream of [false, true]) {
      const res = await fetch(`${gatewayUrl}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], stream }),
      });
      await res.text();
    }
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(text).toMatch(
      /^gen_ai_client_cost_usd_total\{[^}]*gen_ai_token_type="input"[^}]*\} [0-9.e-]+$/m,
    );
    expect(text).toMatch(
      /^gen_ai_client_token_usage_sum\{[^}]*gen_ai_token_type="input"[^}]*\} 240$/m,
    );
    // The contract names end in `_seconds`; @mcpmeter/node's exposition currently emits the
    // official exporter's names without unit suffix, so both spellings are accepted here.
    expect(text).toMatch(/^gen_ai_client_operation_duration(_seconds)?_count\{[^}]*\} 2$/m);
    expect(text).toMatch(
      /^gen_ai_client_operation_time_to_first_chunk(_seconds)?_count\{[^}]*\} 1$/m,
    );
    expect(text).toContain('mcpmeter_price_source="catalog"');
    expect(stdout).toBe('');
  });
});
