/*
 * Metrics only, as register() runs with OTEL_TRACES_EXPORTER=none: no tracer
 * provider registered, no tool-scoped metrics, so no context is entered per
 * request and the McpServer hooks find a call by its request id alone. Every
 * tools/call outcome must still get its own error.type, on the metrics by the
 * time the client has its answer. Around that: a tracer provider registered
 * later, a sampler that drops a request, and a client without a tracer.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  ProxyTracerProvider,
  ROOT_CONTEXT,
  SpanKind,
  TraceFlags,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  TracerProvider,
  ParentBasedSampler,
} from '@opentelemetry/sdk-trace';
import { z } from 'zod';
import {
  countOf,
  findMetric,
  labelValues,
  setupTelemetry,
  type TestTelemetry,
} from '../../../test-utils/otel.js';
import { instrumentMcpClient, instrumentMcpServer } from '../src/index.js';
import { toolMetricsInUse } from '../src/tool-context.js';
import { registerMetaTool } from './fixtures/meta-tool.js';
import { SDKS, connectInMemory, registerClawTools } from './fixtures/sdks.js';

const DURATION = 'mcp.server.operation.duration';
const ACTIVE = 'mcp.server.active_requests';

const tels: TestTelemetry[] = [];
afterAll(async () => {
  for (const t of tels) await t.shutdown();
});

function registerOutcomeTools(server: any): void {
  registerClawTools(server, ['fast', 'failing', 'throwing']);
  server.registerTool('sync_throwing', { description: 'Throws before any await.' }, () => {
    throw new RangeError('no claws left');
  });
  server.registerTool(
    'bad_output',
    { description: 'Breaks its output schema.', outputSchema: z.object({ n: z.number() }) },
    async () => ({ content: [{ type: 'text', text: 'no structured content' }] }),
  );
  server.registerTool(
    'good_output',
    { description: 'Keeps its output schema.', outputSchema: z.object({ n: z.number() }) },
    async () => ({ content: [{ type: 'text', text: '1' }], structuredContent: { n: 1 } }),
  );
  server.registerTool(
    'typed',
    { description: 'Takes a number.', inputSchema: z.object({ n: z.number() }) },
    async ({ n }: { n: number }) => ({ content: [{ type: 'text', text: String(n) }] }),
  );
}

for (const sdk of SDKS) {
  describe(`${sdk.name} McpServer, metrics only`, () => {
    it('gives every outcome its error.type without a tracer or a context', async () => {
      expect(toolMetricsInUse()).toBe(false);
      const tel = setupTelemetry({ global: false });
      tels.push(tel);
      const server = new sdk.McpServer({ name: `metrics-only-${sdk.name}`, version: '1.0.0' });
      registerOutcomeTools(server);
      // A proxy provider with no delegate: what the global one is before any SDK registers.
      instrumentMcpServer(server, {
        meterProvider: tel.meterProvider,
        tracerProvider: new ProxyTracerProvider(),
      });
      const { client, close } = await connectInMemory(sdk, server);
      const outputError = sdk.name === 'sdk1' ? 'McpError' : 'ProtocolError';
      const cases: [name: string, args: object, label: string, errorType: string | undefined][] = [
        ['fast', {}, 'fast', undefined],
        ['failing', {}, 'failing', 'tool_error'],
        ['throwing', {}, 'throwing', 'TypeError'],
        ['sync_throwing', {}, 'sync_throwing', 'RangeError'],
        ['bad_output', {}, 'bad_output', outputError],
        ['good_output', {}, 'good_output', undefined],
        ['typed', { n: 'x' }, 'typed', '-32602'],
        ['no_such_tool', {}, '_OTHER', '-32602'],
      ];
      for (const [name, args, label, errorType] of cases) {
        await sdk.callTool(client, { name, arguments: args }).catch((e: unknown) => e);
        // Collected right after the answer: the record has ended by then.
        const all = await tel.collect();
        const m = findMetric(all, DURATION);
        const points = m!.dataPoints.filter((p) => p.attributes['gen_ai.tool.name'] === label);
        expect(points, name).toHaveLength(1);
        expect(points[0]!.attributes['error.type'], name).toBe(errorType);
        expect(countOf(m, { 'gen_ai.tool.name': label }), name).toBe(1);
        expect(countOf(findMetric(all, ACTIVE)), name).toBe(0);
      }

      // The same outcomes at once, interleaved: each still finds its own call.
      const before = findMetric(await tel.collect(), DURATION);
      const rounds = 5;
      await Promise.all(
        Array.from({ length: rounds }, () =>
          cases.map(([name, args]) =>
            sdk.callTool(client, { name, arguments: args }).catch((e: unknown) => e),
          ),
        ).flat(),
      );
      const after = await tel.collect();
      const m = findMetric(after, DURATION);
      for (const [name, , label, errorType] of cases) {
        const filter = {
          'gen_ai.tool.name': label,
          ...(errorType === undefined ? {} : { 'error.type': errorType }),
        };
        expect(countOf(m, filter) - countOf(before, filter), name).toBe(rounds);
      }
      expect(labelValues(m, 'error.type')).toEqual(
        new Set([undefined, 'tool_error', 'TypeError', 'RangeError', outputError, '-32602']),
      );
      expect(countOf(findMetric(after, ACTIVE))).toBe(0);
      await close();
    });
  });
}

describe('a tracer provider registered after instrumentation', () => {
  it('gets its spans from the next request on', async () => {
    const tel = setupTelemetry({ global: false });
    tels.push(tel);
    const sdk = SDKS[0]!;
    const server = new sdk.McpServer({ name: 'late-provider', version: '1.0.0' });
    registerClawTools(server, ['fast']);
    // The global proxy, with nothing registered behind it yet.
    instrumentMcpServer(server, {
      meterProvider: tel.meterProvider,
      tracerProvider: trace.getTracerProvider(),
    });
    const { client, close } = await connectInMemory(sdk, server);
    await sdk.callTool(client, { name: 'fast', arguments: {} });
    expect(tel.finishedSpans()).toHaveLength(0);
    trace.setGlobalTracerProvider(tel.tracerProvider);
    try {
      await sdk.callTool(client, { name: 'fast', arguments: {} });
      const spans = tel.finishedSpans().filter((s) => s.name === 'tools/call fast');
      expect(spans).toHaveLength(1);
      expect(spans[0]!.kind).toBe(SpanKind.SERVER);
    } finally {
      trace.disable();
      await close();
    }
    const m = findMetric(await tel.collect(), DURATION);
    expect(countOf(m, { 'gen_ai.tool.name': 'fast' })).toBe(2);
  });
});

describe('a request its sampler drops', () => {
  it("hands the decision to the tool's own calls instead of letting them start a trace", async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const tel = setupTelemetry({ global: false });
    tels.push(tel);
    // The LLM client a tool calls: samples whatever has no parent, follows a parent otherwise.
    const downstream = new TracerProvider({
      sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    }).getTracer('llm');
    const seen: { recording: boolean; sampledParent: boolean | undefined }[] = [];
    for (const sdk of SDKS) {
      const server = new sdk.McpServer({ name: `dropped-${sdk.name}`, version: '1.0.0' });
      server.registerTool('ask_llm', { description: 'Calls an LLM.' }, async () => {
        const parent = trace.getSpanContext(context.active());
        const span = downstream.startSpan('chat');
        seen.push({
          recording: span.isRecording(),
          sampledParent: parent === undefined ? undefined : (parent.traceFlags & 1) === 1,
        });
        span.end();
        return { content: [{ type: 'text', text: 'ok' }] };
      });
      instrumentMcpServer(server, {
        meterProvider: tel.meterProvider,
        tracerProvider: new TracerProvider({ sampler: new AlwaysOffSampler() }),
      });
      const { client, close } = await connectInMemory(sdk, server);
      try {
        await sdk.callTool(client, { name: 'ask_llm', arguments: {} });
      } finally {
        await close();
      }
    }
    context.disable();
    // The server span was sampled out; the tool ran in its context, so the
    // LLM span is dropped with it rather than recorded as a stray root.
    expect(seen).toEqual([
      { recording: false, sampledParent: false },
      { recording: false, sampledParent: false },
    ]);
  });
});

describe('a client with no tracer provider registered', () => {
  it('starts no span, and passes an ambient trace on in _meta as it is', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const tel = setupTelemetry({ global: false });
    tels.push(tel);
    const ambient = {
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      traceFlags: TraceFlags.SAMPLED,
    };
    try {
      for (const sdk of SDKS) {
        const server = new sdk.McpServer({ name: `meta-${sdk.name}`, version: '1.0.0' });
        registerMetaTool(server, sdk);
        const { client, close } = await connectInMemory(sdk, server);
        instrumentMcpClient(client, {
          meterProvider: tel.meterProvider,
          tracerProvider: new ProxyTracerProvider(),
        });
        const meta = async () => {
          const r = await sdk.callTool(client, { name: 'meta', arguments: {} });
          return JSON.parse(r.content[0].text) as Record<string, unknown>;
        };
        try {
          expect((await meta()).traceparent, sdk.name).toBeUndefined();
          const inTrace = await context.with(trace.setSpanContext(ROOT_CONTEXT, ambient), meta);
          expect(inTrace.traceparent, sdk.name).toBe(`00-${ambient.traceId}-${ambient.spanId}-01`);
        } finally {
          await close();
        }
      }
      const m = findMetric(await tel.collect(), 'mcp.client.operation.duration');
      expect(countOf(m, { 'mcp.method.name': 'tools/call' })).toBe(4);
    } finally {
      propagation.disable();
      context.disable();
    }
  });
});
