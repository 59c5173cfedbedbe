/*
 * Trace context through wrap and proxy: an instrumented agent (register() in
 * this process, instrumentMcpClient) calls a tool on a server that is itself
 * instrumented with register(); the wrap/proxy span is the child of the
 * client's span and the server's SERVER span the child of the wrap/proxy span,
 * all in one trace, received over OTLP from three processes.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, trace } from '@opentelemetry/api';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { register, type RegisterHandle } from '@mcpmeter/node';
import { instrumentMcpClient } from '@mcpmeter/instrumentation-mcp';
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../../../test-utils/otlp-receiver.js';
import { startNode } from '../../../test-utils/process.js';
import { BIN, connectWrapped, wrapEnv } from './helpers.js';

const SERVER = fileURLToPath(new URL('./fixtures/sdk-server.mjs', import.meta.url));
const CWD = fileURLToPath(new URL('..', import.meta.url));

let receiver: OtlpReceiver;
let agent: RegisterHandle;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  agent = register({
    serviceName: 'agent',
    traces: { endpoint: receiver.tracesUrl },
    metrics: { exporter: 'none' },
    runtimeMetrics: false,
    handleSignals: false,
  });
});
afterAll(async () => {
  await agent?.shutdown();
  await receiver?.close();
});

const env = () =>
  wrapEnv({
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.tracesUrl,
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    SERVER_SERVICE_NAME: 'sdk-server',
  });

/** Calls `echo` inside an agent span; returns the spans of that trace once all four arrived. */
async function callTraced(client: Client): Promise<ReceivedSpan[]> {
  const traceId = await trace.getTracer('agent').startActiveSpan('agent run', async (span) => {
    await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    span.end();
    return span.spanContext().traceId;
  });
  await agent.tracerProvider.forceFlush();
  const inTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
  await receiver.waitForSpans(
    () => inTrace().filter((s) => s.kind === SpanKind.SERVER + 1).length >= 2,
  );
  return inTrace();
}

function expectNested(spans: ReceivedSpan[], via: string): void {
  const root = spans.find((s) => s.name === 'agent run')!;
  const client = spans.find((s) => s.kind === 3 && s.name === 'tools/call echo')!;
  const proxy = spans.find((s) => s.kind === 2 && s.scope === '@mcpmeter/cli')!;
  const server = spans.find((s) => s.kind === 2 && s.scope === '@mcpmeter/instrumentation-mcp')!;
  expect(client.parentSpanId).toBe(root.spanId);
  expect(proxy.parentSpanId).toBe(client.spanId);
  expect(server.parentSpanId).toBe(proxy.spanId);
  expect(proxy.resource['service.name']).toBe(via);
  expect(server.resource['service.name']).toBe('sdk-server');
  expect(proxy.attributes).toMatchObject({
    'mcp.method.name': 'tools/call',
    'gen_ai.tool.name': 'echo',
  });
}

describe('trace context', () => {
  it('wrap: client → wrap → instrumented server, one trace', async () => {
    const client = instrumentMcpClient(new Client({ name: 'agent', version: '1.0.0' }));
    await connectWrapped(
      [process.execPath, SERVER],
      { ...env(), TRANSPORT: 'stdio', INSTRUMENT: '1' },
      { wrapArgs: ['--service-name', 'wrap'], client },
    );
    try {
      await client.listTools();
      expectNested(await callTraced(client), 'wrap');
    } finally {
      await client.close();
    }
  });

  it('proxy: client → proxy → instrumented server, one trace', async () => {
    const server = startNode([SERVER], { cwd: CWD, env: { ...env(), INSTRUMENT: '1' } });
    const [, target] = await server.waitFor(/MCP at (\S+)/);
    const proxy = startNode(
      [BIN, 'proxy', '--target', target!, '--listen', '127.0.0.1:0', '--service-name', 'proxy'],
      { cwd: CWD, env: env() },
    );
    const client = instrumentMcpClient(new Client({ name: 'agent', version: '1.0.0' }));
    try {
      const [, url] = await proxy.waitFor(/listening on (\S+)/);
      await client.connect(new StreamableHTTPClientTransport(new URL(url!)));
      await client.listTools();
      expectNested(await callTraced(client), 'proxy');
    } finally {
      await client.close();
      await proxy.kill();
      await server.kill();
    }
  });
});
