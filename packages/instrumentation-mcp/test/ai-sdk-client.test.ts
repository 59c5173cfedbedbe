/*
 * The Vercel AI SDK's MCP client (`createMCPClient` of `@ai-sdk/mcp`), real,
 * against instrumented servers of the official SDK: over an in-memory pair on
 * the 2025 protocol, and over HTTP on protocol 2026-07-28 (server/discover,
 * a Multi Round-Trip Request with an elicitation round).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, trace } from '@opentelemetry/api';
import { createMCPClient, ElicitationRequestSchema } from '@ai-sdk/mcp';
// AI SDK 4.3 shipped its own MCP client, as experimental_createMCPClient (installed under an alias).
import { experimental_createMCPClient as createMCPClientV4 } from 'ai-v4';
import { McpServer as McpServer1 } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InMemoryTransport as InMemory1 } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  countOf,
  findMetric,
  setupTelemetry,
  type TestTelemetry,
} from '../../../test-utils/otel.js';
import { instrumentMcpClient, instrumentMcpServer } from '../src/index.js';
import { registerClawTools } from './fixtures/sdks.js';
import { startModernHttp } from './fixtures/modern-http.js';

let tel: TestTelemetry;
beforeAll(() => {
  tel = setupTelemetry();
});
afterEach(() => tel.spans.reset());
afterAll(() => tel.shutdown());

const CLIENT_DURATION = 'mcp.client.operation.duration';
const SERVER_DURATION = 'mcp.server.operation.duration';

describe('@ai-sdk/mcp createMCPClient', () => {
  it('2025 protocol: CLIENT spans, client metrics, one trace agent → client → server', async () => {
    const server = instrumentMcpServer(new McpServer1({ name: 'claws', version: '1.0.0' }));
    registerClawTools(server, ['fast', 'failing']);
    const [clientSide, serverSide] = InMemory1.createLinkedPair();
    await server.connect(serverSide);
    const before = await tel.collect();
    const client = instrumentMcpClient(await createMCPClient({ transport: clientSide as any }));
    const tools = await client.tools();
    expect(Object.keys(tools).sort()).toEqual(['failing', 'fast']);
    await trace.getTracer('agent').startActiveSpan('agent turn', async (turn) => {
      await (tools.fast as any).execute({}, { toolCallId: '1', messages: [] });
      await (tools.failing as any).execute({}, { toolCallId: '2', messages: [] });
      turn.end();
    });
    await client.close();
    await server.close();

    const spans = tel.finishedSpans();
    const turn = spans.find((s) => s.name === 'agent turn')!;
    const clientSpan = spans.find(
      (s) => s.name === 'tools/call fast' && s.kind === SpanKind.CLIENT,
    )!;
    const serverSpan = spans.find(
      (s) => s.name === 'tools/call fast' && s.kind === SpanKind.SERVER,
    )!;
    expect(clientSpan.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
    expect(serverSpan.parentSpanContext?.spanId).toBe(clientSpan.spanContext().spanId);
    expect(serverSpan.spanContext().traceId).toBe(turn.spanContext().traceId);
    const failing = spans.find(
      (s) => s.name === 'tools/call failing' && s.kind === SpanKind.CLIENT,
    )!;
    expect(failing.attributes['error.type']).toBe('tool_error');
    // tools/list, two calls: CLIENT + SERVER each; the handshake happened before instrumentMcpClient.
    expect(spans.filter((s) => s.kind === SpanKind.CLIENT)).toHaveLength(3);

    const all = await tel.collect();
    const duration = findMetric(all, CLIENT_DURATION);
    const calls = { 'mcp.method.name': 'tools/call' };
    const callsBefore = countOf(findMetric(before, CLIENT_DURATION), calls);
    expect(countOf(duration, calls) - callsBefore).toBe(2);
    expect(countOf(duration, { ...calls, 'gen_ai.tool.name': 'fast' })).toBeGreaterThanOrEqual(1);
    expect(
      countOf(findMetric(all, 'mcp.client.session.duration')) -
        countOf(findMetric(before, 'mcp.client.session.duration')),
    ).toBe(1);
    const active = findMetric(all, 'mcp.client.active_requests');
    for (const p of active?.dataPoints ?? []) expect(p.value).toBe(0);
  });

  it('experimental_createMCPClient of AI SDK 4.3: CLIENT spans and one trace to the server', async () => {
    const server = instrumentMcpServer(new McpServer1({ name: 'claws-v4', version: '1.0.0' }));
    registerClawTools(server, ['fast']);
    const [clientSide, serverSide] = InMemory1.createLinkedPair();
    await server.connect(serverSide);
    const client = instrumentMcpClient(await createMCPClientV4({ transport: clientSide as any }));
    const tools = await client.tools();
    await trace.getTracer('agent').startActiveSpan('agent turn', async (turn) => {
      await (tools.fast as any).execute({}, { toolCallId: '1', messages: [] });
      turn.end();
    });
    await client.close();
    await server.close();
    const spans = tel.finishedSpans();
    const turn = spans.find((s) => s.name === 'agent turn')!;
    const clientSpan = spans.find(
      (s) => s.name === 'tools/call fast' && s.kind === SpanKind.CLIENT,
    )!;
    const serverSpan = spans.find(
      (s) => s.name === 'tools/call fast' && s.kind === SpanKind.SERVER,
    )!;
    expect(clientSpan.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
    expect(serverSpan.parentSpanContext?.spanId).toBe(clientSpan.spanContext().spanId);
  });

  it('2025 protocol: an elicitation the server sends is a SERVER span on the client, in the same trace', async () => {
    const server = instrumentMcpServer(new McpServer1({ name: 'asking', version: '1.0.0' }));
    server.registerTool('ask', { description: 'asks the user' }, async () => {
      const answer = await server.server.elicitInput({
        message: 'Sure?',
        requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } },
      });
      return { content: [{ type: 'text', text: String(answer.action) }] };
    });
    const [clientSide, serverSide] = InMemory1.createLinkedPair();
    await server.connect(serverSide);
    const client = instrumentMcpClient(
      await createMCPClient({
        transport: clientSide as any,
        capabilities: { elicitation: {} },
      } as any),
    );
    client.onElicitationRequest(ElicitationRequestSchema, async () => ({
      action: 'accept',
      content: { ok: true },
    }));
    await client.listTools();
    await trace.getTracer('agent').startActiveSpan('agent turn', async (turn) => {
      const r = await client.callTool({ name: 'ask', arguments: {} });
      expect((r as any).content[0].text).toBe('accept');
      turn.end();
    });
    await client.close();
    await server.close();

    const spans = tel.finishedSpans();
    const turn = spans.find((s) => s.name === 'agent turn')!;
    const sent = spans.find((s) => s.name === 'elicitation/create' && s.kind === SpanKind.CLIENT)!;
    const handled = spans.find(
      (s) => s.name === 'elicitation/create' && s.kind === SpanKind.SERVER,
    )!;
    expect(handled.parentSpanContext?.spanId).toBe(sent.spanContext().spanId);
    expect(handled.spanContext().traceId).toBe(turn.spanContext().traceId);
    expect(handled.attributes['error.type']).toBeUndefined();
  });

  it('2026-07-28: server/discover, and a Multi Round-Trip Request as one logical operation', async () => {
    const http = await startModernHttp((s) => instrumentMcpServer(s));
    try {
      const before = await tel.collect();
      const client = instrumentMcpClient(
        await createMCPClient({
          transport: { type: 'http', url: http.url.href },
          capabilities: { elicitation: { form: {} } },
        } as any),
      );
      expect((client as any).protocolVersion).toBe('2026-07-28');
      await client.listTools(); // what an agent does first; tool labels come from it
      client.onElicitationRequest(ElicitationRequestSchema, async () => {
        await new Promise((r) => setTimeout(r, 40));
        return { action: 'accept', content: { confirm: true } };
      });
      const result = await trace.getTracer('agent').startActiveSpan('agent turn', async (turn) => {
        const r = await client.callTool({ name: 'confirm_deploy', arguments: { env: 'prod' } });
        turn.end();
        return r;
      });
      expect((result as any).content[0].text).toBe('deployed to prod');
      await client.close();

      const spans = tel.finishedSpans();
      const turn = spans.find((s) => s.name === 'agent turn')!;
      const call = spans.filter(
        (s) => s.name === 'tools/call confirm_deploy' && s.kind === SpanKind.CLIENT,
      );
      expect(call).toHaveLength(1);
      expect(call[0]!.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
      expect(call[0]!.attributes['mcp.request.round_count']).toBe(2);
      expect(call[0]!.attributes['mcp.request.input_wait.duration']).toBeGreaterThanOrEqual(0.03);
      expect(call[0]!.events.map((e) => e.name)).toEqual([
        'mcp.input_required',
        'mcp.request.round',
      ]);
      expect(call[0]!.events[0]!.attributes?.['mcp.input_request.methods']).toEqual([
        'elicitation/create',
      ]);
      // Each round is a request of its own on the server, both in the call's trace.
      const rounds = spans.filter(
        (s) => s.name === 'tools/call confirm_deploy' && s.kind === SpanKind.SERVER,
      );
      expect(rounds).toHaveLength(2);
      for (const r of rounds) {
        expect(r.parentSpanContext?.spanId).toBe(call[0]!.spanContext().spanId);
      }
      expect(rounds.map((r) => r.attributes['mcp.result_type'])).toEqual([
        'input_required',
        undefined,
      ]);

      const all = await tel.collect();
      const delta = (name: string, attrs: Record<string, string>) =>
        countOf(findMetric(all, name), attrs) - countOf(findMetric(before, name), attrs);
      const confirm = { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'confirm_deploy' };
      expect(delta(CLIENT_DURATION, confirm)).toBe(1);
      expect(delta(SERVER_DURATION, confirm)).toBe(1);
      expect(delta(SERVER_DURATION, { 'mcp.method.name': 'server/discover' })).toBe(1);
      expect(delta(SERVER_DURATION, { 'mcp.method.name': '_OTHER' })).toBe(0);
      // Sessionless: no session opened on the server, none left open.
      for (const p of findMetric(all, 'mcp.server.active_sessions')?.dataPoints ?? []) {
        expect(p.value).toBe(0);
      }
    } finally {
      await http.close();
    }
  });
});
