/*
 * Correlation: the exemplar on a tools/call latency bucket names the server span
 * of that very call (not the transport's context that sends the response).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { ExemplarStore, withExemplars } from '@mcpmeter/core';
import { PrometheusReader } from '@mcpmeter/prometheus';
import { setupTelemetry, type TestTelemetry } from '../../../test-utils/otel.js';
import { instrumentMcpServer } from '../src/index.js';
import { SDKS, connectInMemory, registerClawTools } from './fixtures/sdks.js';

let tel: TestTelemetry;
beforeAll(() => {
  tel = setupTelemetry();
});
afterAll(() => tel.shutdown());

for (const sdk of SDKS) {
  describe(`${sdk.name}`, () => {
    it('puts the tools/call server span on the latency bucket as an exemplar', async () => {
      const store = new ExemplarStore();
      const reader = new PrometheusReader({ exemplars: store });
      const meterProvider = withExemplars(new MeterProvider({ readers: [reader] }), store);
      const server = instrumentMcpServer(
        new sdk.McpServer({ name: `ex-${sdk.name}`, version: '1.0.0' }),
        { meterProvider, tracerProvider: tel.tracerProvider },
      );
      registerClawTools(server, ['slow']);
      const { client, close } = await connectInMemory(sdk, server);
      tel.spans.reset();
      await sdk.callTool(client, { name: 'slow', arguments: { ms: 30 } });
      await close();

      const span = tel
        .finishedSpans()
        .find((s) => s.name === 'tools/call slow' && s.instrumentationScope.name.includes('mcp'));
      expect(span).toBeDefined();
      const body = (await reader.scrape('application/openmetrics-text')).text();
      const line = body
        .split('\n')
        .find(
          (l) =>
            l.includes('mcp_server_operation_duration_seconds_bucket') &&
            l.includes('gen_ai_tool_name="slow"') &&
            l.includes('# {'),
        );
      expect(line).toContain(`trace_id="${span!.spanContext().traceId}"`);
      expect(line).toContain(`span_id="${span!.spanContext().spanId}"`);
      await meterProvider.shutdown();
    });
  });
}
