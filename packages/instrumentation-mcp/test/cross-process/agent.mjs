// An agent with no telemetry code of its own beyond a parent span and baggage:
// node agent.mjs <sdk1|sdk2> <stdio|http> <server script | URL>
// Calls `baggage` and `fast` inside the span "agent turn" and prints the ids as JSON.
import { setTimeout as sleep } from 'node:timers/promises';
import { context, propagation, trace } from '@opentelemetry/api';

const [sdk, kind, target] = process.argv.slice(2);
const { Client } =
  sdk === 'sdk1'
    ? await import('@modelcontextprotocol/sdk/client/index.js')
    : await import('@modelcontextprotocol/client');
let transport;
if (kind === 'stdio') {
  const { StdioClientTransport } =
    sdk === 'sdk1'
      ? await import('@modelcontextprotocol/sdk/client/stdio.js')
      : await import('@modelcontextprotocol/client/stdio');
  transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', '@mcpmeter/node/register', target, sdk],
    env: { ...process.env, OTEL_SERVICE_NAME: 'tool-server' },
    stderr: 'inherit',
  });
} else {
  const { StreamableHTTPClientTransport } =
    sdk === 'sdk1'
      ? await import('@modelcontextprotocol/sdk/client/streamableHttp.js')
      : await import('@modelcontextprotocol/client');
  transport = new StreamableHTTPClientTransport(new URL(target));
}
const client = new Client({ name: 'agent', version: '1.0.0' });
await client.connect(transport);
const call = (params) =>
  sdk === 'sdk1' ? client.callTool(params) : client.callTool(params, undefined);
const out = {};
const bag = propagation.createBaggage({ 'user.tier': { value: 'gold' } });
await context.with(propagation.setBaggage(context.active(), bag), () =>
  trace.getTracer('agent').startActiveSpan('agent turn', async (span) => {
    const r = await call({ name: 'baggage', arguments: {} });
    await call({ name: 'fast', arguments: {} });
    out.baggageSeenByServer = r.content[0].text;
    out.traceId = span.spanContext().traceId;
    out.spanId = span.spanContext().spanId;
    span.end();
  }),
);
// Let both batch span processors export before the session ends.
await sleep(400);
await client.close();
await sleep(200);
process.stdout.write(JSON.stringify(out) + '\n');
