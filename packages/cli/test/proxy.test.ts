/*
 * `mcpmeter proxy` in front of a Streamable HTTP server (SDK 1.x), stateful and
 * stateless, SSE and JSON replies, driven by the SDK's Client: the same checks
 * as for wrap — counts per tool and error.type, gauges back to zero, bounded
 * tool labels, a server killed mid-call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startNode } from '../../../test-utils/process.js';
import { BIN, Expected, gauge, operationCounts, scrape, waitFor, wrapEnv } from './helpers.js';
import { CWD, startProxied, type Proxied } from './proxied.js';

const MODES = [
  { name: 'stateful, SSE', SESSIONS: 'stateful', JSON: '0' },
  { name: 'stateful, JSON', SESSIONS: 'stateful', JSON: '1' },
  { name: 'stateless, SSE', SESSIONS: 'stateless', JSON: '0' },
  { name: 'stateless, JSON', SESSIONS: 'stateless', JSON: '1' },
];

describe.each(MODES)('proxy: $name', (mode) => {
  const stateful = mode.SESSIONS === 'stateful';
  let p: Proxied;
  let client: Client;
  let transport: StreamableHTTPClientTransport;
  const expected = new Expected();

  beforeAll(async () => {
    p = await startProxied({ SESSIONS: mode.SESSIONS, JSON: mode.JSON });
    client = new Client({ name: 'proxy-test', version: '1.0.0' });
    transport = new StreamableHTTPClientTransport(new URL(p.url));
    await client.connect(transport);
  });
  afterAll(async () => {
    await client?.close();
    await p?.stop();
    if (p && /mcpmeter: (?!proxy: listening|proxy: metrics)/.test(p.proxy.stderr())) {
      console.log(p.proxy.stderr());
    }
  });

  it('counts every call by tool and error.type', async () => {
    await client.listTools();
    await client.listPrompts();
    for (let i = 0; i < 3; i++) await expected.call(client, 'echo', 'echo', { text: `t${i}` });
    for (let i = 0; i < 2; i++) await expected.call(client, 'fail', 'fail');
    for (let i = 0; i < 2; i++) await expected.call(client, `nope_${i}`, '_OTHER');
    for (let i = 0; i < 2; i++) await expected.call(client, 'echo', 'echo', { text: 1 });
    await client.getPrompt({ name: 'greet' });
    const ac = new AbortController();
    const cancelled = expected.call(client, 'slow', 'slow', { ms: 800 }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await cancelled;
    if (!stateful) {
      // Stateless: the cancel goes to another server instance (as in-process), so this
      // server finishes the call — and so does what the wire shows.
      expected.counts['tools/call|slow|cancelled']!--;
      expected.add('tools/call', 'slow', '');
    }
    expect(Object.values(expected.counts).reduce((a, b) => a + b, 0)).toBe(10);
    const samples = await waitFor(async () => {
      const s = await scrape(p.metricsUrl);
      return gauge(s, 'mcp_server_active_requests') === 0 ? s : undefined;
    });
    expect(operationCounts(samples, 'tools/call')).toEqual(
      Object.fromEntries(Object.entries(expected.counts).filter(([, n]) => n > 0)),
    );
    expect(operationCounts(samples)).toMatchObject({
      'initialize||': 1,
      'tools/list||': 1,
      'prompts/list||': 1,
      'prompts/get|greet|': 1,
    });
    const init = samples.find(
      (s) =>
        s.name === 'mcp_server_operation_duration_seconds_count' &&
        s.labels.mcp_method_name === 'initialize',
    );
    expect(init?.labels.network_transport).toBe('tcp');
    // Stateful: one open session; stateless: each initialize exchange was its own.
    expect(gauge(samples, 'mcp_server_active_sessions')).toBe(stateful ? 1 : 0);
  });

  it('10,000 invented tool names give at most the announced tools + 1 label values', async () => {
    for (let batch = 0; batch < 50; batch++) {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => expected.call(client, `inv_${batch}_${i}`, '_OTHER')),
      );
    }
    const samples = await waitFor(async () => {
      const s = await scrape(p.metricsUrl);
      return gauge(s, 'mcp_server_active_requests') === 0 ? s : undefined;
    });
    const labels = new Set(
      samples
        .filter((s) => s.name === 'mcp_server_operation_duration_seconds_count')
        .map((s) => s.labels.gen_ai_tool_name)
        .filter((t) => t !== undefined),
    );
    expect(labels.size).toBeLessThanOrEqual(4 + 1);
    expect(operationCounts(samples, 'tools/call')).toEqual(
      Object.fromEntries(Object.entries(expected.counts).filter(([, n]) => n > 0)),
    );
    // 2–30 s on a quiet machine; at load 15–17 on 2 cores it took 113–119 s (stateless SSE, the
    // dearest mode): a guard against a hang, not a speed limit.
  }, 300_000);

  // Only a stateful server has a session to end.
  if (stateful)
    it('ends the session on DELETE', async () => {
      await transport.terminateSession();
      const samples = await waitFor(async () => {
        const s = await scrape(p.metricsUrl);
        return gauge(s, 'mcp_server_active_sessions') === 0 ? s : undefined;
      });
      const sessions = samples.filter(
        (s) => s.name === 'mcp_server_session_duration_seconds_count',
      );
      expect(sessions).toEqual([expect.objectContaining({ value: 1 })]);
    });
});

describe('proxy: the server killed mid-call', () => {
  it('ends the open calls as connection_closed', async () => {
    const p = await startProxied({ SESSIONS: 'stateful', JSON: '0' });
    try {
      const client = new Client({ name: 'proxy-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(p.url)));
      await client.listTools();
      await client.callTool({ name: 'echo', arguments: { text: 'a' } });
      const slow = client
        .callTool({ name: 'slow', arguments: { ms: 10_000 } }, undefined, { timeout: 15_000 })
        .catch(() => 'closed');
      await new Promise((r) => setTimeout(r, 100));
      const crash = client
        .callTool({ name: 'crash', arguments: {} }, undefined, { timeout: 15_000 })
        .catch(() => 'closed');
      await p.server.exited;
      const samples = await waitFor(async () => {
        const s = await scrape(p.metricsUrl);
        return gauge(s, 'mcp_server_active_requests') === 0 ? s : undefined;
      });
      expect(operationCounts(samples, 'tools/call')).toEqual({
        'tools/call|echo|': 1,
        'tools/call|slow|connection_closed': 1,
        'tools/call|crash|connection_closed': 1,
      });
      void slow;
      void crash;
      await client.close().catch(() => {});
    } finally {
      await p.stop();
    }
  });
});

describe('proxy: edges', () => {
  it('an unreachable server: 502, the connect error as error.type, said once', async () => {
    const proxy = startNode(
      [BIN, 'proxy', '--target', 'http://127.0.0.1:1/mcp', '--listen', '127.0.0.1:0'],
      {
        cwd: CWD,
        env: wrapEnv(),
      },
    );
    try {
      const [, url] = await proxy.waitFor(/listening on (\S+)/);
      const [, metricsUrl] = await proxy.waitFor(/metrics at (\S+)/);
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
      for (let i = 0; i < 3; i++) {
        const res = await fetch(url!, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        expect(res.status).toBe(502);
        await res.arrayBuffer();
      }
      const samples = await scrape(metricsUrl!);
      expect(operationCounts(samples)).toEqual({ 'ping||ECONNREFUSED': 3 });
      expect(proxy.stderr().match(/cannot reach/g)).toHaveLength(1);
    } finally {
      await proxy.kill();
    }
  });

  it('malformed and large bodies pass through unchanged; the malformed one is counted', async () => {
    const p = await startProxied({ SESSIONS: 'stateless', JSON: '1' });
    try {
      const post = (body: string) =>
        fetch(p.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
          body,
        });
      const bad = await post('{"jsonrpc": "2.0", "id": 1, "method": ');
      expect(bad.status).toBe(500); // the fixture failed to parse the very bytes the client sent
      await bad.arrayBuffer();
      const big = JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'echo', arguments: { text: 'x'.repeat(3 << 20) } },
      });
      const res = await post(big);
      const text = await res.text();
      expect(text).toContain('x'.repeat(1000));
      const samples = await scrape(p.metricsUrl);
      expect(samples.find((s) => s.name === 'mcp_wire_malformed_messages_total')).toMatchObject({
        labels: { network_io_direction: 'receive' },
        value: 1,
      });
      expect(operationCounts(samples, 'tools/call')).toEqual({ 'tools/call|_OTHER|': 1 });
    } finally {
      await p.stop();
    }
  });
});

describe('proxy: resumption', () => {
  it('a reply on a stream resumed with Last-Event-ID ends the request the closed stream left open', async () => {
    const { createServer } = await import('node:http');
    const seen: { method?: string; lastEventId?: string }[] = [];
    const fake = createServer((req, res) => {
      seen.push({ method: req.method, lastEventId: req.headers['last-event-id'] as string });
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 'S1' });
        if (req.method === 'POST') {
          // A priming event with an id, then the server closes the stream (SSE polling).
          res.end('id: e1\ndata: \n\n');
        } else {
          res.end(`id: e2\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: 7, result: {} })}\n\n`);
        }
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const target = `http://127.0.0.1:${(fake.address() as { port: number }).port}/mcp`;
    const proxy = startNode([BIN, 'proxy', '--target', target, '--listen', '127.0.0.1:0'], {
      cwd: CWD,
      env: wrapEnv(),
    });
    try {
      const [, url] = await proxy.waitFor(/listening on (\S+)/);
      const [, metricsUrl] = await proxy.waitFor(/metrics at (\S+)/);
      const headers = { 'mcp-session-id': 'S1', accept: 'text/event-stream, application/json' };
      const post = await fetch(url!, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'ping' }),
      });
      expect(await post.text()).toBe('id: e1\ndata: \n\n');
      let samples = await scrape(metricsUrl!);
      expect(gauge(samples, 'mcp_server_active_requests')).toBe(1);
      const get = await fetch(url!, { headers: { ...headers, 'last-event-id': 'e1' } });
      expect(await get.text()).toContain('"id":7');
      expect(seen[1]).toEqual({ method: 'GET', lastEventId: 'e1' });
      samples = await scrape(metricsUrl!);
      expect(operationCounts(samples)).toEqual({ 'ping||': 1 });
      expect(gauge(samples, 'mcp_server_active_requests')).toBe(0);
    } finally {
      await proxy.kill();
      fake.close();
    }
  });
});
