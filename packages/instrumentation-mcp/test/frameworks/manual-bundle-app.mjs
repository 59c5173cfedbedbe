// An app that uses the manual API; the test bundles it with esbuild (ESM and
// CJS, no banner) and runs the bundle. Prints the tools/call counts per tool.
import { MeterProvider, MetricReader, AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { instrumentMcpClient, instrumentMcpServer } from '@mcpmeter/instrumentation-mcp';

class Reader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  onShutdown() {
    return Promise.resolve();
  }
  onForceFlush() {
    return Promise.resolve();
  }
}
async function main() {
  const reader = new Reader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const server = instrumentMcpServer(new McpServer({ name: 'bundled', version: '1.0.0' }), {
    meterProvider,
  });
  server.registerTool('fast', { description: 'ok' }, async () => ({
    content: [{ type: 'text', text: 'ok' }],
  }));
  server.registerTool('failing', { description: 'no' }, async () => ({
    content: [{ type: 'text', text: 'no' }],
    isError: true,
  }));
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = instrumentMcpClient(new Client({ name: 'c', version: '1.0.0' }), {
    meterProvider,
  });
  await client.connect(a);
  await client.listTools();
  for (let i = 0; i < 3; i++) await client.callTool({ name: 'fast', arguments: {} });
  await client.callTool({ name: 'failing', arguments: {} });
  await client.close();
  const { resourceMetrics } = await reader.collect();
  const counts = {};
  for (const sm of resourceMetrics.scopeMetrics) {
    for (const m of sm.metrics) {
      if (!m.descriptor.name.endsWith('.operation.duration')) continue;
      for (const p of m.dataPoints) {
        if (p.attributes['mcp.method.name'] !== 'tools/call') continue;
        const key = `${m.descriptor.name} ${p.attributes['gen_ai.tool.name']} ${p.attributes['error.type'] ?? ''}`;
        counts[key] = (counts[key] ?? 0) + p.value.count;
      }
    }
  }
  process.stdout.write(JSON.stringify(counts));
}
void main();
