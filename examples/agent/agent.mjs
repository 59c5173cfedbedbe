#!/usr/bin/env node
/*
 * An agent turn in one trace, across three processes:
 *
 *   invoke_agent claws-agent                      (this process)
 *   ├── chat gpt-4.1-mini                         LLM call through instrumentFetch
 *   ├── tools/call sharpen_claw   CLIENT ──stdio──▶ tools/call sharpen_claw SERVER  (examples/mcp-server/stdio.mjs)
 *   └── tools/call slow           CLIENT ──HTTP───▶ tools/call slow SERVER          (examples/mcp-server/http.mjs)
 *
 * The MCP clients are instrumented with instrumentMcpClient: they put the trace
 * context and baggage in each request's `params._meta`, which the servers read.
 * Without UPSTREAM_BASE_URL the LLM call goes to the local fake upstream of
 * examples/llm-gateway, so the whole thing runs offline.
 *
 * Run: `pnpm build && node examples/agent/agent.mjs`. Env:
 *   OTEL_EXPORTER_OTLP_ENDPOINT     where all three processes send spans (e.g. Jaeger's 4318)
 *   OTEL_EXPORTER_PROMETHEUS_PORT   this agent's /metrics (9464); the stdio server uses
 *   STDIO_METRICS_PORT (9465), the HTTP server HTTP_METRICS_PORT (9466)
 *   UPSTREAM_BASE_URL, UPSTREAM_API_KEY, AGENT_MODEL (gpt-4.1-mini)
 *   AGENT_LINGER_MS                 keep running this long after the turn (0), to scrape /metrics
 *   AGENT_LINGER_UNTIL_STDIN_ENDS   1: stop lingering as soon as stdin ends
 * Prints one JSON line on stdout: the trace id and what the tools answered.
 */
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { register } from '@mcpmeter/node';
import { instrumentFetch } from '@mcpmeter/instrumentation-llm';
import { instrumentMcpClient } from '@mcpmeter/instrumentation-mcp';
import { startFakeUpstream } from '@mcpmeter-examples/llm-gateway/fake-upstream.mjs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawnHttpServer } from './servers.mjs';

const telemetry = register({ serviceName: process.env.OTEL_SERVICE_NAME ?? 'claws-agent' });
const serverDir = dirname(
  createRequire(import.meta.url).resolve('@mcpmeter-examples/mcp-server/package.json'),
);
/** @param {string} service @param {string} metricsPort */
const childEnv = (service, metricsPort) => ({
  ...process.env,
  OTEL_SERVICE_NAME: service,
  OTEL_EXPORTER_PROMETHEUS_PORT: metricsPort,
});

const fake = process.env.UPSTREAM_BASE_URL ? undefined : await startFakeUpstream({ port: 0 });
const baseURL = process.env.UPSTREAM_BASE_URL ?? fake?.baseURL ?? '';
const llmFetch = instrumentFetch(fetch, { endpoints: [{ baseURL, providerName: 'openai' }] });
const model = process.env.AGENT_MODEL ?? 'gpt-4.1-mini';

const stdioClient = instrumentMcpClient(new Client({ name: 'claws-agent', version: '1.0.0' }));
await stdioClient.connect(
  new StdioClientTransport({
    command: process.execPath,
    args: [join(serverDir, 'stdio.mjs')],
    cwd: serverDir,
    env: childEnv('claws-stdio', process.env.STDIO_METRICS_PORT ?? '9465'),
    stderr: 'inherit',
  }),
);
const httpServer = await spawnHttpServer(
  join(serverDir, 'http.mjs'),
  childEnv('claws-http', process.env.HTTP_METRICS_PORT ?? '9466'),
);
const httpClient = instrumentMcpClient(new Client({ name: 'claws-agent', version: '1.0.0' }));
await httpClient.connect(new StreamableHTTPClientTransport(new URL(httpServer.url)));

/** @param {any} result @returns {string | undefined} */
const text = (result) => result.content?.[0]?.text;
/** @type {{ llm?: string, stdio?: string, http?: string, traceId?: string }} */
const out = {};
const bag = propagation.createBaggage({ 'agent.user.tier': { value: 'gold' } });
await context.with(propagation.setBaggage(context.active(), bag), () =>
  trace
    .getTracer('claws-agent')
    .startActiveSpan(
      'invoke_agent claws-agent',
      { kind: SpanKind.INTERNAL, attributes: { 'gen_ai.operation.name': 'invoke_agent' } },
      async (span) => {
        try {
          const res = await llmFetch(`${baseURL}/chat/completions`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${process.env.UPSTREAM_API_KEY ?? 'offline'}`,
            },
            body: JSON.stringify({
              model,
              messages: [{ role: 'user', content: 'My claw is blunt; what should I do?' }],
            }),
          });
          out.llm = /** @type {any} */ (await res.json()).choices?.[0]?.message?.content;
          await stdioClient.listTools();
          out.stdio = text(
            await stdioClient.callTool({ name: 'sharpen_claw', arguments: { times: 2 } }),
          );
          await httpClient.listTools();
          out.http = text(await httpClient.callTool({ name: 'slow', arguments: { ms: 25 } }));
          out.traceId = span.spanContext().traceId;
        } finally {
          span.end();
        }
      },
    ),
);

// The linger ends early when stdin ends, if asked to (the demo's --once does that).
const stopLinger = new AbortController();
if (process.env.AGENT_LINGER_UNTIL_STDIN_ENDS === '1') {
  process.stdin.once('end', () => stopLinger.abort()).resume();
}
await sleep(Number(process.env.AGENT_LINGER_MS ?? 0), undefined, {
  signal: stopLinger.signal,
}).catch(() => {});
process.stdin.pause();
await stdioClient.close();
await httpClient.close();
await httpServer.stop();
await fake?.close();
await telemetry.shutdown();
process.stdout.write(JSON.stringify(out) + '\n');
