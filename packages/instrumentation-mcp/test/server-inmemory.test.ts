import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  countOf,
  findMetric,
  labelValues,
  setupTelemetry,
  type TestTelemetry,
} from '../../../test-utils/otel.js';
import { instrumentMcpServer } from '../src/index.js';
import { SDKS, connectInMemory, registerClawTools } from './fixtures/sdks.js';

let tel: TestTelemetry;
beforeAll(() => {
  tel = setupTelemetry();
});
afterEach(() => tel.spans.reset());
afterAll(() => tel.shutdown());

const DURATION = 'mcp.server.operation.duration';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';

for (const sdk of SDKS) {
  describe(`${sdk.name} McpServer over InMemoryTransport`, () => {
    it('counts every tools/call per tool and error.type exactly', async () => {
      const before = await tel.collect();
      const server = new sdk.McpServer({ name: `claws-${sdk.name}`, version: '1.0.0' });
      registerClawTools(server, ['fast', 'failing']);
      // Instrumented between registrations, twice: idempotent, sees tools added later.
      instrumentMcpServer(server);
      instrumentMcpServer(server);
      registerClawTools(server, ['slow', 'throwing', 'sharpen_claw']);
      const { client, close } = await connectInMemory(sdk, server);
      const call = (name: string, args: object = {}) =>
        sdk.callTool(client, { name, arguments: args }).catch((e: unknown) => e);
      for (let i = 0; i < 3; i++) await call('fast');
      for (let i = 0; i < 2; i++) await call('failing');
      await call('throwing');
      await call('no_such_tool');
      await call('also_invented');
      await call('sharpen_claw', { times: 'x' });
      for (let i = 0; i < 4; i++) await call('sharpen_claw', { times: i + 1 });
      await call('slow', { ms: 5 });
      await close();

      const after = await tel.collect();
      const m = findMetric(after, DURATION);
      const delta = (filter: Record<string, string>) =>
        countOf(m, filter) - countOf(findMetric(before, DURATION), filter);
      const tool = (name: string, errorType?: string) =>
        delta({
          'mcp.method.name': 'tools/call',
          'gen_ai.tool.name': name,
          ...(errorType ? { 'error.type': errorType } : {}),
        });
      expect(tool('fast')).toBe(3);
      expect(tool('failing', 'tool_error')).toBe(2);
      expect(tool('throwing', 'TypeError')).toBe(1);
      expect(tool('_OTHER', '-32602')).toBe(2);
      expect(tool('sharpen_claw', '-32602')).toBe(1);
      expect(tool('sharpen_claw')).toBe(5);
      expect(tool('slow')).toBe(1);
      expect(delta({ 'mcp.method.name': 'tools/call' })).toBe(14);
      expect(delta({ 'mcp.method.name': 'initialize' })).toBe(1);
      // successes carry no error.type at all
      const ok = m!.dataPoints.filter(
        (p) =>
          p.attributes['gen_ai.tool.name'] === 'fast' && p.attributes['error.type'] === undefined,
      );
      expect(ok).toHaveLength(1);

      // tool-scoped custom metric carries the tool name by itself
      const level = findMetric(after, 'claw.sharpness.level');
      expect(labelValues(level, 'gen_ai.tool.name')).toEqual(new Set(['sharpen_claw']));
      expect(countOf(level, { 'gen_ai.tool.name': 'sharpen_claw' })).toBeGreaterThanOrEqual(4);

      // sessions: one opened and closed
      const sessions = findMetric(after, 'mcp.server.session.duration');
      expect(countOf(sessions) - countOf(findMetric(before, 'mcp.server.session.duration'))).toBe(
        1,
      );
      expect(countOf(findMetric(after, 'mcp.server.active_requests'))).toBe(0);
      expect(countOf(findMetric(after, 'mcp.server.active_sessions'))).toBe(0);
    });

    it('makes SERVER spans named per tool with the semconv attributes and parents from _meta', async () => {
      const server = instrumentMcpServer(new sdk.McpServer({ name: 'claws', version: '1.0.0' }));
      registerClawTools(server);
      const { client, close } = await connectInMemory(sdk, server);
      await sdk.callTool(client, {
        name: 'fast',
        arguments: {},
        _meta: { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01`, baggage: 'user=alice' },
      });
      await sdk.callTool(client, { name: 'failing', arguments: {} });
      // malformed _meta never breaks a call
      await sdk.callTool(client, {
        name: 'fast',
        arguments: {},
        _meta: { traceparent: 42, baggage: ['x'] },
      });
      await sdk.callTool(client, {
        name: 'fast',
        arguments: {},
        _meta: { traceparent: 'garbage' },
      });
      await close();

      const spans = tel.finishedSpans().filter((s) => s.name.startsWith('tools/call'));
      expect(spans.map((s) => s.name)).toEqual([
        'tools/call fast',
        'tools/call failing',
        'tools/call fast',
        'tools/call fast',
      ]);
      const [withParent, failing, malformed] = spans;
      expect(withParent!.kind).toBe(SpanKind.SERVER);
      expect(withParent!.spanContext().traceId).toBe(TRACE_ID);
      expect(withParent!.parentSpanContext?.spanId).toBe(PARENT_SPAN);
      expect(withParent!.attributes).toMatchObject({
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': 'fast',
        'gen_ai.operation.name': 'execute_tool',
        'mcp.protocol.version': expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
      expect(withParent!.attributes['jsonrpc.request.id']).toMatch(/^\d+$/);
      expect(withParent!.attributes['error.type']).toBeUndefined();
      expect(withParent!.status.code).toBe(SpanStatusCode.UNSET);
      expect(failing!.attributes['error.type']).toBe('tool_error');
      expect(failing!.status.code).toBe(SpanStatusCode.ERROR);
      expect(malformed!.spanContext().traceId).not.toBe(TRACE_ID);
      expect(malformed!.parentSpanContext).toBeUndefined();
      // content is off by default
      expect(withParent!.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
    });

    it('puts mcp.resource.uri on resources/read spans, never on metrics', async () => {
      const server = instrumentMcpServer(new sdk.McpServer({ name: 'claws', version: '1.0.0' }));
      const uri = 'file:///claws/' + 'x'.repeat(3000);
      server.registerResource('claw-log', uri, { description: 'A long URI.' }, (u: URL) => ({
        contents: [{ uri: u.href, text: 'sharp' }],
      }));
      server.registerResource('config', 'config://app', {}, (u: URL) => ({
        contents: [{ uri: u.href, text: '{}' }],
      }));
      const { client, close } = await connectInMemory(sdk, server);
      const read = await client.readResource({ uri: 'config://app' });
      expect(read.contents[0].text).toBe('{}');
      await client.readResource({ uri });
      await close();
      const spans = tel
        .finishedSpans()
        .filter((s) => s.attributes['mcp.method.name'] === 'resources/read');
      expect(spans.map((s) => s.name)).toEqual(['resources/read', 'resources/read']);
      expect(spans[0]!.attributes['mcp.resource.uri']).toBe('config://app');
      // Capped: a URI is the client's to choose.
      expect(spans[1]!.attributes['mcp.resource.uri']).toBe(uri.slice(0, 2048));
      const m = findMetric(await tel.collect(), DURATION);
      expect(countOf(m, { 'mcp.method.name': 'resources/read' })).toBeGreaterThanOrEqual(2);
      for (const p of m!.dataPoints) expect(p.attributes['mcp.resource.uri']).toBeUndefined();
    });

    it('names JSON-RPC errors by code and keeps client faults off the span status', async () => {
      const server = instrumentMcpServer(new sdk.McpServer({ name: 'claws', version: '1.0.0' }));
      registerClawTools(server, ['fast']);
      const { client, close } = await connectInMemory(sdk, server);
      // prompts/get with no prompts registered: the SDK answers -32601 (no handler)
      await client
        .request({ method: 'prompts/get', params: { name: 'x' } }, (await import('zod')).z.any())
        .catch(() => undefined);
      await close();
      const span = tel
        .finishedSpans()
        .find((s) => s.attributes['mcp.method.name'] === 'prompts/get');
      expect(span).toBeDefined();
      expect(span!.attributes['error.type']).toBe('-32601');
      expect(span!.attributes['rpc.response.status_code']).toBe('-32601');
      expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    });

    it('records content only when asked, capped and redacted, never on metrics', async () => {
      const server = instrumentMcpServer(new sdk.McpServer({ name: 'claws', version: '1.0.0' }), {
        captureContent: true,
        maxContentLength: 40,
        redactContent: (kind, value) =>
          kind === 'tool.arguments' ? { ...(value as object), secret: '***' } : value,
      });
      registerClawTools(server, ['sharpen_claw']);
      const { client, close } = await connectInMemory(sdk, server);
      await sdk.callTool(client, {
        name: 'sharpen_claw',
        arguments: { times: 2, secret: 'hunter2' },
      });
      await close();
      const span = tel.finishedSpans().find((s) => s.name === 'tools/call sharpen_claw')!;
      const args = span.attributes['gen_ai.tool.call.arguments'] as string;
      expect(JSON.parse(args)).toEqual({ times: 2, secret: '***' });
      const result = span.attributes['gen_ai.tool.call.result'] as string;
      expect(result.endsWith('…[truncated]')).toBe(true);
      expect(result.length).toBe(40 + '…[truncated]'.length);
      const m = findMetric(await tel.collect(), DURATION)!;
      for (const p of m.dataPoints) {
        expect(Object.keys(p.attributes).some((k) => k.startsWith('gen_ai.tool.call'))).toBe(false);
      }
    });

    it('bounds tool labels of a low-level Server to the names it lists', async () => {
      const { z } = await import('zod');
      const server = new sdk.Server(
        { name: `low-${sdk.name}`, version: '1.0.0' },
        { capabilities: { tools: {} } },
      );
      instrumentMcpServer(server);
      const listSchema =
        sdk.name === 'sdk1'
          ? (await import('@modelcontextprotocol/sdk/types.js')).ListToolsRequestSchema
          : 'tools/list';
      const callSchema =
        sdk.name === 'sdk1'
          ? (await import('@modelcontextprotocol/sdk/types.js')).CallToolRequestSchema
          : 'tools/call';
      server.setRequestHandler(listSchema, async () => ({
        tools: [{ name: 'echo', inputSchema: { type: 'object' } }],
      }));
      server.setRequestHandler(callSchema, async (req: any) => ({
        content: [{ type: 'text', text: String(req.params.name) }],
      }));
      void z;
      const { client, close } = await connectInMemory(sdk, server);
      await sdk.callTool(client, { name: 'echo', arguments: {} }).catch(() => undefined);
      await client.listTools();
      await sdk.callTool(client, { name: 'echo', arguments: {} });
      await sdk.callTool(client, { name: 'invented', arguments: {} }).catch(() => undefined);
      await close();
      const names = tel
        .finishedSpans()
        .filter((s) => s.attributes['mcp.method.name'] === 'tools/call')
        .map((s) => s.name);
      // before tools/list the name is unknown; after it, echo is a label; invented never is
      expect(names).toEqual(['tools/call', 'tools/call echo', 'tools/call']);
    });
  });
}
