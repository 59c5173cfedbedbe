/*
 * `mcpmeter wrap` in front of a Python MCP server written with the standard
 * library only (fixtures/stdlib_server.py), driven by the SDK's Client: per-tool
 * and per-error.type counts equal the calls made, gauges return to zero, tool
 * labels stay bounded, a child killed mid-call ends its requests as closed, and
 * a server that never answers initialize is still reported.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../../../test-utils/otlp-receiver.js';
import {
  BIN,
  Expected,
  PY_SERVER,
  connectWrapped,
  gauge,
  operationCounts,
  scrape,
  waitFor,
  wrapEnv,
  type Wrapped,
} from './helpers.js';
import { otlpSamples } from './otlp-metrics.js';

describe('wrap: a Python stdlib server', () => {
  let w: Wrapped;
  const expected = new Expected();

  beforeAll(async () => {
    w = await connectWrapped(['python3', PY_SERVER]);
  });
  afterAll(async () => {
    await w?.client.close();
  });

  it('counts every call by tool and error.type', async () => {
    const { client } = w;
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('echo');
    await client.listPrompts();
    for (let i = 0; i < 5; i++) await expected.call(client, 'echo', 'echo', { text: `hi ${i}` });
    for (let i = 0; i < 3; i++) await expected.call(client, 'fail', 'fail');
    for (let i = 0; i < 4; i++) await expected.call(client, `nope_${i}`, '_OTHER');
    for (let i = 0; i < 2; i++) await expected.call(client, 'echo', 'echo', { text: 42 });
    const ac = new AbortController();
    const cancelled = expected.call(client, 'slow', 'slow', { ms: 3000 }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await cancelled;
    await expected.call(client, 'slow', 'slow', { ms: 3000 }, { timeout: 100 });
    await client.getPrompt({ name: 'greet' });
    await client.ping();

    expect(expected.counts).toMatchObject({
      'tools/call|echo|': 5,
      'tools/call|fail|tool_error': 3,
      'tools/call|_OTHER|-32602': 4,
      'tools/call|echo|-32602': 2,
      'tools/call|slow|cancelled': 2,
    });
    const samples = await scrape(w.metricsUrl);
    expect(operationCounts(samples, 'tools/call')).toEqual(expected.counts);
    expect(operationCounts(samples)).toMatchObject({
      'initialize||': 1,
      'tools/list||': 1,
      'prompts/list||': 1,
      'prompts/get|greet|': 1,
      'ping||': 1,
    });
    expect(gauge(samples, 'mcp_server_active_requests')).toBe(0);
    expect(gauge(samples, 'mcp_server_active_sessions')).toBe(1);
    const init = samples.find(
      (s) =>
        s.name === 'mcp_server_operation_duration_seconds_count' &&
        s.labels.mcp_method_name === 'initialize',
    );
    expect(init?.labels).toMatchObject({
      mcp_protocol_version: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
      network_transport: 'pipe',
    });
  });

  it('10,000 invented tool names give at most the announced tools + 1 label values', async () => {
    const { client } = w;
    for (let batch = 0; batch < 100; batch++) {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          expected.call(client, `invented_${batch}_${i}`, '_OTHER'),
        ),
      );
    }
    const samples = await scrape(w.metricsUrl);
    const tools = new Set(
      samples
        .filter((s) => s.name === 'mcp_server_operation_duration_seconds_count')
        .map((s) => s.labels.gen_ai_tool_name)
        .filter((t) => t !== undefined),
    );
    expect(tools.size).toBeLessThanOrEqual(6 + 1);
    expect(operationCounts(samples, 'tools/call')).toEqual(expected.counts);
    expect(gauge(samples, 'mcp_server_active_requests')).toBe(0);
  });
});

describe('wrap: endings, over OTLP', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver?.close());

  const otlpEnv = () =>
    wrapEnv({
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/v1/metrics`,
    });

  it('a child killed mid-call ends its open requests as connection_closed', async () => {
    receiver.metricPosts.length = 0;
    const w = await connectWrapped(['python3', PY_SERVER], otlpEnv());
    const closed = new Promise<void>((r) => (w.client.onclose = () => r()));
    await w.client.listTools();
    await w.client.callTool({ name: 'echo', arguments: { text: 'a' } });
    const slow = w.client.callTool({ name: 'slow', arguments: { ms: 5000 } }).catch(() => 'closed');
    const crash = w.client.callTool({ name: 'crash', arguments: {} }).catch(() => 'closed');
    expect(await Promise.all([slow, crash])).toEqual(['closed', 'closed']);
    await closed;
    const samples = await waitFor(() => {
      const s = otlpSamples(receiver.metricPosts);
      return s.length > 0 ? s : undefined;
    });
    expect(operationCounts(samples, 'tools/call')).toEqual({
      'tools/call|echo|': 1,
      'tools/call|slow|connection_closed': 1,
      'tools/call|crash|connection_closed': 1,
    });
    expect(gauge(samples, 'mcp_server_active_requests')).toBe(0);
    expect(gauge(samples, 'mcp_server_active_sessions')).toBe(0);
    const session = samples.find((s) => s.name === 'mcp_server_session_duration_seconds_count');
    expect(session).toMatchObject({ value: 1, labels: { error_type: 'connection_closed' } });
  });

  it('a server that never answers initialize is still reported', async () => {
    receiver.metricPosts.length = 0;
    const child = spawn(process.execPath, [BIN, 'wrap', '--', 'python3', PY_SERVER], {
      env: { ...otlpEnv(), MODE: 'never-initialize' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`,
    );
    // Signal once the server runs (before, mcpmeter is still loading and has nothing to forward to).
    await waitFor(() => {
      try {
        return (
          readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim() || undefined
        );
      } catch {
        return undefined;
      }
    });
    await new Promise((r) => setTimeout(r, 200));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    const code = await exited;
    expect(code).toBe(128 + 15);
    expect(out).toBe('');
    expect(err).toMatch(
      /mcpmeter: wrap: the server exited \(status 143\) before answering initialize/,
    );
    const samples = otlpSamples(receiver.metricPosts);
    expect(operationCounts(samples)).toEqual({ 'initialize||connection_closed': 1 });
    expect(gauge(samples, 'mcp_server_active_requests')).toBe(0);
  });
});
