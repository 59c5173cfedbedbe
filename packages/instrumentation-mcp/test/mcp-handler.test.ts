/*
 * mcp-handler (Vercel's adapter, 2.x) on node:http, with its own telemetry on
 * (it records a `vercel.rpc.*` SERVER span per message) and our manual API in
 * its initialize callback. Every request must make one trace: agent → our
 * CLIENT span → our SERVER span → mcp-handler's span.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, trace } from '@opentelemetry/api';
import { createMcpHandler } from 'mcp-handler';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  countOf,
  findMetric,
  setupTelemetry,
  type TestTelemetry,
} from '../../../test-utils/otel.js';
import { instrumentMcpClient, instrumentMcpServer } from '../src/index.js';
import { registerClawTools } from './fixtures/sdks.js';

let tel: TestTelemetry;
beforeAll(() => {
  tel = setupTelemetry();
});
afterEach(() => tel.spans.reset());
afterAll(() => tel.shutdown());

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function startMcpHandler() {
  const handler = createMcpHandler(
    (server: any) => {
      instrumentMcpServer(server);
      registerClawTools(server, ['fast', 'failing']);
    },
    { serverInfo: { name: 'vercel-claws', version: '1.0.0' } },
  );
  const ambient = trace.getTracer('ambient-http');
  const http = createServer((req, res) => {
    void ambient.startActiveSpan(`${req.method} /mcp`, { kind: SpanKind.SERVER }, async (span) => {
      try {
        const body = req.method === 'POST' ? await readBody(req) : undefined;
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v === 'string') headers.set(k, v);
        }
        const response = await handler(
          new Request(`http://${req.headers.host}${req.url}`, {
            method: req.method,
            headers,
            body,
          }),
        );
        res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
        if (response.body !== null) {
          for await (const c of response.body as unknown as AsyncIterable<Uint8Array>) res.write(c);
        }
        res.end();
      } catch (err) {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      } finally {
        span.end();
      }
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address() as { port: number };
  return {
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    close: () => new Promise((r) => http.close(r)),
  };
}

describe('mcp-handler on node:http', () => {
  it('one trace per request: our SERVER span under the client, mcp-handler span under ours', async () => {
    const server = await startMcpHandler();
    const before = await tel.collect();
    const client = instrumentMcpClient(new Client({ name: 'agent', version: '1.0.0' }));
    await client.connect(new StreamableHTTPClientTransport(server.url));
    await trace.getTracer('agent').startActiveSpan('agent turn', async (turn) => {
      await client.listTools();
      await client.callTool({ name: 'fast', arguments: {} });
      await client.callTool({ name: 'failing', arguments: {} });
      turn.end();
    });
    await client.close();
    await server.close();

    const spans = tel.finishedSpans();
    const turn = spans.find((s) => s.name === 'agent turn')!;
    const scope = (s: (typeof spans)[number]) => s.instrumentationScope.name;
    for (const name of ['tools/list', 'tools/call fast', 'tools/call failing']) {
      const clientSpan = spans.find(
        (s) => s.name === name && s.kind === SpanKind.CLIENT && scope(s) !== 'mcp-handler',
      )!;
      const ours = spans.filter(
        (s) => s.name === name && s.kind === SpanKind.SERVER && scope(s) !== 'mcp-handler',
      );
      const theirs = spans.filter((s) => s.name === name && scope(s) === 'mcp-handler');
      expect(ours, name).toHaveLength(1);
      expect(theirs, name).toHaveLength(1);
      expect(clientSpan.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
      expect(ours[0]!.parentSpanContext?.spanId).toBe(clientSpan.spanContext().spanId);
      expect(theirs[0]!.parentSpanContext?.spanId).toBe(ours[0]!.spanContext().spanId);
      expect(theirs[0]!.spanContext().traceId).toBe(turn.spanContext().traceId);
    }
    // Per request: our CLIENT span, our SERVER span, mcp-handler's span (+ the ambient
    // HTTP span, parent of nothing of ours but linked from our SERVER span).
    const inTurn = spans.filter((s) => s.spanContext().traceId === turn.spanContext().traceId);
    expect(inTurn).toHaveLength(1 + 3 * 3);
    // No span of ours for notifications/initialized (mcp-handler records one of its own).
    expect(
      spans.filter((s) => s.name === 'notifications/initialized' && scope(s) !== 'mcp-handler'),
    ).toHaveLength(0);

    const all = await tel.collect();
    const m = findMetric(all, 'mcp.server.operation.duration');
    const delta = (f: Record<string, string>) =>
      countOf(m, f) - countOf(findMetric(before, 'mcp.server.operation.duration'), f);
    expect(delta({ 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'fast' })).toBe(1);
    expect(delta({ 'mcp.method.name': 'tools/call', 'error.type': 'tool_error' })).toBe(1);
    for (const p of findMetric(all, 'mcp.server.active_sessions')?.dataPoints ?? []) {
      expect(p.value).toBe(0);
    }
  });
});
