import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../../../test-utils/otlp-receiver.js';
import { startNode, type Child } from '../../../test-utils/process.js';

/*
 * One trace from agent to tool across two processes: an agent process and an
 * MCP server process, each started with `node --import @mcpmeter/node/register`
 * and exporting OTLP to one local receiver. Neither script has telemetry code
 * beyond the agent's parent span and baggage. Needs `pnpm build`.
 */
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const here = (f: string) => fileURLToPath(new URL(`./cross-process/${f}`, import.meta.url));
const nodeDist = join(pkgDir, 'node_modules/@mcpmeter/node/dist/register.mjs');
const REGISTER = ['--import', '@mcpmeter/node/register'];
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

const env = (service: string) => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  OTEL_SERVICE_NAME: service,
  OTEL_TRACES_EXPORTER: 'otlp',
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_BSP_SCHEDULE_DELAY: '50',
});

async function runAgent(
  args: string[],
  preload: string[] = REGISTER,
  script = 'agent.mjs',
): Promise<{ traceId: string; spanId: string; baggageSeenByServer: string }> {
  const agent = startNode([...preload, here(script), ...args], {
    cwd: pkgDir,
    env: env('agent'),
  });
  const { code } = await agent.exited;
  expect(code, agent.stderr()).toBe(0);
  return JSON.parse(agent.stdout().trim().split('\n').pop()!);
}

function checkTrace(
  spans: ReceivedSpan[],
  out: { traceId: string; spanId: string },
  transport: string,
) {
  const inTrace = spans.filter((s) => s.traceId === out.traceId);
  const parent = inTrace.find((s) => s.name === 'agent turn')!;
  const client = inTrace.find(
    (s) => s.name === 'tools/call baggage' && s.kind === SPAN_KIND_CLIENT,
  )!;
  const server = inTrace.find(
    (s) => s.name === 'tools/call baggage' && s.kind === SPAN_KIND_SERVER,
  )!;
  expect(parent, JSON.stringify(inTrace.map((s) => s.name))).toBeDefined();
  expect(client).toBeDefined();
  expect(server).toBeDefined();
  expect(parent.spanId).toBe(out.spanId);
  expect(client.parentSpanId).toBe(parent.spanId);
  expect(server.parentSpanId).toBe(client.spanId);
  // two processes, one trace
  expect(parent.resource['service.name']).toBe('agent');
  expect(client.resource['service.name']).toBe('agent');
  expect(server.resource['service.name']).toBe('tool-server');
  expect(client.resource['process.pid']).not.toBe(server.resource['process.pid']);
  expect(client.attributes['network.transport']).toBe(transport);
  expect(server.attributes['network.transport']).toBe(transport);
  expect(client.attributes['mcp.method.name']).toBe('tools/call');
  expect(client.attributes['gen_ai.tool.name']).toBe('baggage');
  // the second call is a sibling under the same parent
  const fastClient = inTrace.find(
    (s) => s.name === 'tools/call fast' && s.kind === SPAN_KIND_CLIENT,
  )!;
  const fastServer = inTrace.find(
    (s) => s.name === 'tools/call fast' && s.kind === SPAN_KIND_SERVER,
  )!;
  expect(fastClient.parentSpanId).toBe(parent.spanId);
  expect(fastServer.parentSpanId).toBe(fastClient.spanId);
  return { client, server };
}

const hasTrace = (traceId: string) => (spans: ReceivedSpan[]) =>
  spans.filter((s) => s.traceId === traceId && s.name.startsWith('tools/call')).length >= 4 &&
  spans.some((s) => s.traceId === traceId && s.name === 'agent turn');

describe('one trace from agent to tool across two processes', () => {
  it('has the built @mcpmeter/node to test against', () => {
    expect(existsSync(nodeDist), `${nodeDist} is missing: run pnpm build first`).toBe(true);
  });

  for (const sdk of ['sdk1', 'sdk2']) {
    it(`${sdk} over stdio (agent spawns the server)`, async () => {
      const out = await runAgent([sdk, 'stdio', here('server-stdio.mjs')]);
      expect(out.baggageSeenByServer).toBe('gold');
      const spans = await receiver.waitForSpans(hasTrace(out.traceId));
      const { client } = checkTrace(spans, out, 'pipe');
      expect(client.attributes['server.address']).toBeUndefined();
    });

    it(`${sdk} over stdio, CommonJS agent under --require`, async () => {
      const out = await runAgent(
        [sdk, 'stdio', here('server-stdio.mjs')],
        ['--require', '@mcpmeter/node/register'],
        'agent.cjs',
      );
      expect(out.baggageSeenByServer).toBe('gold');
      checkTrace(await receiver.waitForSpans(hasTrace(out.traceId)), out, 'pipe');
    });

    it(`${sdk} over Streamable HTTP (server in its own process)`, async () => {
      let server: Child | undefined;
      try {
        server = startNode([...REGISTER, here('server-http.mjs'), sdk], {
          cwd: pkgDir,
          env: env('tool-server'),
        });
        const port = (await server.waitFor(/listening (\d+)/))[1]!;
        const out = await runAgent([sdk, 'http', `http://127.0.0.1:${port}/mcp`]);
        expect(out.baggageSeenByServer).toBe('gold');
        const spans = await receiver.waitForSpans(hasTrace(out.traceId));
        const { client, server: serverSpan } = checkTrace(spans, out, 'tcp');
        expect(client.attributes['server.address']).toBe('127.0.0.1');
        expect(client.attributes['server.port']).toBe(Number(port));
        expect(typeof client.attributes['mcp.session.id']).toBe('string');
        expect(serverSpan.attributes['mcp.session.id']).toBe(client.attributes['mcp.session.id']);
        // Zero-code too: the 1.x Node transport's socket peer (2.x's fetch transport has none).
        expect(serverSpan.attributes['client.address']).toBe(
          sdk === 'sdk1' ? '127.0.0.1' : undefined,
        );
      } finally {
        await server?.kill();
      }
    });
  }
});
