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
        // The socket's peer where the SDK's Node transport has it; the fetch-based
        // 2.x transport never sees a socket, so nothing is known there.
        expect(new Set(mcp.map((s) => s.attributes['client.address']))).toEqual(
          new Set([sdk.name === 'sdk1' ? '127.0.0.1' : undefined]),
        );
        for (const s of mcp) {
          expect(s.attributes['network.protocol.name']).toBe('http');
          if (sdk.name === 'sdk1') {
            expect(s.attributes['client.port']).toEqual(expect.any(Number));
            expect(s.attributes['network.protocol.version']).toBe('1.1');
          } else {
            expect(s.attributes['client.port']).toBeUndefined();
            expect(s.attributes['network.protocol.version']).toBeUndefined();
          }
        }
      });

      it('takes client.address and client.port from Forwarded / X-Forwarded-For, on spans only', async () => {
        // A header's client port when it names one; never the proxy's socket port.
        const cases: [Record<string, string>, string, number | undefined][] = [
          [{ 'x-forwarded-for': '203.0.113.7, 10.0.0.1' }, '203.0.113.7', undefined],
          [
            { forwarded: 'for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.1' },
            '2001:db8:cafe::17',
            4711,
          ],
          [{ forwarded: 'proto=http;for=192.0.2.60:8080' }, '192.0.2.60', 8080],
          [{ forwarded: 'for="198.51.100.3:_p1"' }, '198.51.100.3', undefined],
        ];
        for (const [headers, expected, port] of cases) {
          tel.spans.reset();
          const http = await startHttpMcp(sdk, mode, () => {
            const server = instrumentMcpServer(
              new sdk.McpServer({ name: 'claws-http', version: '1.0.0' }),
            );
            registerClawTools(server, ['fast']);
            return server;
          });
          const { client, close } = await http.connectClient(headers);
          await sdk.callTool(client, { name: 'fast', arguments: {} });
          await close();
          await http.close();
          const span = tel.finishedSpans().find((s) => s.name === 'tools/call fast');
          expect(span?.attributes['client.address'], JSON.stringify(headers)).toBe(expected);
          expect(span?.attributes['client.port'], JSON.stringify(headers)).toBe(port);
        }
        const m = findMetric(await tel.collect(), DURATION);
        for (const p of m!.dataPoints) {
          for (const key of ['client.address', 'client.port', 'network.protocol.version']) {
            expect(p.attributes[key]).toBeUndefined();
          }
        }
      });
    });
  }
}
