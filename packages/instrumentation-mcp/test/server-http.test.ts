import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countOf,
  findMetric,
  setupTelemetry,
  type TestTelemetry,
} from '../../../test-utils/otel.js';
import { instrumentMcpServer } from '../src/index.js';
import { startHttpMcp } from './fixtures/http.js';
import { SDKS, registerClawTools } from './fixtures/sdks.js';

let tel: TestTelemetry;
beforeAll(() => {
  tel = setupTelemetry();
});
afterAll(() => tel.shutdown());

const DURATION = 'mcp.server.operation.duration';
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

for (const sdk of SDKS) {
  for (const mode of ['stateful', 'stateless'] as const) {
    describe(`${sdk.name} Streamable HTTP (${mode})`, () => {
      it('counts per tool over tcp, parents from _meta and links the HTTP span', async () => {
        tel.spans.reset();
        const before = await tel.collect();
        const http = await startHttpMcp(sdk, mode, () => {
          const server = instrumentMcpServer(
            new sdk.McpServer({ name: 'claws-http', version: '1.0.0' }),
          );
          registerClawTools(server);
          return server;
        });
        const { client, close } = await http.connectClient();
        for (let i = 0; i < 3; i++) await sdk.callTool(client, { name: 'fast', arguments: {} });
        await sdk.callTool(client, { name: 'failing', arguments: {} });
        await sdk.callTool(client, { name: 'throwing', arguments: {} });
        await sdk.callTool(client, { name: 'sharpen_claw', arguments: { times: 3 } });
        await sdk.callTool(client, {
          name: 'fast',
          arguments: {},
          _meta: { traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01` },
        });
        await close();
        await http.close();

        const m = findMetric(await tel.collect(), DURATION);
        const delta = (f: Record<string, string>) =>
          countOf(m, f) - countOf(findMetric(before, DURATION), f);
        const tcp = { 'mcp.method.name': 'tools/call', 'network.transport': 'tcp' };
        expect(delta({ ...tcp, 'gen_ai.tool.name': 'fast' })).toBe(4);
        expect(delta({ ...tcp, 'gen_ai.tool.name': 'failing', 'error.type': 'tool_error' })).toBe(
          1,
        );
        expect(delta({ ...tcp, 'gen_ai.tool.name': 'throwing', 'error.type': 'TypeError' })).toBe(
          1,
        );
        expect(delta({ ...tcp, 'gen_ai.tool.name': 'sharpen_claw' })).toBe(1);
        expect(countOf(findMetric(await tel.collect(), 'mcp.server.active_requests'))).toBe(0);

        const spans = tel.finishedSpans();
        const mcp = spans.filter((s) => s.name.startsWith('tools/call'));
        expect(mcp).toHaveLength(7);
        const ambientIds = new Set(
          spans.filter((s) => s.name === 'POST /mcp').map((s) => s.spanContext().spanId),
        );
        // Without _meta: the ambient HTTP span is the parent.
        expect(ambientIds.has(mcp[0]!.parentSpanContext!.spanId)).toBe(true);
        // With _meta: _meta is the parent and the HTTP span is linked.
        const remote = mcp.find((s) => s.spanContext().traceId === TRACE_ID)!;
        expect(remote.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
        expect(remote.links).toHaveLength(1);
        expect(ambientIds.has(remote.links[0]!.context.spanId)).toBe(true);
        if (mode === 'stateful') {
          expect(typeof mcp[0]!.attributes['mcp.session.id']).toBe('string');
        }
      });
    });
  }
}
