// agent.mjs as CommonJS (zero-code under --require): node agent.cjs <sdk1|sdk2> stdio <server script>
const { setTimeout: sleep } = require('node:timers/promises');
const { context, propagation, trace } = require('@opentelemetry/api');

async function main() {
  const [sdk, , target] = process.argv.slice(2);
  const { Client } =
    sdk === 'sdk1'
      ? require('@modelcontextprotocol/sdk/client/index.js')
      : require('@modelcontextprotocol/client');
  const { StdioClientTransport } =
    sdk === 'sdk1'
      ? require('@modelcontextprotocol/sdk/client/stdio.js')
      : require('@modelcontextprotocol/client/stdio');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', '@mcpmeter/node/register', target, sdk],
    env: { ...process.env, OTEL_SERVICE_NAME: 'tool-server' },
    stderr: 'inherit',
  });
  const client = new Client({ name: 'agent', version: '1.0.0' });
  await client.connect(transport);
  const out = {};
  const bag = propagation.createBaggage({ 'user.tier': { value: 'gold' } });
  await context.with(propagation.setBaggage(context.active(), bag), () =>
    trace.getTracer('agent').startActiveSpan('agent turn', async (span) => {
      const r = await client.callTool({ name: 'baggage', arguments: {} });
      await client.callTool({ name: 'fast', arguments: {} });
      out.baggageSeenByServer = r.content[0].text;
      out.traceId = span.spanContext().traceId;
      out.spanId = span.spanContext().spanId;
      span.end();
    }),
  );
  await sleep(400);
  await client.close();
  await sleep(200);
  process.stdout.write(JSON.stringify(out) + '\n');
}
main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
