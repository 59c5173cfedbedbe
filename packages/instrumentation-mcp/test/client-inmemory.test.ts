import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import {
  countOf,
  findMetric,
  setupTelemetry,
  type TestTelemetry,
} from '../../../test-utils/otel.js';
import { instrumentMcpClient, instrumentMcpServer } from '../src/index.js';
import { SDKS, registerClawTools, type Sdk } from './fixtures/sdks.js';
import { registerMetaTool } from './fixtures/meta-tool.js';

let tel: TestTelemetry;
beforeAll(() => {
  tel = setupTelemetry();
});
afterEach(() => tel.spans.reset());
afterAll(() => tel.shutdown());

const DURATION = 'mcp.client.operation.duration';

async function pair(sdk: Sdk, opts: { instrumentServer?: boolean } = {}) {
  const server = new sdk.McpServer({ name: `claws-${sdk.name}`, version: '1.0.0' });
  registerClawTools(server);
  registerMetaTool(server, sdk);
  if (opts.instrumentServer !== false) instrumentMcpServer(server);
  const [clientSide, serverSide] = sdk.InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = instrumentMcpClient(new sdk.Client({ name: 'agent', version: '1.0.0' }));
  await client.connect(clientSide);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

for (const sdk of SDKS) {
  describe(`${sdk.name} Client over InMemoryTransport`, () => {
    it('makes CLIENT spans that parent the server span, under the caller span', async () => {
      const { client, close } = await pair(sdk);
      await client.listTools();
      const tracer = trace.getTracer('agent');
      await tracer.startActiveSpan('agent turn', async (parent) => {
        await sdk.callTool(client, { name: 'fast', arguments: {} });
        parent.end();
      });
      await close();
      const spans = tel.finishedSpans();
      const parent = spans.find((s) => s.name === 'agent turn')!;
      const clientSpan = spans.find(
        (s) => s.name === 'tools/call fast' && s.kind === SpanKind.CLIENT,
      )!;
      const serverSpan = spans.find(
        (s) => s.name === 'tools/call fast' && s.kind === SpanKind.SERVER,
      )!;
      expect(clientSpan).toBeDefined();
      expect(serverSpan).toBeDefined();
      const traceId = parent.spanContext().traceId;
      expect(clientSpan.spanContext().traceId).toBe(traceId);
      expect(serverSpan.spanContext().traceId).toBe(traceId);
      expect(clientSpan.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(serverSpan.parentSpanContext?.spanId).toBe(clientSpan.spanContext().spanId);
      expect(clientSpan.attributes).toMatchObject({
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': 'fast',
        'gen_ai.operation.name': 'execute_tool',
      });
      expect(clientSpan.attributes['error.type']).toBeUndefined();
      expect(spans.some((s) => s.name === 'initialize' && s.kind === SpanKind.CLIENT)).toBe(true);
    });

    it('puts traceparent, tracestate and baggage in _meta without clobbering the caller keys', async () => {
      const { client, close } = await pair(sdk);
      const tracer = trace.getTracer('agent');
      const bag = propagation.createBaggage({ 'user.tier': { value: 'gold' } });
      const args = {
        name: 'meta',
        arguments: {},
        _meta: { progressToken: 'mine', traceparent: 'x' },
      };
      const frozen = JSON.stringify(args);
      let seen: Record<string, unknown> = {};
      let fresh: Record<string, unknown> = {};
      await context.with(propagation.setBaggage(context.active(), bag), () =>
        tracer.startActiveSpan('agent turn', async (parent) => {
          const r = await sdk.callTool(client, args);
          seen = JSON.parse(r.content[0].text);
          const r2 = await sdk.callTool(client, { name: 'meta', arguments: {} });
          fresh = JSON.parse(r2.content[0].text);
          parent.end();
        }),
      );
      await close();
      // The caller's object is untouched and its keys win.
      expect(JSON.stringify(args)).toBe(frozen);
      expect(seen.progressToken).toBe('mine');
      expect(seen.traceparent).toBe('x');
      expect(seen.baggage).toBe('user.tier=gold');
      // Without caller keys, the client span's context travels.
      const clientSpans = tel
        .finishedSpans()
        .filter((s) => s.name === 'tools/call meta' && s.kind === SpanKind.CLIENT);
      const second = clientSpans[1]!;
      expect(fresh.traceparent).toBe(
        `00-${second.spanContext().traceId}-${second.spanContext().spanId}-01`,
      );
      expect(fresh.baggage).toBe('user.tier=gold');
      // The handler sees the baggage.
      expect(fresh.handlerBaggage).toBe('gold');
    });

    it('puts mcp.resource.uri on resources/read and resources/subscribe spans of both sides', async () => {
      const server = instrumentMcpServer(new sdk.McpServer({ name: 'res', version: '1.0.0' }));
      server.registerResource('config', 'config://app', {}, (u: URL) => ({
        contents: [{ uri: u.href, text: '{}' }],
      }));
      const [clientSide, serverSide] = sdk.InMemoryTransport.createLinkedPair();
      await server.connect(serverSide);
      const client = instrumentMcpClient(new sdk.Client({ name: 'agent', version: '1.0.0' }));
      await client.connect(clientSide);
      await client.readResource({ uri: 'config://app' });
      // McpServer has no subscribe handler: a JSON-RPC error, and still the URI.
      await client.subscribeResource({ uri: 'config://app' }).catch(() => undefined);
      await client.close();
      await server.close();
      const spans = tel.finishedSpans().filter((s) => s.name.startsWith('resources/'));
      const seen = spans.map((s) => [s.name, s.kind, s.attributes['mcp.resource.uri']]);
      for (const method of ['resources/read', 'resources/subscribe']) {
        for (const kind of [SpanKind.CLIENT, SpanKind.SERVER]) {
          expect(seen).toContainEqual([method, kind, 'config://app']);
        }
      }
    });

    it('counts calls exactly: success, tool error, JSON-RPC error, timeout, cancellation', async () => {
      const before = await tel.collect();
      const { client, close } = await pair(sdk);
      await client.listTools();
      const call = (name: string, args: object = {}, options?: object) =>
        sdk.callTool(client, { name, arguments: args }, options).catch((e: unknown) => e);
      for (let i = 0; i < 3; i++) await call('fast');
      for (let i = 0; i < 2; i++) await call('failing');
      await call('made_up_tool');
      await call('slow', { ms: 300 }, { timeout: 30 });
      const ac = new AbortController();
      const pending = call('slow', { ms: 300 }, { signal: ac.signal });
      setTimeout(() => ac.abort(), 20);
      await pending;
      const notFound = await client.getPrompt({ name: 'none' }).catch((e: unknown) => e);
      expect(notFound).toBeInstanceOf(Error);
      // let the slow handlers finish before closing
      await new Promise((r) => setTimeout(r, 350));
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
      // SDK 1.x servers answer an unknown tool with an isError result, 2.x with -32602.
      expect(tool('_OTHER', sdk.name === 'sdk1' ? 'tool_error' : '-32602')).toBe(1);
      expect(tool('slow', 'timeout')).toBe(1);
      expect(tool('slow', 'cancelled')).toBe(1);
      expect(delta({ 'mcp.method.name': 'tools/call' })).toBe(8);
      expect(delta({ 'mcp.method.name': 'prompts/get', 'error.type': '-32601' })).toBe(1);
      expect(delta({ 'mcp.method.name': 'tools/list' })).toBe(1);
      expect(delta({ 'mcp.method.name': 'initialize' })).toBe(1);
      const active = findMetric(after, 'mcp.client.active_requests');
      expect(countOf(active)).toBe(0);
      const sessions = findMetric(after, 'mcp.client.session.duration');
      expect(countOf(sessions) - countOf(findMetric(before, 'mcp.client.session.duration'))).toBe(
        1,
      );

      const spans = tel.finishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
      const timedOut = spans.find(
        (s) => s.name === 'tools/call slow' && s.attributes['error.type'] === 'timeout',
      )!;
      expect(timedOut.status.code).toBe(SpanStatusCode.ERROR);
      const cancelled = spans.find(
        (s) => s.name === 'tools/call slow' && s.attributes['error.type'] === 'cancelled',
      )!;
      expect(cancelled.status.code).toBe(SpanStatusCode.UNSET);
      const prompt = spans.find((s) => s.name === 'prompts/get none')!;
      expect(prompt.attributes['rpc.response.status_code']).toBe('-32601');
      expect(prompt.attributes['error.type']).toBe('-32601');
    });

    it('ends requests in flight as connection_closed when the transport closes', async () => {
      const before = await tel.collect();
      const { client, close } = await pair(sdk);
      await client.listTools();
      const pending = sdk
        .callTool(client, { name: 'slow', arguments: { ms: 200 } })
        .catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 20));
      await close();
      expect(await pending).toBeInstanceOf(Error);
      const after = await tel.collect();
      const m = findMetric(after, DURATION);
      const filter = { 'gen_ai.tool.name': 'slow', 'error.type': 'connection_closed' };
      expect(countOf(m, filter) - countOf(findMetric(before, DURATION), filter)).toBe(1);
      expect(countOf(findMetric(after, 'mcp.client.active_requests'))).toBe(0);
      const sessions = findMetric(after, 'mcp.client.session.duration');
      const closed = { 'error.type': 'connection_closed' };
      expect(
        countOf(sessions, closed) -
          countOf(findMetric(before, 'mcp.client.session.duration'), closed),
      ).toBe(1);
      await new Promise((r) => setTimeout(r, 250));
    });

    it('adds MCP attributes to an active execute_tool span instead of stacking one', async () => {
      const { client, close } = await pair(sdk);
      await client.listTools();
      const tracer = trace.getTracer('agent-framework');
      await tracer.startActiveSpan(
        'execute_tool fast',
        { kind: SpanKind.INTERNAL, attributes: { 'gen_ai.operation.name': 'execute_tool' } },
        async (span) => {
          await sdk.callTool(client, { name: 'fast', arguments: {} });
          span.end();
        },
      );
      await close();
      const spans = tel.finishedSpans();
      const framework = spans.find((s) => s.name === 'execute_tool fast')!;
      expect(
        spans.filter((s) => s.name === 'tools/call fast' && s.kind === SpanKind.CLIENT),
      ).toEqual([]);
      expect(framework.attributes).toMatchObject({
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': 'fast',
      });
      const serverSpan = spans.find(
        (s) => s.name === 'tools/call fast' && s.kind === SpanKind.SERVER,
      )!;
      expect(serverSpan.parentSpanContext?.spanId).toBe(framework.spanContext().spanId);
    });

    it('can be told to keep its own span under an execute_tool span', async () => {
      const server = new sdk.McpServer({ name: 's', version: '1.0.0' });
      registerClawTools(server, ['fast']);
      const [c, s] = sdk.InMemoryTransport.createLinkedPair();
      await server.connect(s);
      const client = instrumentMcpClient(new sdk.Client({ name: 'a', version: '1.0.0' }), {
        reuseExecuteToolSpan: false,
      });
      await client.connect(c);
      await trace
        .getTracer('fw')
        .startActiveSpan(
          'execute_tool fast',
          { attributes: { 'gen_ai.operation.name': 'execute_tool' } },
          async (span) => {
            await sdk.callTool(client, { name: 'fast', arguments: {} });
            span.end();
          },
        );
      await client.close();
      await server.close();
      const spans = tel.finishedSpans();
      const framework = spans.find((x) => x.name === 'execute_tool fast')!;
      const own = spans.find((x) => x.name === 'tools/call fast' && x.kind === SpanKind.CLIENT)!;
      expect(own.parentSpanContext?.spanId).toBe(framework.spanContext().spanId);
      expect(framework.attributes['mcp.method.name']).toBeUndefined();
    });
  });
}
