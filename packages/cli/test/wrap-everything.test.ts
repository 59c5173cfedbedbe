/*
 * `mcpmeter wrap` in front of an unmodified npm server,
 * @modelcontextprotocol/server-everything over stdio, driven by the SDK's Client.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../../../test-utils/otlp-receiver.js';
import {
  Expected,
  connectWrapped,
  gauge,
  operationCounts,
  scrape,
  waitFor,
  wrapEnv,
  type Wrapped,
} from './helpers.js';
import { otlpSamples } from './otlp-metrics.js';

const require = createRequire(import.meta.url);
const EVERYTHING = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
const LONG = 'trigger-long-running-operation';

/** Pids of `pid`'s children (Linux). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

describe('wrap: @modelcontextprotocol/server-everything', () => {
  let w: Wrapped;
  let announced: string[];
  const expected = new Expected();

  beforeAll(async () => {
    w = await connectWrapped([process.execPath, EVERYTHING, 'stdio']);
    announced = (await w.client.listTools()).tools.map((t) => t.name);
  });
  afterAll(async () => {
    await w?.client.close();
  });

  it('counts every call by tool and error.type', async () => {
    const { client } = w;
    expect(announced).toContain('echo');
    expect(announced).toContain('get-sum');
    for (let i = 0; i < 4; i++) await expected.call(client, 'echo', 'echo', { message: `m${i}` });
    for (let i = 0; i < 3; i++) await expected.call(client, 'get-sum', 'get-sum', { a: i, b: 2 });
    for (let i = 0; i < 2; i++) await expected.call(client, 'get-sum', 'get-sum', { a: 'x' });
    for (let i = 0; i < 3; i++) await expected.call(client, `unknown_${i}`, '_OTHER');
    const ac = new AbortController();
    const cancelled = expected.call(
      client,
      LONG,
      LONG,
      { duration: 5, steps: 5 },
      { signal: ac.signal },
    );
    setTimeout(() => ac.abort(), 200);
    await cancelled;
    await expected.call(client, LONG, LONG, { duration: 5, steps: 5 }, { timeout: 200 });

    // What the server answered (1.x SDK versions differ: isError or a -32602 error) is
    // whatever the client saw; the wire counts must agree with it, call for call.
    const total = Object.values(expected.counts).reduce((a, b) => a + b, 0);
    expect(total).toBe(4 + 3 + 2 + 3 + 2);
    expect(expected.counts[`tools/call|echo|`]).toBe(4);
    expect(expected.counts[`tools/call|${LONG}|cancelled`]).toBe(2);
    // SDK 1.32 answers an unknown tool and invalid arguments with isError results.
    expect(expected.counts).toEqual({
      'tools/call|echo|': 4,
      'tools/call|get-sum|': 3,
      'tools/call|get-sum|tool_error': 2,
      'tools/call|_OTHER|tool_error': 3,
      [`tools/call|${LONG}|cancelled`]: 2,
    });
    const samples = await scrape(w.metricsUrl);
    expect(operationCounts(samples, 'tools/call')).toEqual(expected.counts);
    expect(operationCounts(samples)).toMatchObject({ 'initialize||': 1, 'tools/list||': 1 });
    expect(gauge(samples, 'mcp_server_active_requests')).toBe(0);
    expect(gauge(samples, 'mcp_server_active_sessions')).toBe(1);
  });

  it('10,000 invented tool names give at most the announced tools + 1 label values', async () => {
    const { client } = w;
    for (let batch = 0; batch < 50; batch++) {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          expected.call(client, `made_up_${batch}_${i}`, '_OTHER'),
        ),
      );
    }
    const samples = await scrape(w.metricsUrl);
    const labels = new Set(
      samples
        .filter((s) => s.name === 'mcp_server_operation_duration_seconds_count')
        .map((s) => s.labels.gen_ai_tool_name)
        .filter((t) => t !== undefined),
    );
    expect(labels.size).toBeLessThanOrEqual(announced.length + 1);
    expect(operationCounts(samples, 'tools/call')).toEqual(expected.counts);
    expect(gauge(samples, 'mcp_server_active_requests')).toBe(0);
  });
});

describe('wrap: server-everything killed mid-call', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver?.close());

  it('ends the open call as connection_closed and the session with it', async () => {
    const w = await connectWrapped(
      [process.execPath, EVERYTHING, 'stdio'],
      wrapEnv({
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/v1/metrics`,
      }),
    );
    const closed = new Promise<void>((r) => (w.client.onclose = () => r()));
    await w.client.listTools();
    await w.client.callTool({ name: 'echo', arguments: { message: 'x' } });
    const pending = w.client
      .callTool({ name: LONG, arguments: { duration: 10, steps: 2 } })
      .catch(() => 'closed');
    await new Promise((r) => setTimeout(r, 200));
    const [server] = childrenOf(w.transport.pid!);
    expect(server).toBeGreaterThan(0);
    process.kill(server!, 'SIGKILL');
    expect(await pending).toBe('closed');
    await closed;
    const samples = await waitFor(() => {
      const s = otlpSamples(receiver.metricPosts);
      return s.length > 0 ? s : undefined;
    });
    expect(operationCounts(samples, 'tools/call')).toEqual({
      'tools/call|echo|': 1,
      [`tools/call|${LONG}|connection_closed`]: 1,
    });
    expect(gauge(samples, 'mcp_server_active_requests')).toBe(0);
    expect(gauge(samples, 'mcp_server_active_sessions')).toBe(0);
  });
});
